// Every case of tests/vectors/*.json through the component in Node (jco), with a scripted host:
// recorded requests, scripted responses, a fake clock that advances only when the flow sleeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import {
  instantiate, sendError, startIn, cspIn, clientOptions, toJson, eventType, outcome, call,
} from '../host.mjs';

const load = (name) => JSON.parse(readFileSync(new URL(`../../../tests/vectors/${name}`, import.meta.url), 'utf8'));
const VERSION = JSON.parse(readFileSync(new URL('../../../Cargo.toml', import.meta.url), 'utf8')
  .match(/\[workspace\.package\][^[]*?version = ("[^"]+")/)[1]);
const ms = (t) => Date.parse(t);

function response(v = {}) {
  return { status: v.status ?? 200, headers: Object.entries(v.headers ?? {}).map(([name, value]) => ({ name, value })), body: v.body ?? '' };
}

/** A scripted host: `answers` in order, `always` for every request, or a flows.json `script`. */
/** `fail` (responses.json `transport`): every request fails, `timeout` as the core's timed-out
 * transport error (the request's `timeoutMs`), `cancel` as the WIT send-error `cancelled`. */
function scripted(now, { answers = [], always, script, fail } = {}) {
  const host = {
    sent: [], events: [], mismatches: [], clock: now,
    send(req) {
      const got = `${req.method} ${req.url}`;
      host.sent.push(req);
      if (fail === 'timeout') throw sendError('transport', `request timed out after ${req.timeoutMs} ms`);
      if (fail === 'cancel') throw sendError('cancelled', 'the caller cancelled');
      if (fail) throw sendError('transport', `unknown transport ${fail}`);
      if (script) {
        const entry = script.shift();
        if (!entry) { host.mismatches.push(`unexpected request ${got}`); throw sendError('cancelled', 'script exhausted'); }
        const [method, suffix] = (entry.request ?? '').split(' ');
        if (req.method !== method || !req.url.endsWith(suffix)) {
          host.mismatches.push(`expected ${JSON.stringify(entry)}, got ${got}`);
          throw sendError('cancelled', 'script mismatch');
        }
        if ('transportError' in entry) throw sendError('transport', entry.transportError);
        return response(entry.respond);
      }
      if (always) return response(always);
      if (answers.length) return response(answers.shift());
      throw sendError('transport', 'no scripted answer');
    },
    sleep(d) {
      if (script) {
        const entry = script.shift();
        if (entry?.sleep !== Number(d)) host.mismatches.push(`expected ${JSON.stringify(entry)}, got sleep ${d} ms`);
      }
      host.clock += Number(d);
    },
    now: () => BigInt(host.clock),
    event: (e) => host.events.push(eventType(e)),
  };
  return host;
}

function subset(got, want, path, out) {
  if (want && typeof want === 'object' && !Array.isArray(want) && got && typeof got === 'object' && !Array.isArray(got)) {
    for (const [k, w] of Object.entries(want)) {
      if (k in got) subset(got[k], w, `${path}/${k}`, out);
      else if (w !== null) out.push(`${path}/${k} missing (want ${JSON.stringify(w)})`);
    }
  } else if (Array.isArray(want) && Array.isArray(got) && want.length === got.length) {
    want.forEach((w, i) => subset(got[i], w, `${path}/${i}`, out));
  } else if (JSON.stringify(got) !== JSON.stringify(want)) {
    out.push(`${path}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
}

/** Field by field as the core's runner (tests/vectors/README.md): status, code, title, detail,
 * retryAfterMs, traceId always (absent = null); message, bodyExcerpt when given; violations whole,
 * else pointers in order, else none. */
function checkError(got, want, out) {
  const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  if (got.kind !== want.kind) out.push(`kind ${got.kind} != ${want.kind} (${got.message})`);
  for (const key of ['status', 'code', 'title', 'detail', 'retryAfterMs', 'traceId']) {
    if (!same(got[key], want[key])) out.push(`${key} ${JSON.stringify(got[key])} != ${JSON.stringify(want[key] ?? null)}`);
  }
  for (const key of ['message', 'bodyExcerpt']) {
    if (key in want && !same(got[key], want[key])) out.push(`${key} ${JSON.stringify(got[key])} != ${JSON.stringify(want[key])}`);
  }
  if ('violations' in want) {
    if (!same(got.violations, want.violations)) out.push(`violations ${JSON.stringify(got.violations)} != ${JSON.stringify(want.violations)}`);
  } else if ('pointers' in want) {
    const pointers = got.violations.map((v) => v.pointer);
    if (!same(pointers, want.pointers)) out.push(`pointers ${JSON.stringify(pointers)} != ${JSON.stringify(want.pointers)}`);
  } else if (got.violations.length) out.push(`violations ${JSON.stringify(got.violations)} != []`);
}

function checkResult(result, expect, out) {
  if ('ok' in expect) {
    if ('error' in result) out.push(`expected ok, got ${result.error.kind}: ${result.error.message}`);
    else {
      subset(result.ok, expect.ok, '', out);
      if (expect.ok === null && result.ok !== null) out.push(`expected null, got ${JSON.stringify(result.ok)}`);
    }
  } else if ('ok' in result) out.push(`expected an error, got ${JSON.stringify(result.ok)}`);
  else checkError(result.error, expect.error, out);
}

function headerMatches(got, want) {
  want = want.replaceAll('{version}', VERSION);
  const i = want.indexOf('{binding}');
  if (i < 0) return got === want;
  const pre = want.slice(0, i); const post = want.slice(i + '{binding}'.length);
  return got.length > pre.length + post.length && got.startsWith(pre) && got.endsWith(post)
    && /^[a-z]+$/.test(got.slice(pre.length, got.length - post.length));
}

function report(what, cases, failures) {
  assert.deepEqual(failures, [], `${failures.length} of ${cases.length} ${what} vectors failed`);
}

const plain = (v) => JSON.parse(JSON.stringify(v)); // drops absent (undefined) members

test('validation vectors', () => {
  const file = load('validation.json');
  const failures = [];
  // One instance for all cases (each case sets the clock and clears what was sent).
  const host = scripted(0, { always: { status: 404 } });
  const api = instantiate(host);
  for (const c of file.cases) {
    // A case's `now` is the caller's text, given to the validators as is (text that is not a
    // date-time is their `config` error); the host clock starts at it when it parses.
    const now = c.now ?? file.now;
    host.clock = Number.isNaN(ms(now)) ? ms(file.now) : ms(now);
    host.sent.length = 0;
    let result;
    switch (c.kind) {
      case 'start_attestation':
        result = outcome(() => plain(api.validateStartAttestation(startIn(c.input), now))); break;
      case 'add_csp_service':
        result = outcome(() => plain(api.validateAddCspService(cspIn(c.input), now))); break;
      case 'organization_id': {
        const client = api.Client.open(clientOptions());
        result = call(client, 'get_attestation', c.input);
        if ('ok' in result) result = { ok: host.sent[0].url.split('/organizations/')[1].split('/')[0] };
        else if (host.sent.length) failures.push(`${c.name}: a request was sent`);
        break;
      }
      case 'base_url':
        result = outcome(() => api.Client.open({ ...clientOptions(), baseUrl: c.input }).baseUrl()); break;
      case 'client_options':
        // Member for member, a token together with credentials too: the core decides.
        result = outcome(() => api.Client.open(clientOptions(c.input, c.input)).baseUrl()); break;
      default: throw new Error(`${c.name}: unknown kind ${c.kind}`);
    }
    const out = [];
    if (c.valid) {
      if ('error' in result) out.push(`expected valid, got ${result.error.message}`);
      else if (!isDeepStrictEqual(result.ok, c.normalized)) out.push(`normalized ${JSON.stringify(result.ok)} != ${JSON.stringify(c.normalized)}`);
    } else if ('ok' in result) out.push(`expected invalid, got ${JSON.stringify(result.ok)}`);
    else checkError(result.error, c.error, out);
    if (out.length) failures.push(`${c.name}: ${out.join('; ')}`);
  }
  console.log(`${file.cases.length - failures.length} of ${file.cases.length} validation vectors passed`);
  report('validation', file.cases, failures);
});

test('request vectors', () => {
  const file = load('requests.json');
  const failures = [];
  for (const c of file.cases) {
    const host = scripted(ms(file.now), { answers: [...c.respond] });
    const client = instantiate(host).Client.open(clientOptions(c.config, c.auth));
    call(client, c.call.op, c.call.org, c.call.input);
    if (host.sent.length !== c.expect.length) {
      failures.push(`${c.name}: sent ${host.sent.length} requests, expected ${c.expect.length}`);
      continue;
    }
    c.expect.forEach((want, i) => {
      const req = host.sent[i];
      const header = (n) => req.headers.find((h) => h.name.toLowerCase() === n.toLowerCase())?.value;
      const out = [];
      if (req.method !== want.method) out.push(`method ${req.method}`);
      if (req.url !== want.url) out.push(`url ${req.url}`);
      if ((req.body ?? null) !== want.body) out.push(`body ${req.body}`);
      for (const [h, v] of Object.entries(want.headers ?? {})) {
        const got = header(h);
        if (got === undefined || !headerMatches(got, v)) out.push(`header ${h}: ${got}`);
      }
      for (const h of want.absentHeaders ?? []) if (header(h) !== undefined) out.push(`header ${h} should be absent`);
      if (out.length) failures.push(`${c.name}: request ${i}: ${out.join('; ')}`);
    });
  }
  report('request', file.cases, failures);
});

test('response vectors', () => {
  const file = load('responses.json');
  const failures = [];
  for (const c of file.cases) {
    const host = scripted(ms(file.now), { always: c.response, fail: c.transport });
    const auth = c.op === 'token' ? { credentials: file.credentials } : { token: 'vector-token' };
    const client = instantiate(host).Client.open(clientOptions(undefined, auth));
    const input = c.op === 'start_attestation' ? file.startInput : c.op === 'add_csp_service' ? file.cspInput : undefined;
    const result = call(client, c.op, file.org, input);
    const out = [];
    const attempts = c.attempts ?? 1;
    if (host.sent.length !== attempts) out.push(`${host.sent.length} requests, expected ${attempts}`);
    checkResult(result, c.expect, out);
    if (out.length) failures.push(`${c.name}: ${out.join('; ')}`);
  }
  report('response', file.cases, failures);
});

test('flow vectors', () => {
  const file = load('flows.json');
  const failures = [];
  for (const c of file.cases) {
    const o = c.options ?? {};
    const big = (v) => (v === undefined ? undefined : BigInt(v));
    const poll = { pollIntervalMs: big(o.initialIntervalMs), maxPollIntervalMs: big(o.maxIntervalMs), deadlineMs: big(o.deadlineMs), jitterSeed: 0n };
    const script = [...c.script];
    const host = scripted(ms(file.now), { script });
    const client = instantiate(host).Client.open(clientOptions());
    const org = c.org ?? file.org;
    const result = outcome(() => toJson(c.flow === 'ensure_accepted'
      ? client.ensureAccepted(org, startIn(c.input ?? file.input), { wait: o.wait, confirmAttempts: o.confirmAttempts, ...poll })
      : client.waitForSignature(org, poll)));
    const out = [...host.mismatches];
    if (script.length) out.push(`${script.length} script entries not consumed: ${JSON.stringify(script[0])}`);
    if (JSON.stringify(host.events) !== JSON.stringify(c.events)) out.push(`events ${JSON.stringify(host.events)} != ${JSON.stringify(c.events)}`);
    checkResult(result, c.expect, out);
    if (out.length) failures.push(`${c.name}: ${out.join('; ')}`);
  }
  report('flow', file.cases, failures);
});

test('per-operation cost', () => {
  const n = 1000;
  const host = scripted(Date.parse('2026-11-25T12:00:00Z'), { always: { status: 200, headers: { 'Content-Type': 'application/json' },
    body: "{\"accepted\": true, \"acceptedVia\": [\"PartnerAttestation\"], \"acceptanceViaPartnerAttestation\": {\"signer\": {\"firstName\": \"Ada\", \"lastName\": \"Lovelace\", \"emailAddress\": \"ada@example.com\", \"phoneNumber\": \"+46701234567\"}, \"mcaInfoTemplateId\": \"tpl-42\", \"acceptanceDate\": \"2026-11-25T10:00:00Z\"}, \"lastSyncDate\": \"2026-11-25T11:59:00Z\"}" } });
  const api = instantiate(host);
  const client = api.Client.open(clientOptions());
  const org = '11111111-1111-4111-8111-111111111111';
  let t = performance.now();
  for (let i = 0; i < n; i++) assert.equal(client.getAcceptance(org).accepted, true);
  const op = (performance.now() - t) / n;
  const body = startIn({ signer: { firstName: 'Ada', lastName: 'Lovelace', emailAddress: 'ada@example.com', phoneNumber: '+46 70 123 45 67' },
    country: 'se', acceptanceDate: '2026-11-25T10:00:00Z' });
  t = performance.now();
  for (let i = 0; i < n; i++) api.validateStartAttestation(body, '2026-11-25T12:00:00Z');
  console.log(`node (jco): get_acceptance ${(op * 1000).toFixed(1)} us/op, validate_start_attestation ${((performance.now() - t) / n * 1000).toFixed(1)} us/op`);
});
