// Browser entry (ESM, no bundler needed): fetches and instantiates the wasm next to the glue.
import init, * as wasm from '../dist/mca_attestation_wasm.js';
import { bindWasm } from './api.js';

await init({ module_or_path: new URL('../dist/mca_attestation_wasm_bg.wasm', import.meta.url) });
bindWasm(wasm);

export { Client, McaError, AccessToken, validateStartAttestation, validateAddCspService, coreVersion } from './api.js';
