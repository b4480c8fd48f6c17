// The test app, the same for every way of loading the package: shows that a failed load is an
// McaError the app can catch, then makes one real call and writes the result into the page.
const RESELLER = '5d1c0b9e-7f0a-4b8e-9a34-2f1e6c7d8a90';

/** @param {Pick<typeof import('mca-attestation'), 'init' | 'Client' | 'McaError' | 'coreVersion'>} mca @param {unknown} [source] where the wasm is, if the bundler needs it said */
export async function run(mca, source) {
  const out = (id, text) => {
    document.getElementById(id).textContent = text;
  };
  const params = new URLSearchParams(location.search);
  try {
    await mca.init(new URL('/no-such-file.wasm', location.href));
    out('bad-init', 'resolved');
  } catch (e) {
    out('bad-init', `${e instanceof mca.McaError ? 'McaError' : e?.name} ${e?.kind}`);
  }
  try {
    if (source !== undefined) await mca.init(source);
    const client = new mca.Client({
      baseUrl: params.get('api'),
      resellerId: RESELLER,
      credentials: { username: 'sandbox', password: 'sandbox' },
    });
    const acceptance = await client.getAcceptance(params.get('org'));
    out('version', mca.coreVersion());
    out('result', `accepted=${acceptance.accepted}`);
  } catch (e) {
    out('error', `${e?.name} ${e?.kind ?? ''}: ${e?.message}`);
  }
}
