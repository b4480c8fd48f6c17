// esbuild does not follow `new URL(…, import.meta.url)`: the app imports the wasm's URL
// (`--loader:.wasm=file` copies it to the output) and hands it to init().
// Named imports, as apps write them (a namespace import would keep every module alive).
import { init, Client, McaError, coreVersion } from 'mca-attestation';
import wasmUrl from 'mca-attestation/wasm';
import { run } from './app.js';

run({ init, Client, McaError, coreVersion }, wasmUrl);
