// Sandbox scenarios: the same names in the JS, Python and Kotlin suites.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import http from 'node:http';
import { Client, McaError, AccessToken } from 'mca-attestation';
import { startSandbox, newOrg, SANDBOX_CREDENTIALS, RESELLER, startInput } from './sandbox.mjs';
import { rejection } from './support.mjs';

let sandbox;
let shortTokens; // a sandbox whose tokens live 2 s

before(async () => {
  [sandbox, shortTokens] = await Promise.all([startSandbox(), startSandbox(['--token-ttl', '2'])]);
});

after(async () => {
  await Promise.all([sandbox?.stop(), shortTokens?.stop()]);
});

/** A fetch that counts requests per path suffix and forwards to globalThis.fetch. */
function countingFetch() {
  const seen = [];
  const fetch = (url, init) => {
    seen.push({ url, method: init.method });
    return globalThis.fetch(url, init);
  };
  const count = (suffix) => seen.filter((r) => r.url.endsWith(suffix)).length;
  return { fetch, seen, count };
}

function client(extra = {}, s = sandbox) {
  return new Client({ baseUrl: s.url, resellerId: RESELLER, credentials: SANDBOX_CREDENTIALS, ...extra });
}

const POLL = { pollIntervalMs: 50, maxPollIntervalMs: 50, deadlineMs: 10_000 };

/** What a signer does: open the agreement link and press Accept (the page's form POST). */
async function acceptAsSigner(agreementLink) {
  const page = await fetch(agreementLink);
  assert.equal(page.status, 200);
  const html = await page.text();
  const action = html.match(/<form method="post" action="([^"]+)"/)?.[1];
  assert.ok(action && /Accept<\/button>/.test(html), 'the agreement page has an Accept form');
  const accepted = await fetch(new URL(action, agreementLink), { method: 'POST' });
  assert.equal(accepted.status, 200);
}

test('manual_flow_end_to_end', async () => {
  const org = newOrg();
  const c = client();
  const started = await c.startAttestation(org, startInput());
  assert.match(started.attestationId, /^[0-9a-f-]{36}$/);
  assert.ok(Date.parse(started.expiresAt) > Date.now());
  const pending = await c.getAttestation(org);
  assert.equal(pending.attestationId, started.attestationId);
  assert.equal(pending.status, 'pending_agreement_acceptance');
  assert.equal(pending.mcaInfo.language, 'sv-SE');
  assert.equal(pending.mcaInfo.country, 'SE');
  await acceptAsSigner(started.agreementLink);
  const waited = await c.waitForSignature(org, POLL);
  assert.equal(waited.status, 'signed');
  assert.equal(waited.attestation.status, 'pending_finalization');
  await c.finalizeAttestation(org);
  const acceptance = await c.getAcceptance(org);
  assert.equal(acceptance.accepted, true);
  assert.deepEqual(acceptance.acceptedVia, ['PartnerAttestation']);
  assert.equal(acceptance.partnerAttestation.signer.lastName, 'Lovelace');
  const counts = await sandbox.requests(org);
  assert.equal(counts.start_attestation, 1);
  assert.equal(counts.finalize_attestation, 1);
});

test('ensure_accepted_reuses_ongoing_attestation', async () => {
  const org = newOrg();
  const c = client();
  const started = await c.startAttestation(org, startInput());
  const events = [];
  const outcome = await c.ensureAccepted(org, startInput(), {
    ...POLL,
    onStep: (e) => {
      events.push(e.type);
      // The signer accepts once the flow has picked the attestation up.
      if (e.type === 'attestation_reused') void sandbox.admin(`/_sandbox/orgs/${org}/sign`);
    },
  });
  assert.equal(outcome.status, 'accepted');
  assert.equal(outcome.attestationId, started.attestationId);
  assert.equal(outcome.evidence.attestationId, started.attestationId);
  assert.ok(events.includes('attestation_reused'), events.join());
  assert.ok(!events.includes('attestation_started'), events.join());
  assert.deepEqual(events.slice(-3), ['signed', 'finalized', 'confirmed']);
  const counts = await sandbox.requests(org);
  assert.equal(counts.start_attestation, 1, 'no second start');
  // Accepted now: a second run does nothing but read the acceptance state.
  const again = await c.ensureAccepted(org, startInput(), POLL);
  assert.equal(again.status, 'already_accepted');
});

