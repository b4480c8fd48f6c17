// Public types of `mca-attestation`. Model types are generated from the Rust core (tsify) into
// dist/mca_attestation_wasm.d.ts; this file re-exports them in the shape the package returns
// (absent values are `null`, times are RFC 3339 strings) and types the hand-written API.

import type * as Gen from './dist/mca_attestation_wasm.js';

/** Maps the generated `T | undefined` of optional outputs to the `T | null` the package returns. */
export type Wire<T> = T extends readonly (infer U)[]
  ? Wire<U>[]
  : T extends object
    ? { [K in keyof T]-?: undefined extends T[K] ? Wire<Exclude<T[K], undefined>> | null : Wire<T[K]> }
    : T;

/** A date input: a `Date` or an RFC 3339 string with offset. */
export type DateInput = string | Date;

export type Signer = Gen.Signer;
export type Violation = Gen.Violation;
export type AttestationStatus = Gen.AttestationStatus;
export type EnsureStatus = Gen.EnsureStatus;
export type WaitStatus = Gen.WaitStatus;
export type FlowKind = Gen.FlowKind;
export type ClientAuth = Gen.ClientAuth;
export type RefreshOutcome = Gen.RefreshOutcome;
export type FlowEvent = Gen.FlowEvent;
export type Problem = Wire<Gen.Problem>;
export type McaInfo = Wire<Gen.McaInfo>;
export type Attestation = Wire<Gen.Attestation>;
export type AttestationStarted = Wire<Gen.AttestationStarted>;
export type Acceptance = Wire<Gen.Acceptance>;
export type PartnerAttestationAcceptance = Wire<Gen.PartnerAttestationAcceptance>;
export type AcceptanceEvidence = Wire<Gen.AcceptanceEvidence>;
export type CspServiceAdded = Wire<Gen.CspServiceAdded>;
export type EnsureOutcome = Wire<Gen.EnsureOutcome>;
export type WaitOutcome = Wire<Gen.WaitOutcome>;

/** Body of *Start partner attestation*, as given (validated and normalised by the core). */
export type StartAttestationInput = Omit<Gen.StartAttestation, 'acceptanceDate'> & { acceptanceDate: DateInput };
/** The normalised body that is sent. */
export type StartAttestation = Gen.StartAttestation;
/** Partner attestation inside *Add CSP service*, as given. */
export type PartnerAttestationInput = Omit<Gen.PartnerAttestation, 'acceptanceDate'> & { acceptanceDate: DateInput };
/** Body of *Add CSP service*, as given. */
export type AddCspServiceInput = Omit<Gen.AddCspService, 'partnerAttestation'> & { partnerAttestation?: PartnerAttestationInput };
/** The normalised body that is sent. */
export type AddCspService = Gen.AddCspService;

/** Password-grant credentials; tokens are cached and renewed before expiry, and once on a 401. */
export interface Credentials {
  username: string;
  password: string;
  clientId?: string;
  clientSecret?: string;
  /** How the client id/secret are sent: `basic` (default) or `body`. */
  clientAuth?: ClientAuth;
  /** Scope; `api` when absent. */
  scope?: string;
}

/** The WHATWG `fetch` shape the client calls (default `globalThis.fetch`). */
export type FetchFunction = (url: string, init: {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  redirect?: 'manual';
}) => Promise<Response>;

export interface ClientOptions {
  /** API base URL: https (http only for loopback), path prefixes kept. */
  baseUrl: string;
  /** Reseller GUID. */
  resellerId: string;
  /** A bearer token obtained elsewhere (or give `credentials`). */
  token?: string;
  /** Password-grant credentials (or give `token`). */
  credentials?: Credentials;
  /** Token endpoint; `<baseUrl>/connect/token` by default. */
  tokenUrl?: string;
  /** Your HTTP function; the default is `globalThis.fetch`. It is called with `redirect: 'manual'`
   * (redirects are refused as McaError `transport`), its body is read up to the core's size cap
   * (4 MiB; more is a `transport` error) and the whole exchange is bounded by `requestTimeoutMs`. */
  fetch?: FetchFunction;
  /** Time one HTTP exchange (headers and the whole body) may take, in ms; then McaError
   * `transport`. Default: the core's DEFAULT_REQUEST_TIMEOUT (30 000). */
  requestTimeoutMs?: number;
  /** Extra `User-Agent` product, e.g. `acme-onboarding/2.1`. */
  userAgent?: string;
  /** Sent as `X-Correlation-Id` on every request. */
  correlationId?: string;
  /** Hook (tests): waits `ms`, resolving early when `signal` aborts. Default: `setTimeout`. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Hook (tests): the current time in ms since the epoch (or a `Date`). Default: `Date.now`. */
  now?: () => number | Date;
}

/** Options of every call. */
export interface CallOptions {
  /** Cancels the call: the promise rejects with McaError `deadline` (`transport` for a `TimeoutError`
   * reason, as from `AbortSignal.timeout()`), the signal's reason as `cause`. */
  signal?: AbortSignal;
}

