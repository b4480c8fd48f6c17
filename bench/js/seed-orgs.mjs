// Writes ORGS new organisation ids to CSV (header `organizationId`) for `mca report`, and marks every
// 4th one accepted directly with Microsoft in the sandbox (the others cost the report a second
// request: the attestation lookup), 32 requests at a time.   node seed-orgs.mjs URL ORGS CSV
import { writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';

const [url, count, csv] = process.argv.slice(2);
const orgs = Array.from({ length: Number(count) }, () => randomUUID());
writeFileSync(csv, 'organizationId\n' + orgs.join('\n') + '\n');
const accepted = orgs.filter((_, i) => i % 4 === 3);
let next = 0;
async function worker() {
  while (next < accepted.length) {
    const org = accepted[next++];
    const res = await fetch(`${url}/_sandbox/orgs/${org}/direct-acceptance`, { method: 'POST' });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`direct-acceptance ${res.status}`);
  }
}
await Promise.all(Array.from({ length: 32 }, worker));