test('automatic_flow_via_add_csp_service', async () => {
  const org = newOrg();
  const c = client();
  const added = await c.addCspService(org, {
    currencyCode: 'sek',
    contactEmail: 'it@contoso.example',
    domainPrefix: 'contoso',
    partnerAttestation: {
      automaticFlow: true,
      signer: { firstName: 'Grace', lastName: 'Hopper', emailAddress: 'grace@contoso.example', phoneNumber: '+1 555 123 4567' },
      country: 'us',
      acceptanceDate: new Date(Date.now() - 3_600_000),
    },
  });
  assert.ok(added.status >= 200 && added.status < 300);
  assert.equal(added.evidence.flow, 'automatic');
  assert.equal(added.evidence.country, 'US');
  const acceptance = await c.getAcceptance(org);
  assert.equal(acceptance.accepted, true);
  assert.ok(acceptance.acceptedVia.includes('PartnerAttestation'));
  assert.equal((await sandbox.requests(org)).start_attestation, 0);
});

test('get_attestation_404_is_none', async () => {
  const org = newOrg();
  assert.equal(await client().getAttestation(org), null);
  assert.equal((await sandbox.requests(org)).get_attestation, 1);
});

test('refresh_429_is_already_running', async () => {
  const org = newOrg();
  const c = client();
  assert.deepEqual(await c.refreshAcceptance(org), { type: 'started' });
  const second = await c.refreshAcceptance(org);
  assert.equal(second.type, 'already_running');
  assert.ok(second.retryAfterMs > 0 && second.retryAfterMs <= 5_000, `retryAfterMs ${second.retryAfterMs}`);
  assert.equal((await sandbox.requests(org)).refresh_acceptance, 2, 'a 429 here is a value, not retried');
});

test('validation_error_sends_no_request', async () => {
  const org = newOrg();
  const { fetch, seen } = countingFetch();
  const c = client({ fetch });
  const bad = startInput({ country: 'XX', signer: { firstName: ' ', lastName: 'L', emailAddress: 'not-an-email', phoneNumber: '123' } });
  const e = await rejection(() => c.startAttestation(org, bad));
  assert.ok(e instanceof McaError);
  assert.equal(e.kind, 'invalid');
  assert.deepEqual(
    e.violations.map((v) => v.pointer),
    ['/signer/firstName', '/signer/emailAddress', '/signer/phoneNumber', '/country'],
  );
  const badOrg = await rejection(() => c.getAttestation('not-a-guid'));
  assert.equal(badOrg.kind, 'invalid');
  assert.equal(badOrg.violations[0].pointer, '/organizationId');
  assert.equal(seen.length, 0, 'not even a token request');
  const counts = await sandbox.requests(org);
  assert.equal(Object.values(counts).reduce((a, b) => a + b, 0), 0);
});

test('fault_status_503_is_retried', async () => {
  const org = newOrg();
  await sandbox.admin('/_sandbox/faults', { op: 'get_attestation', org, count: 1, fault: 'status', status: 503 });
  assert.equal(await client().getAttestation(org), null);
  assert.equal((await sandbox.requests(org)).get_attestation, 2, 'one 503, then the retry');
});

test('fault_delay_is_tolerated', async () => {
  const org = newOrg();
  await sandbox.admin('/_sandbox/faults', { op: 'get_acceptance', org, count: 1, fault: 'delay', delayMs: 400 });
  const t0 = performance.now();
  const acceptance = await client().getAcceptance(org);
  assert.ok(performance.now() - t0 >= 390, 'the answer came late');
  assert.equal(acceptance.accepted, false);
  assert.equal((await sandbox.requests(org)).get_acceptance, 1);
});

test('fault_truncated_body_is_decode_error', async () => {
  const org = newOrg();
  await sandbox.admin('/_sandbox/faults', { op: 'start_attestation', org, count: 1, fault: 'truncated' });
  const e = await rejection(() => client().startAttestation(org, startInput()));
  assert.ok(e instanceof McaError);
  assert.equal(e.kind, 'decode');
  assert.equal(e.status, 200);
  assert.equal((await sandbox.requests(org)).start_attestation, 1, 'a start is never retried blindly');
});

test('fault_html_page_is_api_error', async () => {
  const org = newOrg();
  await sandbox.admin('/_sandbox/faults', { op: 'get_acceptance', org, count: 1, fault: 'html', status: 500 });
  const e = await rejection(() => client().getAcceptance(org));
  assert.ok(e instanceof McaError);
  assert.equal(e.kind, 'api');
  assert.equal(e.status, 500);
  assert.match(e.title, /500/);
});

test('fault_legacy_body_is_api_error', async () => {
  const org = newOrg();
  await sandbox.admin('/_sandbox/faults', { op: 'start_attestation', org, count: 1, fault: 'legacy', status: 400 });
  const e = await rejection(() => client().startAttestation(org, startInput()));
  assert.ok(e instanceof McaError);
  assert.equal(e.kind, 'api');
  assert.equal(e.status, 400);
  // Legacy arrays: the symbolic errorName is the code; the numeric errorCode stays an extension.
  assert.equal(e.code, 'InjectedFault');
  assert.equal(JSON.parse(e.problem.extensions).errorCode, 'E1001');
  assert.equal(e.detail, 'Injected legacy error');
});

