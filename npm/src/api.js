// The package's public API over the wasm core. Everything that knows the MCA API — validation,
// requests, parsing, retries, polling, tokens, options, defaults and error messages — runs in the
// Rust core, whose types cross the boundary as plain objects (tsify); this file only adapts: Date →
// ISO strings, the fetch/sleep/clock hooks, McaError from the core's error view, AbortSignal.

/** @type {any} the wasm-bindgen module, set by the entry point (src/node.js at once, src/browser.js
 * when the wasm has loaded). */
let wasm;
/** @type {undefined | ((source?: unknown) => Promise<any>)} loads the wasm (browser entry). */
let loader;
/** @type {undefined | Promise<void>} the load in progress or done. */
let loading;

/** @internal Called by the Node entry with its (synchronously loaded) wasm-bindgen module. */
export function bindWasm(module) {
  wasm = module;
}

/** @internal Called by the browser entry: `load(source)` fetches and instantiates the wasm and
 * resolves to the wasm-bindgen module. Nothing runs until `init()` or the first call. */
export function setWasmLoader(load) {
  loader = load;
}

/** Loads the WebAssembly core (once; later calls return the same promise). `source` is where the
 * `.wasm` is: a URL or string, a `Response`, bytes, or a `WebAssembly.Module`; by default the file
 * next to the package's glue. A failure rejects with McaError `config` (the cause attached) and the
 * next call tries again. In Node the wasm is already loaded and this resolves at once. */
export function init(source) {
  if (wasm) return Promise.resolve();
  if (!loading) {
    if (!loader) return Promise.reject(notLoaded());
    loading = Promise.resolve()
      .then(() => loader(source))
      .then(
        (module) => {
          wasm = module;
        },
        (cause) => {
          loading = undefined;
          throw localError('config', `could not load the WebAssembly core: ${describe(cause)}`, cause);
        },
      );
  }
  return loading;
}

function notLoaded() {
  return localError('config', 'the WebAssembly core is not loaded yet: await init() first');
}

/** An McaError for the two failures that happen before the core can speak (loading the wasm): the
 * core's error view with only `kind`, `message` and `detail`. */
function localError(kind, message, cause) {
  const view = { kind, message, status: null, code: null, title: null, detail: message, violations: [],
    retryAfterMs: null, traceId: null, bodyExcerpt: null, problem: null };
  return new McaError(view, cause);
}

/** The wasm module for a synchronous function; McaError `config` before it has loaded. */
function loaded() {
  if (!wasm) throw notLoaded();
  return wasm;
}

/** A short description of a thrown value (its message and, for Node's fetch, the cause's code). */
function describe(e) {
  if (e instanceof Error) {
    const inner = e.cause instanceof Error ? e.cause.message : undefined;
    return inner && inner !== e.message ? `${e.message}: ${inner}` : e.message;
  }
  return String(e);
}

const inspect = Symbol.for('nodejs.util.inspect.custom');

/** Every failure of this package, built from the core's flat error view (`kind`, `message`,
 * `status`, `code`, `title`, `detail`, `violations`, `retryAfterMs`, `traceId`, `bodyExcerpt`,
 * `problem`): the same members, filled the same way, as in every language of this SDK. */
export class McaError extends Error {
  /**
   * @param {Record<string, any>} view the core's error view
   * @param {unknown} [cause] the original error (a fetch failure, a timeout, the signal's reason)
   */
  constructor(view, cause) {
    super(view.message, cause === undefined ? undefined : { cause });
    this.name = 'McaError';
    for (const [key, value] of Object.entries(view)) if (key !== 'message') this[key] = value;
  }
}

/** A token from the token endpoint; the secret is a getter and never printed or serialised. */
export class AccessToken {
  #accessToken;
  /** @param {Record<string, any>} t */
  constructor(t) {
    this.#accessToken = t.accessToken;
    this.tokenType = t.tokenType;
    this.issuedAt = t.issuedAt;
    this.expiresAt = t.expiresAt;
    this.scope = t.scope ?? null;
  }
  /** The bearer token itself. */
  get accessToken() {
    return this.#accessToken;
  }
  toString() {
    return `AccessToken(<redacted>, expires ${this.expiresAt})`;
  }
  toJSON() {
    return { accessToken: '<redacted>', tokenType: this.tokenType, issuedAt: this.issuedAt, expiresAt: this.expiresAt, scope: this.scope };
  }
  [inspect]() {
    return this.toString();
  }
}

