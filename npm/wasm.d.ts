/**
 * `import wasmUrl from 'mca-attestation/wasm'`: the URL of the package's WebAssembly file, as a bundler
 * that copies it (esbuild `--loader:.wasm=file`) gives it; pass it to `init(wasmUrl)`.
 */
declare const wasmUrl: string;
export default wasmUrl;
