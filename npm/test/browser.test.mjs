// Browser: Debian chromium through playwright-core. A page served on 127.0.0.1 imports the package
// from a plain module script, starts an attestation against the sandbox; the test opens the
// agreement link, clicks Accept, and the page finalizes and shows the result.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFile, mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startSandbox, newOrg } from './sandbox.mjs';

const pkg = fileURLToPath(new URL('../', import.meta.url));
const page = fileURLToPath(new URL('./browser/index.html', import.meta.url));
const output = join(pkg, 'test-output');
const TYPES = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html', '.json': 'application/json' };
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'];

let sandbox;
let server;
let origin;
let context;
let profile;

/** Serves the test page at / and the package directory (src/, dist/) under /mca-attestation/. */
function staticServer() {
  return http.createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    let file;
    if (path === '/') file = page;
    else if (path.startsWith('/mca-attestation/src/') || path.startsWith('/mca-attestation/dist/')) {
      file = normalize(join(pkg, path.slice('/mca-attestation/'.length)));
      if (!file.startsWith(pkg)) file = undefined;
    }
    try {
      if (!file) throw new Error('not found');
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
}

before(async () => {
  sandbox = await startSandbox();
  server = staticServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${server.address().port}`;
  profile = await mkdtemp(join(tmpdir(), 'mca-chromium-'));
  context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS });
  await mkdir(output, { recursive: true });
});

after(async () => {
  await context?.close();
  await new Promise((r) => (server ? server.close(r) : r()));
  await sandbox?.stop();
  if (profile) await rm(profile, { recursive: true, force: true });
});

test('browser_manual_flow_end_to_end', async () => {
  const org = newOrg();
  const app = await context.newPage();
  const problems = [];
  app.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  app.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  app.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()} ${r.url()}`));
  await app.goto(`${origin}/?api=${encodeURIComponent(sandbox.url)}&org=${org}`);
  const link = app.locator('#link');
  await link.waitFor({ state: 'visible', timeout: 15_000 });
  const href = await link.getAttribute('href');
  assert.ok(href.startsWith(`${sandbox.url}/agreements/`), href);

  const signer = await context.newPage();
  await signer.goto(href);
  await signer.getByRole('button', { name: 'Accept' }).click();
  await signer.getByText('has been accepted').waitFor({ timeout: 10_000 });
  await signer.close();

  const result = app.locator('#result');
  await app.waitForFunction(() => document.getElementById('state').textContent !== 'Waiting for the signer…' && document.getElementById('state').textContent !== 'Starting the attestation…', null, { timeout: 30_000 });
  const text = await result.textContent();
  await app.screenshot({ path: join(output, 'browser-manual-flow.png'), fullPage: true });
  assert.equal(await app.locator('#error').textContent(), '', 'no error shown');
  assert.match(text, /^Finalized [0-9a-f-]{36}: accepted=true via PartnerAttestation$/);
  assert.equal(await app.locator('#state').textContent(), 'Done.');
  assert.deepEqual(problems, []);
  const counts = await sandbox.requests(org);
  assert.equal(counts.start_attestation, 1);
  assert.equal(counts.finalize_attestation, 1);
});
