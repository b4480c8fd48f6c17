//! `uniffi-bindgen` of the pinned uniffi version (maturin and the Kotlin build run it).

fn main() {
    uniffi::uniffi_bindgen_main()
}
