// Vite, webpack and the plain page: the wasm is found through `new URL(…, import.meta.url)`.
// Named imports, as apps write them (a namespace import would keep every module alive).
import { init, Client, McaError, coreVersion } from 'mca-attestation';
import { run } from './app.js';

run({ init, Client, McaError, coreVersion });