test('fault_drop_is_transport_error', async () => {
  const org = newOrg();
  await sandbox.admin('/_sandbox/faults', { op: 'start_attestation', org, count: 1, fault: 'drop' });
  const e = await rejection(() => client().startAttestation(org, startInput()));
  assert.ok(e instanceof McaError);
  assert.equal(e.kind, 'transport');
  assert.equal(e.status, null);
  assert.equal((await sandbox.requests(org)).start_attestation, 1);
});

test('token_renewal_after_expiry', async () => {
  const org = newOrg();
  const { fetch, count } = countingFetch();
  const c = client({ fetch }, shortTokens);
  await c.getAcceptance(org);
  await c.getAcceptance(org);
  assert.equal(count('/connect/token'), 1, 'the token is cached');
  await new Promise((r) => setTimeout(r, 2_500));
  await c.getAcceptance(org);
  assert.equal(count('/connect/token'), 2, 'renewed after expiry');
  // A 401 renews once and repeats the request.
  await shortTokens.admin('/_sandbox/faults', { op: 'get_acceptance', org, count: 1, fault: 'status', status: 401 });
  const acceptance = await c.getAcceptance(org);
  assert.equal(acceptance.accepted, false);
  assert.equal(count('/connect/token'), 3, 'one renewal after the 401');
  assert.equal((await shortTokens.requests(org)).get_acceptance, 5);
});

/** A fetch written by the user on node:http, not the built-in fetch. */
function httpFetch(log) {
  return (url, init) =>
    new Promise((resolve, reject) => {
      log.push(`${init.method} ${new URL(url).pathname}`);
      const req = http.request(url, { method: init.method, headers: init.headers, signal: init.signal }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) headers.set(k, Array.isArray(v) ? v.join(', ') : String(v));
          const body = [204, 304].includes(res.statusCode) ? null : Buffer.concat(chunks);
          resolve(new Response(body, { status: res.statusCode, headers }));
        });
      });
      req.on('error', reject);
      if (init.body !== undefined) req.write(init.body);
      req.end();
    });
}

test('user_written_transport', async () => {
  const org = newOrg();
  const log = [];
  const c = client({ fetch: httpFetch(log) });
  assert.equal(await c.getAttestation(org), null);
  const started = await c.startAttestation(org, startInput());
  assert.equal((await c.getAttestation(org)).attestationId, started.attestationId);
  assert.deepEqual(log.map((l) => l.split(' ')[0] + ' ' + l.split('/').pop()), [
    'POST token',
    'GET attestation',
    'POST attestation',
    'GET attestation',
  ]);
  // A transport failure of the user's function is a transport error.
  const broken = client({ fetch: () => Promise.reject(new Error('socket hang up')) });
  const e = await rejection(() => broken.getAcceptance(org));
  assert.equal(e.kind, 'transport');
  assert.match(e.message, /socket hang up/);
});

test('redaction_of_secrets', async () => {
  const org = newOrg();
  const password = 'pw-SECRET-4711';
  const wrong = client({ credentials: { username: 'sandbox', password, clientId: 'sandbox', clientSecret: 'cs-SECRET-0815' } });
  for (const text of [inspect(wrong), String(wrong), JSON.stringify(wrong)]) {
    assert.ok(!text.includes(password) && !text.includes('cs-SECRET-0815'), text);
  }
  const e = await rejection(() => wrong.getAcceptance(org));
  assert.equal(e.kind, 'unauthorized');
  for (const text of [e.message, e.stack, inspect(e), JSON.stringify(e)]) assert.ok(!text.includes(password), text);

  const c = client();
  const token = await c.token();
  assert.ok(token instanceof AccessToken);
  assert.ok(token.accessToken.length > 10);
  for (const text of [inspect(token), String(token), JSON.stringify(token), inspect(c), String(c)]) {
    assert.ok(!text.includes(token.accessToken), text);
  }
  const tokenClient = client({ credentials: undefined, token: token.accessToken });
  for (const text of [inspect(tokenClient), String(tokenClient), JSON.stringify(tokenClient)]) {
    assert.ok(!text.includes(token.accessToken), text);
  }
  // Flow events carry no signer details.
  const events = [];
  await c.ensureAccepted(org, startInput(), { ...POLL, wait: false, onStep: (ev) => events.push(JSON.stringify(ev)) });
  assert.ok(events.length >= 2);
  for (const ev of events) assert.ok(!/ada\.lovelace|Lovelace|70 123/.test(ev), ev);
});
