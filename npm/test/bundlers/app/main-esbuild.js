// esbuild does not follow `new URL(…, import.meta.url)`: the app imports the wasm's URL
// (`--loader:.wasm=file` copies it to the output) and hands it to init().
import * as mca from 'mca-attestation';
import wasmUrl from 'mca-attestation/wasm';
import { run } from './app.js';

run(mca, wasmUrl);
