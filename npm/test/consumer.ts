// A consumer of the package, type-checked with `tsc --noEmit --strict`: every public method and type.
import {
  init,
  Client,
  McaError,
  AccessToken,
  validateStartAttestation,
  validateAddCspService,
  coreVersion,
  type Acceptance,
  type AddCspServiceInput,
  type Attestation,
  type AttestationStarted,
  type CspServiceAdded,
  type EnsureOutcome,
  type ErrorKind,
  type FlowEvent,
  type RefreshOutcome,
  type StartAttestationInput,
  type Violation,
  type WaitOutcome,
} from 'mca-attestation';

const client: Client = new Client({
  baseUrl: 'https://api.example.test',
  resellerId: '11111111-1111-4111-8111-111111111111',
  credentials: { username: 'u', password: 'p', clientId: 'c', clientSecret: 's', clientAuth: 'body' },
  fetch: (url, init) => fetch(url, init),
  userAgent: 'acme/1.0',
  correlationId: 'corr-1',
  sleep: (ms, signal) => new Promise((r) => setTimeout(r, signal?.aborted ? 0 : ms)),
  now: () => Date.now(),
});
const withToken = new Client({ baseUrl: 'https://api.example.test', resellerId: '11111111-1111-4111-8111-111111111111', token: 't' });
const base: string = withToken.baseUrl;

const input: StartAttestationInput = {
  signer: { firstName: 'Ada', lastName: 'Lovelace', emailAddress: 'ada@example.com', phoneNumber: '+46701234567' },
  country: 'SE',
  acceptanceDate: new Date(),
};
const csp: AddCspServiceInput = {
  currencyCode: 'SEK',
  contactEmail: 'it@example.com',
  domainPrefix: 'contoso',
  partnerAttestation: { automaticFlow: true, signer: input.signer, country: 'SE', acceptanceDate: '2026-11-25T11:00:00Z', language: 'sv-SE' },
};

async function main(org: string): Promise<void> {
  const controller = new AbortController();
  const started: AttestationStarted = await client.startAttestation(org, input, { signal: controller.signal });
  const link: string = started.agreementLink;
  const att: Attestation | null = await client.getAttestation(org);
  if (att !== null) {
    const expires: string | null = att.expiresAt;
    const lang: string | null = att.mcaInfo.language;
    const code: number = att.statusCode;
    console.log(att.status === 'pending_finalization', expires, lang, code);
  }
  const waited: WaitOutcome = await client.waitForSignature(org, { deadlineMs: 60_000, pollIntervalMs: 500, signal: controller.signal });
  if (waited.status === 'signed') await client.finalizeAttestation(org);
  const acceptance: Acceptance = await client.getAcceptance(org);
  const via: string[] = acceptance.acceptedVia;
  const refresh: RefreshOutcome = await client.refreshAcceptance(org);
  if (refresh.type === 'already_running') {
    const ms: number | null = refresh.retryAfterMs;
    console.log(ms);
  }
  const added: CspServiceAdded = await client.addCspService(org, csp);
  const flow: string | undefined = added.evidence?.flow;
  const outcome: EnsureOutcome = await client.ensureAccepted(org, input, {
    wait: true,
    deadlineMs: 600_000,
    pollIntervalMs: 2_000,
    maxPollIntervalMs: 30_000,
    confirmAttempts: 5,
    signal: controller.signal,
    onStep: (e: FlowEvent) => {
      if (e.type === 'attestation_started') console.log(e.agreementLink, e.expiresAt);
    },
  });
  const status: 'already_accepted' | 'accepted' | 'finalized' | 'pending' | 'expired' = outcome.status;
  const token: AccessToken = await client.token();
  const secret: string = token.accessToken;
  console.log(link, via, flow, status, secret.length, base);
}

try {
  const body = validateStartAttestation(input, { now: new Date() });
  const language: string | undefined = body.language;
  const cspBody = validateAddCspService(csp);
  console.log(language, cspBody.currencyCode, coreVersion());
} catch (e) {
  if (e instanceof McaError) {
    const kind: ErrorKind = e.kind;
    const violations: Violation[] = e.violations;
    const status: number | null = e.status;
    const rest: (string | number | null)[] = [e.code, e.title, e.detail, e.retryAfterMs, e.traceId];
    console.log(kind, violations.map((v) => `${v.pointer}: ${v.detail}`), status, rest, e.message);
    const cause: unknown = e.cause;
    console.log(cause);
  }
}

// The wasm's location for setups that need it said (esbuild): a URL, bytes or a Response.
const loads: Promise<void>[] = [init(), init(new URL('https://cdn.example.test/x.wasm')), init(new Uint8Array(0)), init(fetch('x.wasm'))];
void Promise.allSettled(loads);

void main('22222222-2222-4222-8222-222222222222');
