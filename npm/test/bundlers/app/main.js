// Vite, webpack and the plain page: the wasm is found through `new URL(…, import.meta.url)`.
import * as mca from 'mca-attestation';
import { run } from './app.js';

run(mca);
