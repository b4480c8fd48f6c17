// Failures outside the core stay in the error model (issue 14, item 4): a connection failure, a
// timeout (the package's request timeout or the caller's `AbortSignal.timeout()`), a throwing fetch
// hook and an abort the caller asked for all reject with McaError, the original error as `cause`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { Client, McaError } from 'mca-attestation';
import { rejection } from './support.mjs';

const ORG = '22222222-2222-4222-8222-222222222222';
const reseller = '11111111-1111-4111-8111-111111111111';
// The core retries a failed GET after a backoff; the tests skip the waiting.
const sleep = async () => {};
let silent;
let silentUrl;
const sockets = new Set();

before(async () => {
  // Accepts connections and never answers.
  silent = http.createServer(() => {});
  silent.on('connection', (s) => sockets.add(s));
  await new Promise((r) => silent.listen(0, '127.0.0.1', r));
  silentUrl = `http://127.0.0.1:${silent.address().port}`;
});

after(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => silent.close(r));
});

/** A loopback port nothing listens on. */
async function closedPort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

test('connection_refused_is_transport_with_the_fetch_error_as_cause', async () => {
  const c = new Client({ baseUrl: `http://127.0.0.1:${await closedPort()}`, resellerId: reseller, token: 't', sleep });
  const e = await rejection(() => c.getAcceptance(ORG));
  assert.ok(e instanceof McaError, `${e}`);
  assert.equal(e.kind, 'transport');
  assert.ok(e.cause instanceof TypeError, `cause: ${e.cause}`);
  assert.equal(e.cause.cause?.code, 'ECONNREFUSED');
  assert.match(e.message, /ECONNREFUSED/);
});

test('caller_abort_signal_timeout_is_transport_with_the_timeout_error_as_cause', async () => {
  const c = new Client({ baseUrl: silentUrl, resellerId: reseller, token: 't' });
  const signal = AbortSignal.timeout(100);
  const e = await rejection(() => c.getAcceptance(ORG, { signal }));
  assert.ok(e instanceof McaError, `${e}`);
  assert.equal(e.kind, 'transport');
  assert.ok(e.cause instanceof DOMException, `cause: ${e.cause}`);
  assert.equal(e.cause.name, 'TimeoutError');
  assert.equal(e.cause, signal.reason);
});

test('request_timeout_is_transport_with_a_cause', async () => {
  const c = new Client({ baseUrl: silentUrl, resellerId: reseller, token: 't', requestTimeoutMs: 100, sleep });
  const e = await rejection(() => c.getAcceptance(ORG));
  assert.ok(e instanceof McaError, `${e}`);
  assert.equal(e.kind, 'transport');
  assert.ok(e.cause instanceof Error);
  assert.match(e.cause.message, /within 100 ms/);
});

test('caller_abort_is_mca_error_with_the_reason_as_cause', async () => {
  const c = new Client({ baseUrl: silentUrl, resellerId: reseller, token: 't' });
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 50);
  const e = await rejection(() => c.getAcceptance(ORG, { signal: controller.signal }));
  assert.ok(e instanceof McaError, `${e}`);
  assert.equal(e.kind, 'cancelled');
  assert.equal(e.cause, controller.signal.reason);
  assert.equal(e.cause.name, 'AbortError');
});

test('concurrent_failures_keep_their_own_cause', async () => {
  const errors = { a: new Error('first failure'), b: new Error('second failure') };
  const fetch = async (url) => {
    await new Promise((r) => setTimeout(r, url.includes('aaaa') ? 30 : 10));
    throw url.includes('aaaa') ? errors.a : errors.b;
  };
  const c = new Client({ baseUrl: 'https://api.example.test', resellerId: reseller, token: 't', fetch, sleep });
  const [ea, eb] = await Promise.all([
    rejection(() => c.getAcceptance('aaaaaaaa-2222-4222-8222-222222222222')),
    rejection(() => c.getAcceptance('bbbbbbbb-2222-4222-8222-222222222222')),
  ]);
  assert.equal(ea.kind, 'transport');
  assert.equal(ea.cause, errors.a);
  assert.equal(eb.kind, 'transport');
  assert.equal(eb.cause, errors.b);
});

test('init_resolves_in_node_and_the_error_has_no_secret', async () => {
  const { init } = await import('mca-attestation');
  await init();
  const c = new Client({ baseUrl: `http://127.0.0.1:${await closedPort()}`, resellerId: reseller, credentials: { username: 'u', password: 'hunter2-secret' } });
  const e = await rejection(() => c.getAcceptance(ORG));
  assert.equal(e.kind, 'transport');
  assert.ok(!JSON.stringify({ m: e.message, c: String(e.cause), cc: String(e.cause?.cause) }).includes('hunter2'));
});
