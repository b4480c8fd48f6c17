// Every case of every file in tests/vectors, through the package's public API, with a scripted
// fetch in place of the network and a fake clock/sleep injected through the client's hooks.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client, validateStartAttestation, validateAddCspService } from 'mca-attestation';
import { recordingFetch, fakeClock, header, assertSubset, assertError, rejection, userAgentPattern } from './support.mjs';

const dir = process.env.MCA_VECTORS_DIR ?? fileURLToPath(new URL('../../tests/vectors/', import.meta.url));
const load = (name) => JSON.parse(readFileSync(dir + name, 'utf8'));
const DEFAULT_CONFIG = { baseUrl: 'https://api.example.test/', resellerId: '11111111-1111-4111-8111-111111111111' };
const KNOWN = ['validation.json', 'requests.json', 'responses.json', 'flows.json'];

test('every vector file has a runner', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  assert.deepEqual(files, [...KNOWN].sort());
});

function uniqueNames(file) {
  const names = file.cases.map((c) => c.name);
  assert.equal(new Set(names).size, names.length, 'case names are unique');
}

function clientOptions(config, auth, extra) {
  const c = config ?? DEFAULT_CONFIG;
  return {
    baseUrl: c.baseUrl,
    resellerId: c.resellerId,
    correlationId: c.correlationId,
    userAgent: c.userAgentExtra,
    token: auth?.token,
    credentials: auth?.credentials,
    ...extra,
  };
}

/** Calls `op` on `client` the way the vector names it. */
function call(client, op, org, input, options) {
  switch (op) {
    case 'start_attestation': return client.startAttestation(org, input, options);
    case 'get_attestation': return client.getAttestation(org, options);
    case 'finalize_attestation': return client.finalizeAttestation(org, options);
    case 'get_acceptance': return client.getAcceptance(org, options);
    case 'refresh_acceptance': return client.refreshAcceptance(org, options);
    case 'add_csp_service': return client.addCspService(org, input, options);
    case 'token': return client.token(options).then((t) => ({ accessToken: t.accessToken, tokenType: t.tokenType, issuedAt: t.issuedAt, expiresAt: t.expiresAt, scope: t.scope }));
    default: throw new Error(`unknown op ${op}`);
  }
}

