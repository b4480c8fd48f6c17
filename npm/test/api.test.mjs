// Package-level behaviour that the vectors do not cover: cancellation, errors as classes, inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, McaError, validateStartAttestation, validateAddCspService, coreVersion } from 'mca-attestation';
import { recordingFetch, rejection } from './support.mjs';

const ORG = '22222222-2222-4222-8222-222222222222';
const base = { baseUrl: 'https://api.example.test', resellerId: '11111111-1111-4111-8111-111111111111', token: 't' };
const pending = JSON.stringify({ attestationId: 'a-1', status: 1, agreementLink: 'https://x.test/a', expiresAt: '2099-01-01T00:00:00Z' });

test('AbortSignal cancels a wait between polls', async () => {
  const { fetch, requests } = recordingFetch(() => ({ status: 200, body: pending }));
  const c = new Client({ ...base, fetch });
  const controller = new AbortController();
  const t0 = performance.now();
  setTimeout(() => controller.abort(), 100);
  const e = await rejection(() => c.waitForSignature(ORG, { signal: controller.signal, pollIntervalMs: 60_000 }));
  assert.ok(e instanceof McaError);
  assert.equal(e.kind, 'cancelled');
  assert.equal(e.cause, controller.signal.reason, 'the signal reason is the cause');
  assert.equal(e.cause.name, 'AbortError');
  assert.ok(performance.now() - t0 < 5_000, 'did not wait for the poll interval');
  assert.equal(requests.length, 1);
});

test('AbortSignal cancels a request in flight and fetch gets a signal that follows it', async () => {
  let seenSignal;
  const fetch = (url, init) =>
    new Promise((_, reject) => {
      seenSignal = init.signal;
      init.signal.addEventListener('abort', () => reject(init.signal.reason));
    });
  const c = new Client({ ...base, fetch });
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error('stop now')), 20);
  const e = await rejection(() => c.getAcceptance(ORG, { signal: controller.signal }));
  assert.ok(e instanceof McaError);
  assert.equal(e.kind, 'cancelled');
  assert.equal(e.cause, controller.signal.reason, 'the signal reason is the cause');
  assert.match(e.cause.message, /stop now/, 'the reason stays the cause; the message is the core\'s');
  // The package adds its request timeout: fetch gets its own signal, aborted with the caller's reason.
  assert.ok(seenSignal.aborted);
  assert.equal(seenSignal.reason, controller.signal.reason);
});

test('hooks get an AbortSignal or nothing: sleep gets undefined without a caller signal, fetch always a signal', async () => {
  const att = JSON.stringify({ attestationId: 'a-1', status: 1, agreementLink: 'https://x.test/a', expiresAt: '2099-01-01T00:00:00Z' });
  const seen = { sleep: [], fetch: [] };
  const fetch = async (url, init) => {
    seen.fetch.push(init.signal);
    // 503 first: the core retries after a sleep.
    return seen.fetch.length % 2 === 1 ? new Response('', { status: 503 }) : new Response(att, { status: 200 });
  };
  const sleep = async (ms, signal) => {
    seen.sleep.push(signal);
  };
  const c = new Client({ ...base, fetch, sleep });
  await c.getAttestation(ORG);
  const controller = new AbortController();
  await c.getAttestation(ORG, { signal: controller.signal });
  assert.equal(seen.sleep.length, 2);
  assert.equal(seen.sleep[0], undefined, 'no caller signal: the sleep hook gets undefined');
  assert.ok(seen.sleep[1] instanceof AbortSignal, 'with a caller signal: an AbortSignal');
  assert.equal(seen.fetch.length, 4);
  for (const s of seen.fetch) assert.ok(s instanceof AbortSignal, 'fetch always gets an AbortSignal');
});

test('an already aborted signal sends nothing', async () => {
  const { fetch, requests } = recordingFetch(() => ({ status: 200, body: '{}' }));
  const c = new Client({ ...base, fetch });
  const e = await rejection(() => c.finalizeAttestation(ORG, { signal: AbortSignal.abort() }));
  assert.ok(e instanceof McaError);
  assert.equal(e.kind, 'cancelled');
  assert.equal(e.cause.name, 'AbortError');
  assert.equal(requests.length, 0);
});

test('deadlineMs gives a deadline McaError', async () => {
  let now = Date.parse('2026-11-25T12:00:00Z');
  const { fetch } = recordingFetch(() => ({ status: 200, body: pending }));
  const c = new Client({ ...base, fetch, now: () => now, sleep: async (ms) => { now += ms; } });
  const e = await rejection(() => c.waitForSignature(ORG, { deadlineMs: 5_000, pollIntervalMs: 1_000 }));
  assert.ok(e instanceof McaError);
  assert.equal(e.kind, 'deadline');
});

test('McaError is an Error subclass with every documented field', () => {
  let e;
  try {
    new Client({ ...base, baseUrl: 'ftp://x' });
  } catch (err) {
    e = err;
  }
  assert.ok(e instanceof McaError && e instanceof Error);
  assert.equal(e.name, 'McaError');
  assert.equal(e.kind, 'config');
  for (const key of ['status', 'code', 'title', 'detail', 'violations', 'retryAfterMs', 'traceId']) assert.ok(key in e, key);
  assert.ok(e.stack.includes('McaError'));
});

test('dates are accepted as Date or ISO strings', () => {
  const input = (acceptanceDate) => ({
    signer: { firstName: 'A', lastName: 'B', emailAddress: 'a@b.example', phoneNumber: '+46701234567' },
    country: 'se',
    acceptanceDate,
  });
  const now = new Date('2026-11-25T12:00:00Z');
  assert.equal(validateStartAttestation(input(new Date('2026-11-25T11:00:00Z')), { now }).acceptanceDate, '2026-11-25T11:00:00Z');
  assert.equal(validateStartAttestation(input('2026-11-25T11:00:00Z'), { now }).acceptanceDate, '2026-11-25T11:00:00Z');
  const e = (() => { try { validateStartAttestation(input(new Date('nope')), { now }); } catch (x) { return x; } })();
  assert.equal(e.kind, 'invalid');
  assert.deepEqual(e.violations.map((v) => v.pointer), ['/acceptanceDate']);
  const csp = validateAddCspService({ currencyCode: 'sek', contactEmail: 'it@x.example', domainPrefix: 'x', partnerAttestation: { automaticFlow: true, ...input(new Date('2026-11-25T10:00:00Z')) } }, { now });
  assert.equal(csp.currencyCode, 'SEK');
  assert.equal(csp.partnerAttestation.acceptanceDate, '2026-11-25T10:00:00Z');
});

test('a throwing onStep does not break the flow', async () => {
  const { fetch } = recordingFetch(() => ({ status: 200, body: '{"accepted":true,"acceptedVia":["CustomerDirectAcceptance"]}' }));
  const c = new Client({ ...base, fetch });
  const out = await c.ensureAccepted(ORG, { signer: { firstName: 'A', lastName: 'B', emailAddress: 'a@b.example', phoneNumber: '+46701234567' }, country: 'SE', acceptanceDate: new Date() }, { onStep: () => { throw new Error('boom'); } });
  assert.equal(out.status, 'already_accepted');
});

test('User-Agent names the binding and the core version', async () => {
  const { fetch, requests } = recordingFetch(() => ({ status: 404 }));
  await new Client({ ...base, fetch, userAgent: 'acme/1.0' }).getAttestation(ORG);
  assert.equal(requests[0].headers['User-Agent'], `acme/1.0 mca-attestation/${coreVersion()} (wasm)`);
});