/** Per call (keyed by the signal the call hands to fetch and sleep): the last error the fetch hook
 * threw, to become the `cause` of the core's `transport` error. */
const lastFetchError = new WeakMap();

/** Turns what the core threw (its error view) into an McaError. A call the caller aborted carries
 * the signal's reason as `cause`, a `transport` error the fetch failure. Anything else (a bug) is
 * rethrown as it is. */
function failure(e, signal, callSignal) {
  if (!e || typeof e !== 'object' || e instanceof Error || typeof e.kind !== 'string') return e;
  const cause = signal?.aborted
    ? signal.reason
    : e.kind === 'transport' && callSignal
      ? lastFetchError.get(callSignal)
      : undefined;
  return new McaError(e, cause);
}

/** A caller's input with every `Date` as its ISO string (an invalid Date as the text "Invalid Date",
 * which the core refuses). Plain objects and arrays without a `Date` inside are handed over as they
 * are (the core only reads them); anything else is copied as before. */
function withDates(value) {
  return hasDates(value) ? copyDates(value) : value;
}

/** True when `value` holds a `Date`, or an object that is not a plain object or array, anywhere. */
function hasDates(value) {
  if (!value || typeof value !== 'object') return false;
  if (value instanceof Date) return true;
  if (Array.isArray(value)) {
    for (const v of value) if (hasDates(v)) return true;
    return false;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return true;
  for (const key in value) if (hasDates(value[key])) return true;
  return false;
}

function copyDates(value) {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (Array.isArray(value)) return value.map(copyDates);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyDates(v)]));
  }
  return value;
}

/** True for an AbortSignal (anything with `addEventListener`), false for a call's plain marker. */
function isSignal(value) {
  return !!value && typeof value.addEventListener === 'function';
}

/** The sleep hook as the core calls it: the call's signal, or `undefined` for a call without one. */
function withSignalOnly(sleep) {
  return (ms, signal) => sleep(ms, isSignal(signal) ? signal : undefined);
}

