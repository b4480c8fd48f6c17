// The shared sandbox scenarios through the component in Node (jco), on a network host (one
// blocking fetch per request in a child process); the sandbox binary runs on a free 127.0.0.1
// port. Also the instantiate time and the component's imports (jco's reading of its WIT).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { instantiate, netHost, startIn, clientOptions, eventType, call, toJson } from '../host.mjs';

let sandbox;
let url;

before(async () => {
  const bin = process.env.MCA_SANDBOX_BIN ?? new URL('../../../target/debug/mca-sandbox', import.meta.url).pathname;
  sandbox = spawn(bin, ['--host', '127.0.0.1', '--port', '0', '--sync-seconds', '1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: sandbox.stdout }).once('line', resolve);
    sandbox.once('error', reject);
  });
  const prefix = 'mca-sandbox listening on ';
  assert.ok(line.startsWith(prefix), `sandbox did not start: ${line}`);
  url = line.slice(prefix.length).replace(/\/$/, '');
});

after(() => sandbox?.kill());

async function admin(method, path) {
  const resp = await fetch(url + path, { method });
  assert.ok(resp.ok, `${path}: ${resp.status}`);
  const text = await resp.text();
  return text ? JSON.parse(text) : null;
}
const requests = async (org) => admin('GET', `/_sandbox/orgs/${org}/requests`);

function open() {
  const host = netHost();
  const client = instantiate(host).Client.open(clientOptions(
    { baseUrl: url, resellerId: '11111111-1111-4111-8111-111111111111' },
    { credentials: { username: 'sandbox', password: 'sandbox' } },
  ));
  return { host, client };
}

const body = () => startIn({
  signer: { firstName: 'Ada', lastName: 'Lovelace', emailAddress: 'ada@example.com', phoneNumber: '+46 70 123 45 67' },
  country: 'SE', acceptanceDate: '2026-01-01T10:00:00Z',
});
const FAST = { pollIntervalMs: 20n, maxPollIntervalMs: 100n, deadlineMs: 20000n, jitterSeed: undefined };

test('the component imports only the host interface (and its types)', () => {
  const wit = readFileSync(new URL('../gen/world.wit', import.meta.url), 'utf8');
  const world = wit.match(/world root \{([^}]*)\}/)[1];
  const imports = [...world.matchAll(/import ([^;]+);/g)].map((m) => m[1]).sort();
  assert.deepEqual(imports, ['mca:attestation/host@0.1.0', 'mca:attestation/types@0.1.0']);
  assert.doesNotMatch(wit, /wasi:/);
});

test('instantiate time', () => {
  const t0 = performance.now();
  instantiate(netHost());
  const first = performance.now() - t0;
  const n = 20;
  const t1 = performance.now();
  for (let i = 0; i < n; i++) instantiate(netHost());
  console.log(`node (jco): first instantiate ${first.toFixed(1)} ms (compiles), then ${((performance.now() - t1) / n).toFixed(2)} ms`);
});

test('manual flow: start, the signer signs, wait, finalize, accepted', async () => {
  const org = randomUUID();
  const { host, client } = open();
  const started = client.startAttestation(org, body());
  assert.equal(client.getAttestation(org).status, 'pending-agreement-acceptance');
  await admin('POST', `/_sandbox/orgs/${org}/sign`);
  const waited = client.waitForSignature(org, FAST);
  assert.equal(waited.status, 'signed');
  assert.equal(waited.attestation.attestationId, started.attestationId);
  client.finalizeAttestation(org);
  assert.equal(client.getAcceptance(org).accepted, true);
  assert.ok(host.sent.some((r) => r.includes('connect/token')), 'password auth fetched a token');
});

test('ensure: pending, then the signer signs and ensure finalizes and confirms', async () => {
  const org = randomUUID();
  const { host, client } = open();
  const first = client.ensureAccepted(org, body(), { wait: false, ...FAST });
  assert.equal(first.status, 'pending');
  assert.deepEqual(host.events.map(eventType), ['acceptance_checked', 'attestation_started']);
  await admin('POST', `/_sandbox/orgs/${org}/sign`);
  const done = toJson(client.ensureAccepted(org, body(), { wait: true, ...FAST }));
  assert.equal(done.status, 'accepted');
  assert.equal(done.evidence.attestationId, first.attestationId);
  assert.equal((await requests(org)).start_attestation, 1);
});

test('invalid input sends nothing', async () => {
  const org = randomUUID();
  const { host, client } = open();
  const bad = body();
  bad.signer.firstName = '';
  bad.signer.emailAddress = 'not-an-email';
  bad.country = 'zz';
  const r = call(client, 'start_attestation', org, { ...bad });
  assert.equal(r.error?.kind, 'invalid');
  assert.deepEqual(r.error.violations.map((v) => v.pointer), ['/signer/firstName', '/signer/emailAddress', '/country']);
  assert.equal(call(client, 'get_attestation', 'not-a-guid').error?.kind, 'invalid');
  assert.deepEqual(host.sent, []);
  const counts = await requests(org);
  assert.equal(Object.values(counts).reduce((a, b) => a + b, 0), 0);
});
