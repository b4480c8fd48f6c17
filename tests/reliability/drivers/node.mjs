// Matrix driver, JavaScript: N concurrent `ensureAccepted` calls on ONE `Client` (Promise.all),
// through the built npm package (`import ... from 'mca-attestation'`, linked into
// tests/reliability/node_modules by matrix.py as `npm install ../../npm` would) with its default fetch.
//
// Usage: node node.mjs BASE_URL RESELLER ORG wait|nowait CALLERS DEADLINE_S
// Prints one JSON line: {"clients": 1, "callers": [{"status", "attestationId"} | {"error"}]}.
import { Client, McaError } from 'mca-attestation';

const [baseUrl, resellerId, org, mode, callers, deadline] = process.argv.slice(2);

/** `kind[ status][ code]` for SDK errors, the error's name otherwise. */
function describe(err) {
  if (err instanceof McaError) {
    return [err.kind, err.status, err.code].filter((p) => p !== null && p !== undefined).join(' ');
  }
  return `exception ${err?.name ?? typeof err}`;
}

const client = new Client({ baseUrl, resellerId, credentials: { username: 'sandbox', password: 'sandbox' } });
const input = {
  signer: { firstName: 'Ada', lastName: 'Lovelace', emailAddress: 'ada@example.com', phoneNumber: '+46 70 123 45 67' },
  language: 'sv-SE',
  country: 'SE',
  acceptanceDate: new Date(Date.now() - 60_000).toISOString(),
};
const options = {
  wait: mode === 'wait',
  pollIntervalMs: 200,
  maxPollIntervalMs: 500,
  deadlineMs: Number(deadline) * 1000,
};

const results = await Promise.all(
  Array.from({ length: Number(callers) }, () =>
    client.ensureAccepted(org, input, options).then(
      (out) => ({ status: out.status, attestationId: out.attestationId ?? null }),
      (err) => ({ error: describe(err) }),
    ),
  ),
);
process.stdout.write(`${JSON.stringify({ clients: 1, callers: results })}\n`);
