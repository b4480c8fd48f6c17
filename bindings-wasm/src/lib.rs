//! wasm-bindgen bindings (see issue 5).
