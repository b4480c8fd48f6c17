// Public types of `mca-attestation`. The data types, options and the error view are generated from
// the Rust core (tsify) into dist/mca_attestation_wasm.d.ts and re-exported here as they are (absent
// values are `null`, times are RFC 3339 strings); this file adds only what tsify cannot generate:
// the hand-written classes and functions, the JavaScript hooks, and `Date` inputs.

import type * as Gen from './dist/mca_attestation_wasm.js';

export type {
  Acceptance,
  AcceptanceEvidence,
  AddCspService,
  Attestation,
  AttestationStarted,
  AttestationStatus,
  ClientAuth,
  Credentials,
  CspServiceAdded,
  EnsureAcceptedOptions,
  EnsureOutcome,
  EnsureStatus,
  ErrorKind,
  ErrorView,
  FlowEvent,
  FlowKind,
  McaInfo,
  PartnerAttestation,
  PartnerAttestationAcceptance,
  Problem,
  RefreshOutcome,
  Signer,
  StartAttestation,
  Timestamp,
  Violation,
  WaitOutcome,
  WaitStatus,
} from './dist/mca_attestation_wasm.js';

/** A date input: a `Date` or an RFC 3339 string with offset. */
export type DateInput = string | Date;

/** Body of *Start partner attestation*, as given (validated and normalised by the core). */
export type StartAttestationInput = Omit<Gen.StartAttestation, 'acceptanceDate'> & { acceptanceDate: DateInput };
/** Partner attestation inside *Add CSP service*, as given. */
export type PartnerAttestationInput = Omit<Gen.PartnerAttestation, 'acceptanceDate'> & { acceptanceDate: DateInput };
/** Body of *Add CSP service*, as given. */
export type AddCspServiceInput = Omit<Gen.AddCspService, 'partnerAttestation'> & { partnerAttestation?: PartnerAttestationInput | null };

/** The WHATWG `fetch` shape the client calls (default `globalThis.fetch`). */
export type FetchFunction = (url: string, init: {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  redirect?: 'manual';
}) => Promise<Response>;

/** The core's client options (`baseUrl`, `resellerId`, `token` or `credentials`, `tokenUrl`,
 * `userAgent`, `correlationId`, `requestTimeoutMs`, `retryMaxAttempts`) and the JavaScript hooks. */
export type ClientOptions = Gen.ClientOptions & {
  /** Your HTTP function; the default is `globalThis.fetch`. It is called with `redirect: 'manual'`
   * (redirects are refused as McaError `transport`), its body is read up to the core's size cap
   * (4 MiB; more is a `transport` error) and the whole exchange is bounded by `requestTimeoutMs`. */
  fetch?: FetchFunction;
  /** Hook (tests): waits `ms`, resolving early when `signal` aborts. Default: `setTimeout`. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Hook (tests): the current time in ms since the epoch (or a `Date`). Default: `Date.now`. */
  now?: () => number | Date;
};

/** Options of every call. */
export interface CallOptions {
  /** Cancels the call: the promise rejects with McaError `cancelled` (`transport` for a
   * `TimeoutError` reason, as from `AbortSignal.timeout()`), the signal's reason as `cause`. */
  signal?: AbortSignal;
}

/** Options of `waitForSignature`: the core's (in ms) and the call's. */
export type WaitOptions = Gen.WaitOptions & CallOptions & {
  /** Progress of the flow (no signer details). */
  onStep?: (event: Gen.FlowEvent) => void;
};

/** Options of `ensureAccepted`: the core's (in ms) and the call's. */
export type EnsureOptions = Gen.EnsureAcceptedOptions & CallOptions & {
  /** Progress of the flow (no signer details). */
  onStep?: (event: Gen.FlowEvent) => void;
};

/** Options of the validators. */
export interface ValidateOptions {
  /** The clock for the `acceptanceDate` check (default now). */
  now?: Date | string | number;
}

/** Every failure of this package: the core's error view (`kind`, `status`, `code`, `title`,
 * `detail`, `violations`, `retryAfterMs`, `traceId`, `bodyExcerpt`, `problem`) as an `Error`. */
export declare class McaError extends Error {
  readonly name: 'McaError';
  /** The original error, where there is one: the fetch failure or timeout (`transport`), the
   * AbortSignal's reason (`cancelled`; its `TimeoutError`: `transport`), the load failure of the
   * wasm (`config`). */
  readonly cause?: unknown;
  private constructor();
}
export interface McaError extends Readonly<Omit<Gen.ErrorView, 'message'>> {}

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
  startAttestation(organizationId: string, input: StartAttestationInput, options?: CallOptions): Promise<Gen.AttestationStarted>;
  /** The ongoing attestation, or `null` when there is none (404). */
  getAttestation(organizationId: string, options?: CallOptions): Promise<Gen.Attestation | null>;
  /** Finalizes an accepted attestation. */
  finalizeAttestation(organizationId: string, options?: CallOptions): Promise<void>;
  /** The customer's acceptance state. */
  getAcceptance(organizationId: string, options?: CallOptions): Promise<Gen.Acceptance>;
  /** Asks for a re-sync; a sync already running (429) is the value `already_running`. */
  refreshAcceptance(organizationId: string, options?: CallOptions): Promise<Gen.RefreshOutcome>;
  /** Adds the CSP service (automatic attestation when `partnerAttestation` is given). */
  addCspService(organizationId: string, input: AddCspServiceInput, options?: CallOptions): Promise<Gen.CspServiceAdded>;
  /** Polls until the signer accepted or the link expired. */
  waitForSignature(organizationId: string, options?: WaitOptions): Promise<Gen.WaitOutcome>;
  /** Makes sure the customer accepted, doing only what is missing. */
  ensureAccepted(organizationId: string, input: StartAttestationInput, options?: EnsureOptions): Promise<Gen.EnsureOutcome>;
  /** A valid token (credentials only): cached, or fetched from the token endpoint. */
  token(options?: CallOptions): Promise<AccessToken>;
}

/** Validates and normalises a start body without sending it. @throws McaError `invalid` (`config` for a bad `now`) */
export declare function validateStartAttestation(input: StartAttestationInput, options?: ValidateOptions): Gen.StartAttestation;
/** Validates and normalises an add-CSP-service body without sending it. @throws McaError `invalid` */
export declare function validateAddCspService(input: AddCspServiceInput, options?: ValidateOptions): Gen.AddCspService;
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
