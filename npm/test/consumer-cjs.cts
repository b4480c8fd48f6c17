// A CommonJS consumer (`require`), type-checked with `tsc --noEmit --strict`: the types come from
// dist/node.d.cts through the package's `node.require` condition.
import mca = require('mca-attestation');

const client: mca.Client = new mca.Client({ baseUrl: 'https://api.example.test', resellerId: '11111111-1111-4111-8111-111111111111', token: 't' });
async function main(): Promise<void> {
  await mca.init();
  try {
    const acceptance: mca.Acceptance = await client.getAcceptance('22222222-2222-4222-8222-222222222222');
    console.log(acceptance.accepted, mca.coreVersion());
  } catch (e) {
    if (e instanceof mca.McaError) console.log(e.kind, e.cause);
  }
}
void main();
