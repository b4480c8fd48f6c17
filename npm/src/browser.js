// Browser entry (ESM, with or without a bundler). No top-level await: the wasm loads on `init()` or
// on the first call. Its default location, `new URL('../dist/…_bg.wasm', import.meta.url)`, is the
// pattern Vite and webpack follow to emit the file; with esbuild pass the URL yourself
// (`import wasmUrl from 'mca-attestation/wasm'` with `--loader:.wasm=file`, then `init(wasmUrl)`).
import initWasm, * as wasm from '../dist/mca_attestation_wasm.js';
import { setWasmLoader } from './api.js';

setWasmLoader(async (source) => {
  const module_or_path = source ?? new URL('../dist/mca_attestation_wasm_bg.wasm', import.meta.url);
  await initWasm({ module_or_path });
  return wasm;
});

export { init, Client, McaError, AccessToken, validateStartAttestation, validateAddCspService, coreVersion } from './api.js';
