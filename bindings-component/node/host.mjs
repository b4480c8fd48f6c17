// The Node host of the mca:attestation component, transpiled by jco (`--instantiation sync`):
// `instantiate(host)` gives the component's `clientApi` running on `host` (send, sleep, now,
// event: the four functions it imports). Also the conversions between the component's values
// (camelCase records, kebab-case enums, `{tag, val}` variants, BigInt for 64-bit numbers) and the
// core's JSON form of tests/vectors.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { instantiate as jcoInstantiate } from './gen/mca_attestation.js';

const modules = new Map();
function coreModule(path) {
  if (!modules.has(path)) {
    modules.set(path, new WebAssembly.Module(readFileSync(new URL(`./gen/${path}`, import.meta.url))));
  }
  return modules.get(path);
}

/** The component's exports, running on `host` ({send, sleep, now, event}). */
export function instantiate(host) {
  const root = jcoInstantiate(coreModule, {
    'mca:attestation/types': {},
    'mca:attestation/host': host,
  });
  return root.clientApi;
}

/** A `send-error` thrown from `host.send` (jco reads the error's `payload`). */
export function sendError(tag, message) {
  return { payload: { tag, val: message } };
}

const SYNC_FETCH = `
let input = '';
process.stdin.on('data', (c) => (input += c)).on('end', async () => {
  const r = JSON.parse(input);
  try {
    const resp = await fetch(r.url, { method: r.method, headers: r.headers, body: r.body ?? undefined,
      redirect: 'manual', signal: AbortSignal.timeout(r.timeoutMs) });
    const body = await resp.text();
    process.stdout.write(JSON.stringify({ status: resp.status, headers: [...resp.headers], body }));
  } catch (e) {
    process.stdout.write(JSON.stringify({ error: String(e && e.cause ? e.cause : e) }));
  }
});`;

/** A host on the network: each request is one blocking `fetch` in a child Node process. */
export function netHost() {
  const host = {
    events: [],
    sent: [],
    send(req) {
      host.sent.push(`${req.method} ${req.url}`);
      const input = JSON.stringify({
        url: req.url, method: req.method, body: req.body,
        headers: Object.fromEntries(req.headers.map((h) => [h.name, h.value])),
        timeoutMs: Number(req.timeoutMs),
      });
      const out = JSON.parse(execFileSync(process.execPath, ['-e', SYNC_FETCH], { input }).toString());
      if (out.error) throw sendError('transport', out.error);
      return { status: out.status, headers: out.headers.map(([name, value]) => ({ name, value })), body: out.body };
    },
    sleep(ms) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(ms));
    },
    now() {
      return BigInt(Date.now());
    },
    event(e) {
      host.events.push(e);
    },
  };
  return host;
}

// ---------------------------------------------------------------- JSON → component values

const str = (v) => (typeof v === 'string' ? v : '');
const opt = (v) => (typeof v === 'string' ? v : undefined);

export function signerIn(v = {}) {
  v = v ?? {};
  return { firstName: str(v.firstName), lastName: str(v.lastName), emailAddress: str(v.emailAddress), phoneNumber: str(v.phoneNumber) };
}

export function startIn(v = {}) {
  return { signer: signerIn(v.signer), language: opt(v.language), country: str(v.country), acceptanceDate: str(v.acceptanceDate) };
}

export function cspIn(v = {}) {
  const pa = v.partnerAttestation;
  return {
    id: opt(v.id), currencyCode: str(v.currencyCode), organizationNumber: opt(v.organizationNumber),
    contactEmail: str(v.contactEmail), contactFirstName: opt(v.contactFirstName),
    contactLastName: opt(v.contactLastName), contactPhone: opt(v.contactPhone), city: opt(v.city),
    address: opt(v.address), postalCode: opt(v.postalCode), domainPrefix: str(v.domainPrefix),
    partnerAttestation: pa && typeof pa === 'object'
      ? { automaticFlow: pa.automaticFlow === true, signer: signerIn(pa.signer), language: opt(pa.language),
          country: str(pa.country), acceptanceDate: str(pa.acceptanceDate) }
      : undefined,
  };
}

/** Client options from a vector's `config` and `auth` (`token` and/or `credentials`, passed as they
 * are: the core decides); no `auth`: the bearer token `vector-token`. */
export function clientOptions(config = {}, auth) {
  config = config ?? {};
  const c = auth ? auth.credentials : undefined;
  const big = (v) => (v === undefined || v === null ? undefined : BigInt(v));
  return {
    baseUrl: config.baseUrl ?? 'https://api.example.test/',
    resellerId: config.resellerId ?? '11111111-1111-4111-8111-111111111111',
    token: auth ? opt(auth.token) : 'vector-token',
    credentials: c ? { username: str(c.username), password: str(c.password), clientId: opt(c.clientId),
      clientSecret: opt(c.clientSecret), clientAuth: opt(c.clientAuth), scope: opt(c.scope) } : undefined,
    tokenUrl: opt(config.tokenUrl), userAgent: opt(config.userAgentExtra), correlationId: opt(config.correlationId),
    requestTimeoutMs: big(config.requestTimeoutMs), retryMaxAttempts: typeof config.retryMaxAttempts === 'number' ? config.retryMaxAttempts : undefined,
  };
}

// ---------------------------------------------------------------- component values → JSON

const SNAKE_KEYS = new Set(['status', 'flow', 'kind']);

/** The core's JSON form: BigInt → number, undefined → null, enum values in snake_case. */
export function toJson(v, key) {
  if (typeof v === 'bigint') return Number(v);
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return SNAKE_KEYS.has(key) ? v.replaceAll('-', '_') : v;
  if (Array.isArray(v)) return v.map((x) => toJson(x));
  if (typeof v === 'object') {
    if ('tag' in v && Object.keys(v).every((k) => k === 'tag' || k === 'val')) {
      // refresh-outcome, the only variant among the outputs
      const type = v.tag.replaceAll('-', '_');
      return type === 'already_running' ? { type, retryAfterMs: toJson(v.val) } : { type };
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x, k)]));
  }
  return v;
}

/** The `type` of a flow event, as the core names it. */
export const eventType = (e) => e.tag.replaceAll('-', '_');

/** The error view of a thrown ComponentError as JSON (other throws are rethrown). */
export function errorJson(e) {
  if (!e || typeof e.payload !== 'object' || !e.payload || !('kind' in e.payload)) throw e;
  return toJson(e.payload);
}

/** Runs `fn`; `{ok}` or `{error}` (the error view as JSON). */
export function outcome(fn) {
  try {
    return { ok: fn() };
  } catch (e) {
    return { error: errorJson(e) };
  }
}

/** Runs operation `op` (a vectors name) on `client`; `{ok: json}` or `{error: json}`. */
export function call(client, op, org, input) {
  return outcome(() => {
    switch (op) {
      case 'start_attestation': return toJson(client.startAttestation(org, startIn(input)));
      case 'get_attestation': return toJson(client.getAttestation(org));
      case 'finalize_attestation': client.finalizeAttestation(org); return null;
      case 'get_acceptance': return toJson(client.getAcceptance(org));
      case 'refresh_acceptance': return toJson(client.refreshAcceptance(org));
      case 'add_csp_service': return toJson(client.addCspService(org, cspIn(input)));
      case 'token': return toJson(client.token());
      default: throw new Error(`unknown op ${op}`);
    }
  });
}
