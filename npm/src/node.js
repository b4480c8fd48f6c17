// Node entry (ESM): the wasm loads synchronously from the file next to the glue.
import * as wasm from '../dist/mca_attestation_wasm.node.js';
import { bindWasm } from './api.js';

bindWasm(wasm);

export { init, Client, McaError, AccessToken, validateStartAttestation, validateAddCspService, coreVersion } from './api.js';