/** Options of the polling flows. */
export interface WaitOptions extends CallOptions {
  /** Give up with an McaError of kind `deadline` this many ms after the call starts. */
  deadlineMs?: number;
  /** First wait between polls (default 2000); waits double up to `maxPollIntervalMs`. */
  pollIntervalMs?: number;
  /** Longest wait between polls (default 30000). */
  maxPollIntervalMs?: number;
  /** Jitter seed: 0 (default) for none, otherwise waits are scaled into [50 %, 100 %]. */
  jitterSeed?: number;
  /** Progress of the flow (no signer details). */
  onStep?: (event: FlowEvent) => void;
}

export interface EnsureOptions extends WaitOptions {
  /** Wait for the signer (default true), or return `pending` once the attestation exists. */
  wait?: boolean;
  /** Reads of the acceptance state after finalize before returning `finalized` (default 5). */
  confirmAttempts?: number;
}

/** Options of the validators. */
export interface ValidateOptions {
  /** The clock for the `acceptanceDate` check (default now). */
  now?: Date | string | number;
}

/** The stable error kinds, the same in every language of this SDK. */
export type ErrorKind = 'invalid' | 'api' | 'unauthorized' | 'forbidden' | 'rate_limited' | 'transport' | 'decode' | 'deadline' | 'config';

/** Every failure of this package. */
export declare class McaError extends Error {
  readonly name: 'McaError';
  readonly kind: ErrorKind;
  /** HTTP status, where a response was received. */
  readonly status: number | null;
  readonly code: string | null;
  readonly title: string | null;
  readonly detail: string | null;
  /** Client-side violations (`invalid`) or the server's field errors. */
  readonly violations: Violation[];
  readonly retryAfterMs: number | null;
  readonly traceId: string | null;
  /** The normalised problem details, for kinds that carry them. */
  readonly problem: Problem | null;
  /** For `decode`: the first characters of the body. */
  readonly bodyExcerpt: string | null;
  /** The original error, where there is one: the fetch failure or timeout (`transport`), the
   * AbortSignal's reason (a caller's abort: `deadline`; its `TimeoutError`: `transport`), the
   * load failure of the wasm (`config`). */
  readonly cause?: unknown;
  private constructor();
}

/** A token from the token endpoint; redacted in `toString`, `JSON.stringify` and `util.inspect`. */
export declare class AccessToken {
  readonly accessToken: string;
  readonly tokenType: string;
  readonly issuedAt: string;
  readonly expiresAt: string;
  readonly scope: string | null;
  private constructor();
}

/** A client of the MCA Partner Attestation API. */
export declare class Client {
  /** @throws McaError `config` on a bad base URL, reseller id or auth combination. */
  constructor(options: ClientOptions);
  /** The normalised base URL (ends in `/`). */
  readonly baseUrl: string;
  /** Starts a partner attestation (validated first; never retried blindly). */
  startAttestation(organizationId: string, input: StartAttestationInput, options?: CallOptions): Promise<AttestationStarted>;
  /** The ongoing attestation, or `null` when there is none (404). */
  getAttestation(organizationId: string, options?: CallOptions): Promise<Attestation | null>;
  /** Finalizes an accepted attestation. */
  finalizeAttestation(organizationId: string, options?: CallOptions): Promise<void>;
  /** The customer's acceptance state. */
  getAcceptance(organizationId: string, options?: CallOptions): Promise<Acceptance>;
  /** Asks for a re-sync; a sync already running (429) is the value `already_running`. */
  refreshAcceptance(organizationId: string, options?: CallOptions): Promise<RefreshOutcome>;
  /** Adds the CSP service (automatic attestation when `partnerAttestation` is given). */
  addCspService(organizationId: string, input: AddCspServiceInput, options?: CallOptions): Promise<CspServiceAdded>;
  /** Polls until the signer accepted or the link expired. */
  waitForSignature(organizationId: string, options?: WaitOptions): Promise<WaitOutcome>;
  /** Makes sure the customer accepted, doing only what is missing. */
  ensureAccepted(organizationId: string, input: StartAttestationInput, options?: EnsureOptions): Promise<EnsureOutcome>;
  /** A valid token (credentials only): cached, or fetched from the token endpoint. */
  token(options?: CallOptions): Promise<AccessToken>;
}

/** Validates and normalises a start body without sending it. @throws McaError `invalid` */
export declare function validateStartAttestation(input: StartAttestationInput, options?: ValidateOptions): StartAttestation;
/** Validates and normalises an add-CSP-service body without sending it. @throws McaError `invalid` */
export declare function validateAddCspService(input: AddCspServiceInput, options?: ValidateOptions): AddCspService;
/** The version of the Rust core (as in the `User-Agent`). @throws McaError `config` in a browser before the wasm loaded. */
export declare function coreVersion(): string;
/** Where the `.wasm` is: a URL, a `Response` (or its promise), the bytes, or a compiled module. */
export type WasmSource = string | URL | Request | Response | Promise<Response> | BufferSource | WebAssembly.Module;
/**
 * Loads the WebAssembly core; resolves at once in Node. In a browser the first call does it too,
 * but the synchronous functions (`validate…`, `coreVersion`, `Client#baseUrl`) need it done. Default
 * `source`: the `.wasm` next to the package's glue (`new URL(…, import.meta.url)`, which Vite and
 * webpack follow); with esbuild pass `import wasmUrl from 'mca-attestation/wasm'` (`--loader:.wasm=file`).
 * @throws McaError `config` (rejects) when the wasm cannot be fetched or instantiated; `cause` is the original error.
 */
export declare function init(source?: WasmSource): Promise<void>;
