// The package's public API over the wasm core. Everything that knows the MCA API — validation,
// requests, parsing, retries, polling, tokens — runs in the Rust core; this file only adapts:
// camelCase options, Date → ISO strings, JSON across the boundary, McaError, AbortSignal.

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
          throw new McaError(
            { kind: 'config', message: `could not load the WebAssembly core: ${describe(cause)}` },
            cause,
          );
        },
      );
  }
  return loading;
}

function notLoaded() {
  return new McaError({ kind: 'config', message: 'the WebAssembly core is not loaded yet: await init() first' });
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

/** Every failure of this package: `kind` is one of the core's stable strings. */
export class McaError extends Error {
  /**
   * @param {Record<string, any>} info the core's error object
   * @param {unknown} [cause] the original error (a fetch failure, a timeout, the signal's reason)
   */
  constructor(info, cause) {
    super(info.message, cause === undefined ? undefined : { cause });
    this.name = 'McaError';
    this.kind = info.kind;
    this.status = info.status ?? null;
    this.code = info.code ?? null;
    this.title = info.title ?? null;
    this.detail = info.detail ?? null;
    this.violations = (info.violations ?? []).map((v) => ({ pointer: v.pointer, detail: v.detail }));
    this.retryAfterMs = info.retryAfterMs ?? null;
    this.traceId = info.traceId ?? null;
    this.problem = info.problem ?? null;
    this.bodyExcerpt = info.bodyExcerpt ?? null;
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

/** Turns what the core threw into an McaError. A call the caller aborted is McaError `deadline` (the
 * core's kind for it; a `TimeoutError` reason, as from `AbortSignal.timeout()`, is `transport`) with
 * the signal's reason as `cause`; a `transport` error carries the fetch failure as `cause`. */
function failure(e, signal, callSignal) {
  if (signal && signal.aborted) {
    const reason = signal.reason;
    const timeout = reason instanceof Error && reason.name === 'TimeoutError';
    return new McaError(
      timeout
        ? { kind: 'transport', message: `the caller's AbortSignal timed out: ${describe(reason)}` }
        : { kind: 'deadline', message: `aborted by the caller's AbortSignal: ${describe(reason)}` },
      reason,
    );
  }
  if (typeof e === 'string' && e.startsWith('{"mcaError":true')) {
    const info = JSON.parse(e);
    const cause = info.kind === 'transport' && callSignal ? lastFetchError.get(callSignal) : undefined;
    return new McaError(info, cause);
  }
  if (e instanceof McaError || !callSignal) return e;
  return new McaError({ kind: 'transport', message: describe(e) }, e);
}

/** JSON text of a caller's input: Dates become ISO strings (an invalid Date the text "Invalid Date"). */
function jsonInput(value) {
  return JSON.stringify(value === undefined ? null : value, function (key, v) {
    const raw = this[key];
    if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? 'Invalid Date' : raw.toISOString();
    return v;
  });
}

function parse(text) {
  return JSON.parse(text);
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
 * it as an McaError of kind `transport`. */
class TransportFailure extends Error {
  constructor(message) {
    super(message);
    this.name = 'TransportError';
  }
}

/** Reads a body as UTF-8 text, at most `limit` + 1 bytes: a larger body is a TransportFailure and
 * the rest is never read (the stream is cancelled). */
async function boundedText(response, limit, controller) {
  const tooLarge = () => new TransportFailure(`response body exceeds ${limit} bytes`);
  const declared = Number(response.headers?.get?.('content-length'));
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

/** Wraps the fetch hook: redirects are never followed (`redirect: 'manual'`; a 3xx reaches the core,
 * which refuses it; a browser's `opaqueredirect` is refused here), the body is read with the core's
 * size cap, and the whole exchange (headers and body) must end within `timeoutMs`. The caller's
 * AbortSignal still cancels (the fetch gets a signal that follows it). */
function guardedFetch(fetchFn, timeoutMs, limit) {
  return async (url, init) => {
    const caller = init?.signal;
    const controller = new AbortController();
    const follow = () => controller.abort(caller.reason);
    if (caller) {
      if (caller.aborted) controller.abort(caller.reason);
      else caller.addEventListener('abort', follow, { once: true });
    }
    let timer;
    const expired = new Promise((_, reject) => {
      timer = setTimeout(() => {
        const e = new TransportFailure(`no complete response within ${timeoutMs} ms`);
        controller.abort(e);
        reject(e);
      }, timeoutMs);
    });
    expired.catch(() => {});
    try {
      const response = await Promise.race([fetchFn(url, { ...init, signal: controller.signal, redirect: 'manual' }), expired]);
      if (response?.type === 'opaqueredirect') {
        throw new TransportFailure('the server answered with a redirect, which is refused');
      }
      const text = await Promise.race([boundedText(response, limit, controller), expired]);
      return { status: response.status, type: response.type, headers: response.headers, text: () => text };
    } catch (e) {
      // The core keeps only a message; the call keeps the error itself for McaError's `cause`.
      if (caller) lastFetchError.set(caller, e);
      throw e instanceof TransportFailure ? e : new TransportFailure(describe(e));
    } finally {
      clearTimeout(timer);
      if (caller) caller.removeEventListener('abort', follow);
    }
  };
}

function defaultNow() {
  return Date.now();
}

/** Wraps a caller's `onStep` so that it gets objects; its exceptions are swallowed by the core. */
function stepCallback(onStep) {
  return typeof onStep === 'function' ? (json) => onStep(JSON.parse(json)) : undefined;
}

function flowOptions(options) {
  const o = options ?? {};
  return JSON.stringify({
    deadlineMs: o.deadlineMs,
    wait: o.wait,
    pollIntervalMs: o.pollIntervalMs,
    maxPollIntervalMs: o.maxPollIntervalMs,
    confirmAttempts: o.confirmAttempts,
    jitterSeed: o.jitterSeed,
  });
}

function nowMs(options) {
  const now = options?.now;
  if (now === undefined || now === null) return undefined;
  if (now instanceof Date) return now.getTime();
  if (typeof now === 'string') return Date.parse(now);
  return Number(now);
}

/** A client of the MCA Partner Attestation API. Credentials and tokens are never printed. */
export class Client {
  #core;
  #auth;

  /** @param {Record<string, any>} options see index.d.ts `ClientOptions` */
  constructor(options) {
    const o = options ?? {};
    const config = {
      baseUrl: o.baseUrl,
      resellerId: o.resellerId,
      token: o.token,
      credentials: o.credentials,
      userAgent: o.userAgent,
      correlationId: o.correlationId,
      tokenUrl: o.tokenUrl,
    };
    this.#auth = o.credentials ? 'credentials' : o.token ? 'token' : 'none';
    this.#make = () => {
      const timeoutMs = o.requestTimeoutMs ?? wasm.defaultRequestTimeoutMs();
      if (!(typeof timeoutMs === 'number' && timeoutMs > 0 && Number.isFinite(timeoutMs))) {
        throw new McaError({ kind: 'config', message: 'requestTimeoutMs must be a positive number of milliseconds', violations: [] });
      }
      return new wasm.Core(
        JSON.stringify(config),
        guardedFetch(o.fetch ?? defaultFetch, timeoutMs, wasm.maxResponseBytes()),
        o.sleep ?? defaultSleep,
        o.now ?? defaultNow,
      );
    };
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

  async #run(signal, call, map = parse) {
    // One signal per call: it follows the caller's, and keys the call's fetch failures.
    const own = new AbortController();
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
      return map(await call(own.signal));
    } catch (e) {
      throw failure(e, signal, own.signal);
    } finally {
      if (signal) signal.removeEventListener('abort', follow);
    }
  }

  startAttestation(org, input, options) {
    return this.#run(options?.signal, (s) => this.#core.startAttestation(org, jsonInput(input), s));
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
    return this.#run(options?.signal, (s) => this.#core.addCspService(org, jsonInput(input), s));
  }

  waitForSignature(org, options) {
    return this.#run(options?.signal, (s) =>
      this.#core.waitForSignature(org, flowOptions(options), s, stepCallback(options?.onStep)),
    );
  }

  ensureAccepted(org, input, options) {
    return this.#run(options?.signal, (s) =>
      this.#core.ensureAccepted(org, jsonInput(input), flowOptions(options), s, stepCallback(options?.onStep)),
    );
  }

  token(options) {
    return this.#run(options?.signal, (s) => this.#core.token(s), (json) => new AccessToken(JSON.parse(json)));
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
    return JSON.parse(loaded().validateStartAttestation(jsonInput(input), nowMs(options)));
  } catch (e) {
    throw failure(e);
  }
}

/** Validates and normalises an add-CSP-service body without sending it; throws McaError `invalid`. */
export function validateAddCspService(input, options) {
  try {
    return JSON.parse(loaded().validateAddCspService(jsonInput(input), nowMs(options)));
  } catch (e) {
    throw failure(e);
  }
}

/** The version of the Rust core (as in the `User-Agent`). */
export function coreVersion() {
  return loaded().version();
}