/** Default `sleep` hook: a timer that ends early when `signal` aborts. */
function defaultSleep(ms, signal) {
  return new Promise((resolve) => {
    if (signal && signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      if (signal) signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    if (signal) signal.addEventListener('abort', done, { once: true });
  });
}

function defaultFetch(url, init) {
  return globalThis.fetch(url, init);
}

/** What the exchange wrapper throws when no complete, acceptable response arrived; the core reports
 * it as an McaError of kind `transport` (`timedOut`: the core's "request timed out after N ms"). */
class TransportFailure extends Error {
  constructor(message, timedOut = false) {
    super(message);
    this.name = 'TransportError';
    this.timedOut = timedOut;
  }
}

/** Reads a body as UTF-8 text, at most `limit` + 1 bytes: a larger body is a TransportFailure and
 * the rest is never read (the stream is cancelled). */
async function boundedText(response, limit, controller) {
  const tooLarge = () => new TransportFailure(`response body exceeds ${limit} bytes`);
  const headers = response.headers;
  const length = headers?.get?.('content-length');
  // No header is no declared length (Number(null) would be 0).
  const declared = typeof length === 'string' && /^\d+$/.test(length.trim()) ? Number(length) : NaN;
  if (Number.isFinite(declared) && declared > limit) {
    controller.abort(tooLarge());
    throw tooLarge();
  }
  const body = response.body;
  if (!body || typeof body.getReader !== 'function') {
    // A caller's fetch returning a Response-like object without a stream.
    const text = typeof response.text === 'function' ? String(await response.text()) : '';
    if (text.length > limit / 3 && new TextEncoder().encode(text).length > limit) throw tooLarge();
    return text;
  }
  // A declared length within the cap and no content coding: the body is at most `declared` bytes
  // (fetch fails a body longer than its Content-Length), so the platform reads it in one go. A
  // caller's fetch may not hold to its header: a text longer than the cap in UTF-16 units is longer
  // in UTF-8 bytes too, and is refused (the only excess that gets through is 3 bytes per unit).
  const coding = headers?.get?.('content-encoding');
  if (Number.isFinite(declared) && (!coding || coding === 'identity') && typeof response.text === 'function') {
    const text = await response.text();
    if (text.length > limit) throw tooLarge();
    return text;
  }
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let total = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      reader.cancel().catch(() => {});
      controller.abort(tooLarge());
      throw tooLarge();
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

/** The response headers as `name\nvalue\n` lines for the core (one string instead of an iterator
 * walked from the wasm); `undefined` when they are not iterable or a line would be ambiguous (the
 * core then iterates `headers` itself). */
function headerText(headers) {
  if (!headers || typeof headers[Symbol.iterator] !== 'function') return undefined;
  let text = '';
  for (const [name, value] of headers) {
    if (typeof name !== 'string' || typeof value !== 'string' || name.includes('\n') || value.includes('\n')) return undefined;
    text += name + '\n' + value + '\n';
  }
  return text;
}

/** Wraps the fetch hook: redirects are never followed (`redirect: 'manual'`; a 3xx reaches the core,
 * which refuses it; a browser's `opaqueredirect` is refused here), the body is read with the core's
 * size cap, and the whole exchange (headers and body) must end within the request's `timeoutMs`
 * (the core's per-request timeout). The caller's AbortSignal still cancels (the fetch gets a signal
 * that follows it). Resolves to the status, type and headers, plus `headerText` and `bodyText`
 * (the body, already read) that the core reads without a second Promise. */
function guardedFetch(fetchFn, limit) {
  return async (url, init) => {
    const timeoutMs = init.timeoutMs;
    // The call's key: its AbortSignal, or the plain marker of a call without one (not followed).
    const caller = init.signal;
    const controller = new AbortController();
    const follow = () => controller.abort(caller.reason);
    const follows = isSignal(caller);
    if (follows) {
      if (caller.aborted) controller.abort(caller.reason);
      else caller.addEventListener('abort', follow, { once: true });
    }
    const request = { method: init.method, headers: init.headers, redirect: 'manual', signal: controller.signal };
    if (init.body !== undefined) request.body = init.body;
    let timer;
    const expired = new Promise((_, reject) => {
      timer = setTimeout(() => {
        const e = new TransportFailure(`no complete response within ${timeoutMs} ms`, true);
        controller.abort(e);
        reject(e);
      }, timeoutMs);
    });
    expired.catch(() => {});
    const exchange = async () => {
      const response = await fetchFn(url, request);
      if (response?.type === 'opaqueredirect') {
        throw new TransportFailure('the server answered with a redirect, which is refused');
      }
      const text = await boundedText(response, limit, controller);
      const headers = response.headers;
      return { status: response.status, type: response.type, headers, headerText: headerText(headers), bodyText: text, text: () => text };
    };
    try {
      return await Promise.race([exchange(), expired]);
    } catch (e) {
      // The core keeps only a message; the call keeps the error itself for McaError's `cause`.
      if (caller) lastFetchError.set(caller, e);
      if (e instanceof TransportFailure) throw e;
      // A fetch that reports its own timeout (a `TimeoutError`) timed out.
      throw new TransportFailure(describe(e), e?.name === 'TimeoutError');
    } finally {
      clearTimeout(timer);
      if (follows) caller.removeEventListener('abort', follow);
    }
  };
}

function defaultNow() {
  return Date.now();
}

/** A flow's options for the core: the call options without the JavaScript-only members. */
function flowOptions(options) {
  const { signal, onStep, ...core } = options ?? {};
  return core;
}

/** The validators' clock as text for the core (which refuses text that is not a date-time). */
function nowText(options) {
  const now = options?.now;
  if (now === undefined || now === null) return undefined;
  if (typeof now === 'string') return now;
  const date = now instanceof Date ? now : new Date(Number(now));
  return withDates(date);
}

/** A client of the MCA Partner Attestation API. Credentials and tokens are never printed. */
export class Client {
  #core;
  #auth;

  /** @param {Record<string, any>} options see index.d.ts `ClientOptions` */
  constructor(options) {
    const { fetch, sleep, now, ...coreOptions } = options ?? {};
    this.#auth = coreOptions.credentials ? 'credentials' : coreOptions.token ? 'token' : 'none';
    this.#make = () =>
      new wasm.Core(
        coreOptions,
        guardedFetch(fetch ?? defaultFetch, wasm.maxResponseBytes()),
        withSignalOnly(sleep ?? defaultSleep),
        now ?? defaultNow,
      );
    // With the wasm loaded (Node, or the browser after init()) a bad configuration throws here;
    // before it has loaded (browser), the first call loads it and rejects with the same error.
    if (wasm) this.#core = this.#built();
  }

  #make;

  #built() {
    try {
      return this.#make();
    } catch (e) {
      throw failure(e);
    }
  }

  /** The normalised base URL (ends in `/`); McaError `config` in a browser before the wasm loaded. */
  get baseUrl() {
    if (!this.#core) {
      loaded();
      this.#core = this.#built();
    }
    return this.#core.baseUrl;
  }

  async #run(signal, call, map = (value) => value) {
    // One key per call for its fetch failures. With a caller's signal it is a signal of our own
    // that follows the caller's (one signal may serve several calls). Without one, nothing can
    // abort the call and a plain never-aborted marker does (an AbortController costs more than
    // the rest of a call's JavaScript); the hooks never see it (see guardedFetch and #make).
    const own = signal ? new AbortController() : undefined;
    const key = own ? own.signal : { aborted: false };
    const follow = () => own.abort(signal.reason);
    if (signal) {
      if (signal.aborted) follow();
      else signal.addEventListener('abort', follow, { once: true });
    }
    try {
      if (!this.#core) {
        await init();
        this.#core ??= this.#built();
      }
      return map(await call(key));
    } catch (e) {
      throw failure(e, signal, key);
    } finally {
      if (signal) signal.removeEventListener('abort', follow);
    }
  }


  startAttestation(org, input, options) {
    return this.#run(options?.signal, (s) => this.#core.startAttestation(org, withDates(input), s));
  }

  getAttestation(org, options) {
    return this.#run(options?.signal, (s) => this.#core.getAttestation(org, s));
  }

  finalizeAttestation(org, options) {
    return this.#run(options?.signal, (s) => this.#core.finalizeAttestation(org, s), () => undefined);
  }

  getAcceptance(org, options) {
    return this.#run(options?.signal, (s) => this.#core.getAcceptance(org, s));
  }

  refreshAcceptance(org, options) {
    return this.#run(options?.signal, (s) => this.#core.refreshAcceptance(org, s));
  }

  addCspService(org, input, options) {
    return this.#run(options?.signal, (s) => this.#core.addCspService(org, withDates(input), s));
  }

  waitForSignature(org, options) {
    return this.#run(options?.signal, (s) =>
      this.#core.waitForSignature(org, flowOptions(options), s, options?.onStep),
    );
  }

  ensureAccepted(org, input, options) {
    return this.#run(options?.signal, (s) =>
      this.#core.ensureAccepted(org, withDates(input), flowOptions(options), s, options?.onStep),
    );
  }

  token(options) {
    return this.#run(options?.signal, (s) => this.#core.token(s), (t) => new AccessToken(t));
  }

  toString() {
    return `Client(${this.#core ? this.#core.baseUrl : '<not loaded>'}, auth: ${this.#auth} <redacted>)`;
  }

  toJSON() {
    return { baseUrl: this.#core ? this.#core.baseUrl : null, auth: `${this.#auth} <redacted>` };
  }

  [inspect]() {
    return this.toString();
  }
}

/** Validates and normalises a start-attestation body without sending it; throws McaError `invalid`. */
export function validateStartAttestation(input, options) {
  try {
    return loaded().validateStartAttestation(withDates(input), nowText(options));
  } catch (e) {
    throw failure(e);
  }
}

/** Validates and normalises an add-CSP-service body without sending it; throws McaError `invalid`. */
export function validateAddCspService(input, options) {
  try {
    return loaded().validateAddCspService(withDates(input), nowText(options));
  } catch (e) {
    throw failure(e);
  }
}

/** The version of the Rust core (as in the `User-Agent`). */
export function coreVersion() {
  return loaded().version();
}