describe('validation.json', () => {
  const file = load('validation.json');
  test('names', () => uniqueNames(file));
  for (const c of file.cases) {
    test(c.name, async () => {
      const now = c.now ?? file.now;
      const clock = fakeClock(now);
      const { fetch, requests } = recordingFetch((req) => {
        if (req.url.endsWith('/connect/token')) return { status: 200, body: '{"access_token":"t","expires_in":3600}' };
        if (req.method === 'GET') return { status: 404 };
        if (req.url.endsWith('/services/Csp')) return { status: 200, body: '' };
        return { status: 200, body: JSON.stringify({ attestationId: 'a', agreementLink: 'https://x.test/a', expiresAt: '2026-12-01T00:00:00Z' }) };
      });
      const hooks = { fetch, now: clock.now, sleep: clock.sleep };
      const org = '22222222-2222-4222-8222-222222222222';
      switch (c.kind) {
        case 'start_attestation':
        case 'add_csp_service': {
          if (c.error?.kind === 'config') {
            // A caller's clock that is not a date-time: the validators refuse it (the client's
            // clock is a hook, not text).
            const validate = c.kind === 'start_attestation' ? validateStartAttestation : validateAddCspService;
            let thrown;
            try {
              validate(c.input, { now });
            } catch (e) {
              thrown = e;
            }
            assertError(thrown, c.error, 'validate');
            break;
          }
          const validate = c.kind === 'start_attestation' ? validateStartAttestation : validateAddCspService;
          const client = new Client(clientOptions(null, { token: 'vector-token' }, hooks));
          const send = () => call(client, c.kind, org, c.input);
          if (c.valid) {
            assert.deepEqual(validate(c.input, { now }), c.normalized);
            await send();
            assert.equal(requests.length, 1);
            assert.deepEqual(JSON.parse(requests[0].body), c.normalized, 'the body sent is the normalised one');
          } else {
            let thrown;
            try {
              validate(c.input, { now });
            } catch (e) {
              thrown = e;
            }
            assertError(thrown, c.error, 'validate');
            assertError(await rejection(send), c.error, 'client');
            assert.equal(requests.length, 0, 'no request is sent');
          }
          break;
        }
        case 'organization_id': {
          const client = new Client(clientOptions(null, { token: 'vector-token' }, hooks));
          if (c.valid) {
            assert.equal(await client.getAttestation(c.input), null);
            assert.equal(requests.length, 1);
            assert.ok(requests[0].url.includes(`/organizations/${c.normalized}/`), requests[0].url);
          } else {
            assertError(await rejection(() => client.getAttestation(c.input)), c.error, 'organizationId');
            assert.equal(requests.length, 0, 'no request is sent');
          }
          break;
        }
        case 'base_url': {
          const make = () => new Client({ baseUrl: c.input, resellerId: DEFAULT_CONFIG.resellerId, token: 'vector-token', ...hooks });
          if (c.valid) {
            const client = make();
            assert.equal(client.baseUrl, c.normalized);
            await client.getAttestation(org);
            assert.ok(requests[0].url.startsWith(`${c.normalized}api/resellers/`), requests[0].url);
          } else {
            let thrown;
            try {
              make();
            } catch (e) {
              thrown = e;
            }
            assertError(thrown, c.error, 'baseUrl');
          }
          break;
        }
        case 'client_options': {
          const make = () => new Client({ ...c.input, ...hooks });
          if (c.valid) {
            assert.equal(make().baseUrl, c.normalized);
          } else {
            let thrown;
            try {
              make();
            } catch (e) {
              thrown = e;
            }
            assertError(thrown, c.error, 'client options');
          }
          break;
        }
        default:
          assert.fail(`unknown kind ${c.kind}`);
      }
    });
  }
});

describe('requests.json', () => {
  const file = load('requests.json');
  test('names', () => uniqueNames(file));
  for (const c of file.cases) {
    test(c.name, async () => {
      const clock = fakeClock(c.now ?? file.now);
      const { fetch, requests } = recordingFetch((req, i) => {
        const r = c.respond[i];
        if (!r) throw new Error(`unexpected request #${i + 1}: ${req.method} ${req.url}`);
        return r;
      });
      const client = new Client(clientOptions(c.config, c.auth, { fetch, now: clock.now, sleep: clock.sleep }));
      try {
        await call(client, c.call.op, c.call.org, c.call.input);
      } catch {
        // The outcome is not what this file checks; the requests are.
      }
      assert.equal(requests.length, c.expect.length, `requests sent: ${requests.map((r) => `${r.method} ${r.url}`).join(', ')}`);
      c.expect.forEach((e, i) => {
        const r = requests[i];
        assert.equal(r.method, e.method, `#${i} method`);
        assert.equal(r.url, e.url, `#${i} url`);
        for (const [name, value] of Object.entries(e.headers ?? {})) {
          const actual = header(r.headers, name);
          if (name.toLowerCase() === 'user-agent') assert.match(actual ?? '', userAgentPattern(value), `#${i} User-Agent`);
          else assert.equal(actual, value, `#${i} header ${name}`);
        }
        for (const name of e.absentHeaders ?? []) assert.equal(header(r.headers, name), undefined, `#${i} header ${name} absent`);
        if ('body' in e) assert.equal(r.body, e.body, `#${i} body`);
      });
    });
  }
});

