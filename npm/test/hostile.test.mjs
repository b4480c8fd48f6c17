// The package's platform against a hostile server (the sandbox's transport-shaped faults): redirects
// are refused and never followed, bodies are capped, stalled or trickling bodies time out — each an
// McaError of kind `transport` — and memory stays bounded. The same scenario names run in the Rust
// CLI, Python and Kotlin suites.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, McaError } from 'mca-attestation';
import { startSandbox, newOrg, SANDBOX_CREDENTIALS, RESELLER, startInput } from './sandbox.mjs';
import { rejection } from './support.mjs';

let sandbox;

before(async () => {
  sandbox = await startSandbox();
});

after(async () => {
  await sandbox?.stop();
});

function client(extra = {}) {
  return new Client({ baseUrl: sandbox.url, resellerId: RESELLER, credentials: SANDBOX_CREDENTIALS, ...extra });
}

async function trapHits() {
  return (await fetch(`${sandbox.url}/_sandbox/trap-hits`)).json();
}

async function assertTrapUntouched() {
  const hits = await trapHits();
  assert.equal(hits.hits, 0, `a redirect was followed: ${JSON.stringify(hits)}`);
  assert.equal(hits.withPassword, 0);
  assert.equal(hits.withAuthorization, 0);
  assert.equal(hits.withBody, 0);
}

function assertTransport(e) {
  assert.ok(e instanceof McaError, `expected McaError, got ${e?.stack ?? e}`);
  assert.equal(e.kind, 'transport', e.message);
  assert.ok(!e.message.includes('password='), e.message);
  return e;
}

/** Runs `fn` while sampling the RSS every 5 ms; the result and the peak growth in bytes. */
async function withPeakRss(fn) {
  globalThis.gc?.();
  const base = process.memoryUsage.rss();
  let peak = base;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 5);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage.rss());
    return [result, peak - base];
  } finally {
    clearInterval(sampler);
  }
}

test('redirect_from_token_endpoint_is_refused', async () => {
  await sandbox.admin('/_sandbox/reset');
  await sandbox.admin('/_sandbox/faults', { op: 'token', fault: 'redirect', status: 307, count: 5 });
  assertTransport(await rejection(() => client().getAcceptance(newOrg())));
  await assertTrapUntouched();
});

test('redirect_from_api_is_refused', async () => {
  await sandbox.admin('/_sandbox/reset');
  const org = newOrg();
  await sandbox.admin('/_sandbox/faults', { op: 'start_attestation', org, fault: 'redirect', count: 5 });
  await sandbox.admin('/_sandbox/faults', { op: 'get_acceptance', org, fault: 'redirect', status: 302, count: 5 });
  const c = client();
  assertTransport(await rejection(() => c.startAttestation(org, startInput())));
  assertTransport(await rejection(() => c.getAcceptance(org)));
  await assertTrapUntouched();
});

test('oversized_body_is_a_transport_error', async () => {
  await sandbox.admin('/_sandbox/reset');
  const org = newOrg();
  const c = client();
  await c.token(); // the token first, so that the sampling sees only the oversized answers
  await sandbox.admin('/_sandbox/faults', { op: 'get_acceptance', org, fault: 'oversized', sizeBytes: 256 * 1024 * 1024, count: 10 });
  const [e, growth] = await withPeakRss(() => rejection(() => c.getAcceptance(org)));
  assertTransport(e);
  assert.match(e.message, /response body exceeds 4194304 bytes/);
  assert.ok(growth < 96 * 1024 * 1024, `RSS grew by ${(growth / 1048576).toFixed(1)} MiB`);

  // An oversized HTML error page from the token endpoint too.
  await sandbox.admin('/_sandbox/faults', { op: 'token', fault: 'oversized', status: 502, sizeBytes: 50_000_000, count: 10 });
  assertTransport(await rejection(() => client().getAcceptance(newOrg())));
});

// JS only: the one-read path trusts a declared Content-Length within the cap; a caller's fetch
// whose body is longer than its header is still held to the cap.
test('custom_fetch_body_longer_than_its_content_length_is_capped', async () => {
  const huge = '{"x":"' + 'a'.repeat(8 * 1024 * 1024) + '"}';
  const fetch = async (url) => {
    if (String(url).includes('token')) {
      return new Response(JSON.stringify({ access_token: 't', token_type: 'Bearer', expires_in: 3600 }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    }
    // A Response-like object: a stream, a small declared length, and a text far over the cap.
    return {
      status: 200,
      type: 'basic',
      headers: new Headers({ 'content-type': 'application/json', 'content-length': '2' }),
      body: new Response(huge).body,
      text: async () => huge,
    };
  };
  const e = assertTransport(await rejection(() => client({ baseUrl: 'https://api.example.com', fetch }).getAcceptance(newOrg())));
  assert.match(e.message, /response body exceeds 4194304 bytes/);
});

test('stalled_body_times_out', async () => {
  await sandbox.admin('/_sandbox/reset');
  const org = newOrg();
  await sandbox.admin('/_sandbox/faults', { op: 'get_acceptance', org, fault: 'stall', delayMs: 60_000, count: 10 });
  const t0 = performance.now();
  const e = assertTransport(await rejection(() => client({ requestTimeoutMs: 1000 }).getAcceptance(org)));
  assert.match(e.message, /request timed out after 1000 ms/);
  assert.ok(performance.now() - t0 < 30_000, `took ${performance.now() - t0} ms`);
});

test('slow_body_times_out', async () => {
  await sandbox.admin('/_sandbox/reset');
  const org = newOrg();
  await sandbox.admin('/_sandbox/faults', { op: 'get_acceptance', org, fault: 'slowbody', delayMs: 60_000, count: 10 });
  const t0 = performance.now();
  assertTransport(await rejection(() => client({ requestTimeoutMs: 1000 }).getAcceptance(org)));
  assert.ok(performance.now() - t0 < 30_000, `took ${performance.now() - t0} ms`);
});

test('request_timeout_option_is_checked', () => {
  for (const requestTimeoutMs of [0, -1, Number.NaN, Infinity, '5']) {
    assert.throws(() => client({ requestTimeoutMs }), (e) => e instanceof McaError && e.kind === 'config');
  }
});
