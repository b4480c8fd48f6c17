// JS benchmarks of bench/run.sh: the npm package (npm/src/node.js, release wasm) next to the
// hand-written peer (bench/peers/handwritten.mjs) and plain fetch, in one process, samples
// interleaved. Prints one JSON record per figure (format: bench/README.md).
//   node bench.mjs ops [--quick]
//   node bench.mjs loopback URL TOKEN ORG [--quick]
//   node bench.mjs rss URL TOKEN ORG [--quick]      (1,000 concurrent calls, fresh process each)
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client, validateStartAttestation } from '../../npm/src/node.js';
import { HandClient, validateStart } from '../peers/handwritten.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const fx = JSON.parse(readFileSync(here + '../fixtures.json', 'utf8'));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const [mode, url, token, org] = args.filter((a) => a !== '--quick');

function emit(rec) {
  console.log(JSON.stringify(rec));
}

/** Per-op µs of `iters` runs of an async fn. */
async function batch(fn, iters) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iters; i++) await fn();
  return Number(process.hrtime.bigint() - t0) / 1000 / iters;
}

/** Interleaved batches of the SDK and the baseline; returns their per-op µs samples. */
async function compare(sdk, base, { samples, iters, warm }) {
  for (let i = 0; i < warm; i++) { await sdk(); await base(); }
  const a = [], b = [];
  for (let s = 0; s < samples; s++) {
    a.push(await batch(sdk, iters));
    b.push(await batch(base, iters));
  }
  return [a, b];
}

/** A fetch answering from memory: the start answer for POST, the attestation for GET. */
function fakeFetch(u, init) {
  const body = init.method === 'POST' ? fx.startResponse : fx.attestationResponse;
  return Promise.resolve({
    status: 200,
    type: 'basic',
    headers: { get: (n) => (n.toLowerCase() === 'content-type' ? 'application/json' : null) },
    text: async () => body,
  });
}

async function ops() {
  const opts = quick ? { samples: 3, iters: 20, warm: 20 } : { samples: 30, iters: 400, warm: 2000 };
  const sdk = new Client({ baseUrl: fx.baseUrl, resellerId: fx.resellerId, token: fx.token, fetch: fakeFetch });
  const hand = new HandClient({ baseUrl: fx.baseUrl, resellerId: fx.resellerId, token: fx.token, fetch: fakeFetch });
  const check = (started, att) => {
    if (!started.attestationId || att?.status !== 'pending_agreement_acceptance') throw new Error('bad parse: ' + JSON.stringify(att));
  };
  const sdkOp = async () => check(await sdk.startAttestation(fx.org, fx.startInput), await sdk.getAttestation(fx.org));
  const handOp = async () => check(await hand.startAttestation(fx.org, fx.startInput), await hand.getAttestation(fx.org));
  let [a, b] = await compare(sdkOp, handOp, opts);
  emit({ id: 'js_one_op', figure: 'JS, one op (validate start input + build request + parse GET attestation), no network', unit: 'µs', sdk: a, base: b, base_name: 'hand-written JS (bench/peers/handwritten.mjs)', budget: '≤ 1.5×', budget_ratio: 1.5 });
  const vs = async () => validateStartAttestation(fx.startInput);
  const vb = async () => validateStart(fx.startInput);
  [a, b] = await compare(vs, vb, opts);
  emit({ id: 'js_validate', figure: 'JS, `validateStartAttestation` alone', unit: 'µs', sdk: a, base: b, base_name: 'hand-written checks' });
}

async function loopback() {
  const n = quick ? 20 : 2000;
  const warm = quick ? 5 : 200;
  const sdk = new Client({ baseUrl: url, resellerId: fx.resellerId, token });
  const acceptanceUrl = `${url}/api/resellers/${fx.resellerId}/organizations/${org}/services/csp/mca/acceptance`;
  const headers = { authorization: 'Bearer ' + token, accept: 'application/json' };
  const sdkCall = async () => {
    const r = await sdk.getAcceptance(org);
    if (typeof r.accepted !== 'boolean') throw new Error('bad acceptance');
  };
  const plainCall = async () => {
    const res = await fetch(acceptanceUrl, { headers });
    const o = JSON.parse(await res.text());
    if (res.status !== 200 || typeof o.accepted !== 'boolean') throw new Error('bad acceptance: ' + res.status);
  };
  const [a, b] = await compare(sdkCall, plainCall, { samples: n, iters: 1, warm });
  emit({ id: 'js_get_acceptance', figure: 'JS, `getAcceptance` on loopback (release sandbox), per call', unit: 'µs', sdk: a, base: b, base_name: 'plain `fetch` + `JSON.parse`', budget: '≤ 1.05×', budget_ratio: 1.05 });
}

/** Child of `rss`: 1,000 concurrent getAcceptance calls with the SDK or plain fetch; prints maxRSS (KiB). */
async function rssChild(which, calls) {
  const acceptanceUrl = `${url}/api/resellers/${fx.resellerId}/organizations/${org}/services/csp/mca/acceptance`;
  const headers = { authorization: 'Bearer ' + token, accept: 'application/json' };
  let one;
  if (which === 'sdk') {
    const sdk = new Client({ baseUrl: url, resellerId: fx.resellerId, token });
    one = () => sdk.getAcceptance(org);
  } else {
    one = async () => JSON.parse(await (await fetch(acceptanceUrl, { headers })).text());
  }
  const results = await Promise.all(Array.from({ length: calls }, one));
  if (results.some((r) => typeof r.accepted !== 'boolean')) throw new Error('bad acceptance');
  console.log(process.resourceUsage().maxRSS);
}

async function rss() {
  const reps = quick ? 1 : 3;
  const calls = quick ? 100 : 1000;
  const a = [], b = [];
  for (let i = 0; i < reps; i++) {
    for (const [which, out] of [['sdk', a], ['plain', b]]) {
      const kib = Number(execFileSync(process.execPath, [fileURLToPath(import.meta.url), 'rss-child', url, token, org, which, String(calls)], { encoding: 'utf8' }).trim());
      out.push(kib / 1024);
    }
  }
  emit({ id: 'js_rss_1000', figure: `JS, peak RSS of a process making ${calls.toLocaleString('en')} concurrent \`getAcceptance\` calls`, unit: 'MiB', sdk: a, base: b, base_name: 'plain `fetch` + `JSON.parse`' });
}

if (mode === 'ops') await ops();
else if (mode === 'loopback') await loopback();
else if (mode === 'rss') await rss();
else if (mode === 'rss-child') await rssChild(args[4], Number(args[5]));
else { console.error('usage: bench.mjs ops|loopback|rss ...'); process.exit(2); }