describe('responses.json', () => {
  const file = load('responses.json');
  test('names', () => uniqueNames(file));
  for (const c of file.cases) {
    test(c.name, async () => {
      const clock = fakeClock(c.now ?? file.now);
      // `transport`: every request fails — `timeout` as a fetch reporting its TimeoutError, `cancel`
      // as the caller aborting the call's AbortSignal while the request is in flight.
      const controller = new AbortController();
      const { fetch, requests } = recordingFetch(() => {
        if (c.transport === 'timeout') throw new DOMException('The operation timed out.', 'TimeoutError');
        if (c.transport === 'cancel') {
          controller.abort();
          throw controller.signal.reason;
        }
        return c.response;
      });
      const auth = c.op === 'token' ? { credentials: c.credentials ?? file.credentials } : { token: 'vector-token' };
      const client = new Client(clientOptions(c.config, auth, { fetch, now: clock.now, sleep: clock.sleep }));
      const input = c.op === 'start_attestation' ? (c.input ?? file.startInput) : c.op === 'add_csp_service' ? (c.input ?? file.cspInput) : undefined;
      const run = () => call(client, c.op, c.org ?? file.org, input, { signal: controller.signal });
      if ('ok' in c.expect) {
        const value = await run();
        assertSubset(value === undefined ? null : value, c.expect.ok);
      } else {
        assertError(await rejection(run), c.expect.error, c.name);
      }
      assert.equal(requests.length, c.attempts ?? 1, 'attempts');
    });
  }
});

describe('flows.json', () => {
  const file = load('flows.json');
  test('names', () => uniqueNames(file));
  for (const c of file.cases) {
    test(c.name, async () => {
      const script = c.script;
      let next = 0;
      const mismatches = [];
      const clock = { ms: Date.parse(c.now ?? file.now) };
      const take = (what) => {
        const step = script[next];
        if (!step) {
          mismatches.push(`unexpected ${what} after the end of the script`);
          return undefined;
        }
        next += 1;
        return step;
      };
      const fetch = async (url, init) => {
        const step = take(`${init.method} ${url}`);
        if (!step) throw new TypeError('fetch failed');
        const [method, end] = step.request ? step.request.split(' ') : [];
        if (!step.request || init.method !== method || !url.endsWith(end)) {
          mismatches.push(`#${next - 1}: expected ${JSON.stringify(step)}, got ${init.method} ${url}`);
          throw new TypeError('fetch failed');
        }
        if (step.transportError) throw new TypeError(step.transportError);
        const { toResponse } = await import('./support.mjs');
        return toResponse(step.respond);
      };
      const sleep = async (ms) => {
        const step = take(`sleep ${ms}`);
        if (step && step.sleep !== ms) mismatches.push(`#${next - 1}: expected ${JSON.stringify(step)}, got sleep ${ms}`);
        clock.ms += ms;
      };
      const client = new Client(clientOptions(c.config, { token: 'vector-token' }, { fetch, sleep, now: () => clock.ms }));
      const o = c.options ?? {};
      const events = [];
      const options = {
        deadlineMs: o.deadlineMs,
        wait: o.wait,
        confirmAttempts: o.confirmAttempts,
        pollIntervalMs: o.initialIntervalMs,
        maxPollIntervalMs: o.maxIntervalMs,
        onStep: (e) => events.push(e.type),
      };
      const org = c.org ?? file.org;
      const run = () =>
        c.flow === 'ensure_accepted'
          ? client.ensureAccepted(org, c.input ?? file.input, options)
          : c.flow === 'wait_for_signature'
            ? client.waitForSignature(org, options)
            : assert.fail(`unknown flow ${c.flow}`);
      if ('ok' in c.expect) assertSubset(await run(), c.expect.ok);
      else assertError(await rejection(run), c.expect.error, c.name);
      assert.deepEqual(mismatches, [], 'script followed');
      assert.equal(next, script.length, `whole script consumed (${next}/${script.length})`);
      if (c.events) assert.deepEqual(events, c.events, 'events');
    });
  }
});
