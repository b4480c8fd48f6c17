// The component's costs in Node (jco transpile, bindings-component/node/gen), next to the npm
// package (wasm-bindgen, npm/src/node.js) in the same process, samples interleaved. Prints JSON
// records of bench/run.sh (format: bench/README.md).
//   node component.mjs [--quick]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { instantiate, startIn, clientOptions } from '../../bindings-component/node/host.mjs';
import { Client } from '../../npm/src/node.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const fx = JSON.parse(readFileSync(here + '../fixtures.json', 'utf8'));
const quick = process.argv.includes('--quick');
const { samples, iters, warm } = quick ? { samples: 3, iters: 20, warm: 20 } : { samples: 30, iters: 400, warm: 2000 };
const emit = (rec) => console.log(JSON.stringify(rec));

/** Answers from memory: the start answer for POST, the attestation for GET. */
const memoryHost = () => ({
  send(req) {
    const body = req.method === 'POST' ? fx.startResponse : fx.attestationResponse;
    return { status: 200, headers: [{ name: 'Content-Type', value: 'application/json' }], body };
  },
  sleep() {},
  now: () => BigInt(Date.now()),
  event() {},
});

function fakeFetch(u, init) {
  const body = init.method === 'POST' ? fx.startResponse : fx.attestationResponse;
  return Promise.resolve({
    status: 200,
    type: 'basic',
    headers: { get: (n) => (n.toLowerCase() === 'content-type' ? 'application/json' : null) },
    text: async () => body,
  });
}

// Instantiate: the first compiles the core modules (WebAssembly.Module, cached), the rest link and
// instantiate only.
let t0 = performance.now();
instantiate(memoryHost());
const first = performance.now() - t0;
const inst = [];
for (let s = 0; s < samples; s++) {
  const n = quick ? 5 : 50;
  t0 = performance.now();
  for (let i = 0; i < n; i++) instantiate(memoryHost());
  inst.push((performance.now() - t0) / n);
}
emit({ id: 'component_instantiate_node', figure: 'component instantiate, Node jco 1.35 (`--instantiation sync`)', unit: 'ms', sdk: inst,
  base_name: '—', extra: `(first, compiling the core modules: ${first.toFixed(1)} ms)` });

// The same op: the component in jco, and the npm package (wasm-bindgen + the same in-memory answers).
const check = (started, att) => {
  const status = att?.status;
  if (!started.attestationId || (status !== 'pending-agreement-acceptance' && status !== 'pending_agreement_acceptance')) {
    throw new Error('bad parse: ' + JSON.stringify(att));
  }
};
const client = instantiate(memoryHost()).Client.open(clientOptions({ baseUrl: fx.baseUrl, resellerId: fx.resellerId }, { token: fx.token }));
const input = startIn(fx.startInput);
const compOp = () => check(client.startAttestation(fx.org, input), client.getAttestation(fx.org));
const npm = new Client({ baseUrl: fx.baseUrl, resellerId: fx.resellerId, token: fx.token, fetch: fakeFetch });
const npmOp = async () => check(await npm.startAttestation(fx.org, fx.startInput), await npm.getAttestation(fx.org));

async function batch(fn, n) {
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  return Number(process.hrtime.bigint() - t) / 1000 / n;
}
for (let i = 0; i < warm; i++) { compOp(); await npmOp(); }
const a = [], b = [];
for (let s = 0; s < samples; s++) {
  a.push(await batch(compOp, iters));
  b.push(await batch(npmOp, iters));
}
emit({ id: 'component_one_op_node', figure: 'component, the same op, Node jco (sync host calls), no network', unit: 'µs', sdk: a, base: b,
  base_name: 'npm package (wasm-bindgen, `Client` + in-memory `fetch`)' });
