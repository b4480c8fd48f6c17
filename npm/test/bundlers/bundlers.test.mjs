// The package as users load it in a browser (issue 14, item 1): the tarball from `npm pack` (built
// once) is installed into a scratch app, which is bundled by Vite, esbuild and webpack and also
// served as a plain `<script type="module">` page with an import map. Each page runs in Debian
// chromium (playwright-core) against the sandbox and must show a real getAcceptance result; a
// deliberately bad `init(url)` must be an McaError the app catches. Node `import` and `require` of
// the same tarball are checked too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startSandbox, newOrg } from '../sandbox.mjs';

const pkgDir = fileURLToPath(new URL('../../', import.meta.url));
const appSrc = fileURLToPath(new URL('./app/', import.meta.url));
const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html', '.json': 'application/json' };
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'];

let work; // scratch dir: node_modules/mca-attestation (the tarball), app/, site/<name>/
let sandbox;
let server;
let origin;
let browser;

/** Serves site/ at / and the installed package at /node_modules/ (for the plain page). */
function staticServer() {
  return http.createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = path.startsWith('/node_modules/') ? normalize(join(work, path)) : normalize(join(work, 'site', path));
    try {
      if (!file.startsWith(work)) throw new Error('outside');
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'mca-bundlers-'));
  // One build of the package for every loader: the tarball users get.
  const tgz = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: pkgDir, encoding: 'utf8' }).trim().split('\n').pop();
  const dest = join(work, 'node_modules', 'mca-attestation');
  await mkdir(dest, { recursive: true });
  execFileSync('tar', ['-xzf', join(work, tgz), '-C', dest, '--strip-components=1']);
  await cp(appSrc, join(work, 'app'), { recursive: true });
  sandbox = await startSandbox();
  server = staticServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
});

after(async () => {
  await browser?.close();
  await new Promise((r) => (server ? server.close(r) : r()));
  await sandbox?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

const app = (f) => join(work, 'app', f);
const site = (name) => join(work, 'site', name);

/** Loads site/<name>/index.html (or the page at `pageUrl`) in Chromium and checks what the app wrote. */
async function runsInChromium(name, pageUrl = `${origin}/${name}/index.html`) {
  const org = newOrg();
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  try {
    await page.goto(`${pageUrl}?api=${encodeURIComponent(sandbox.url)}&org=${org}`);
    await page.waitForFunction(() => document.getElementById('result').textContent || document.getElementById('error').textContent, null, { timeout: 20_000 })
      .catch(() => {});
    const text = async (id) => (await page.locator(`#${id}`).textContent()) ?? '';
    assert.deepEqual(problems, [], 'no uncaught page errors');
    assert.equal(await text('error'), '', 'no error shown');
    assert.equal(await text('bad-init'), 'McaError config', 'a failed init() rejects with McaError config');
    assert.equal(await text('result'), 'accepted=false');
    assert.match(await text('version'), /^\d+\.\d+\.\d+/);
    assert.equal((await sandbox.requests(org)).get_acceptance, 1, 'one real call reached the sandbox');
  } finally {
    await page.close();
  }
}

async function timed(label, fn) {
  const t0 = performance.now();
  await fn();
  console.log(`# ${label}: ${Math.round(performance.now() - t0)} ms`);
}

test('vite_production_build_runs_in_chromium', async () => {
  const { build } = await import('vite');
  await timed('vite build', () =>
    build({
      root: join(work, 'app'),
      configFile: false,
      logLevel: 'warn',
      base: './',
      build: { outDir: site('vite'), emptyOutDir: true, rollupOptions: { input: app('index.html') } },
    }),
  );
  await runsInChromium('vite');
});

test('vite_dev_server_with_optimize_deps_exclude_runs_in_chromium', async () => {
  const { createServer } = await import('vite');
  // The dev server pre-bundles dependencies into .vite/deps/, where `new URL(…, import.meta.url)`
  // no longer points at the wasm: the README says to exclude the package from that step.
  const dev = await createServer({
    root: join(work, 'app'),
    configFile: false,
    logLevel: 'error',
    cacheDir: join(work, 'vite-cache'),
    optimizeDeps: { exclude: ['mca-attestation'] },
    // Only for this scratch layout (node_modules one level above the app root).
    server: { host: '127.0.0.1', port: 0, strictPort: false, fs: { allow: [work] } },
  });
  try {
    await dev.listen();
    const address = dev.httpServer.address();
    await runsInChromium('vite-dev', `http://127.0.0.1:${address.port}/index.html`);
  } finally {
    await dev.close();
  }
});

test('esbuild_bundle_with_wasm_file_loader_runs_in_chromium', async () => {
  const esbuild = await import('esbuild');
  // esbuild's default for a browser bundle: an IIFE (no top-level await possible).
  await timed('esbuild', () =>
    esbuild.build({
      entryPoints: [app('main-esbuild.js')],
      bundle: true,
      platform: 'browser',
      outfile: join(site('esbuild'), 'main.js'),
      loader: { '.wasm': 'file' },
      logLevel: 'warning',
    }),
  );
  await cp(app('esbuild.html'), join(site('esbuild'), 'index.html'));
  await runsInChromium('esbuild');
});

test('webpack_production_build_runs_in_chromium', async () => {
  const { default: webpack } = await import('webpack');
  await timed('webpack', () =>
    new Promise((resolve, reject) =>
      webpack(
        {
          mode: 'production',
          context: join(work, 'app'),
          entry: './main.js',
          target: 'web',
          devtool: false,
          performance: { hints: false },
          output: { path: site('webpack'), filename: 'main.js', publicPath: 'auto', clean: true },
        },
        (err, stats) => {
          if (err) return reject(err);
          if (stats.hasErrors()) return reject(new Error(stats.toString({ all: false, errors: true })));
          resolve();
        },
      ),
    ),
  );
  await cp(app('webpack.html'), join(site('webpack'), 'index.html'));
  await runsInChromium('webpack');
});

test('plain_module_script_with_import_map_runs_in_chromium', async () => {
  await mkdir(site('plain'), { recursive: true });
  await cp(app('plain.html'), join(site('plain'), 'index.html'));
  await cp(app('main.js'), join(site('plain'), 'main.js'));
  await cp(app('app.js'), join(site('plain'), 'app.js'));
  await runsInChromium('plain');
});

test('node_import_and_require_of_the_tarball', async () => {
  const esm = join(work, 'esm.mjs');
  const cjs = join(work, 'cjs.cjs');
  const body = (m) => `${m}
if (typeof mca.Client !== 'function' || typeof mca.init !== 'function') throw new Error('exports missing');
mca.init().then(() => {
  const e = (() => { try { new mca.Client({ baseUrl: 'ftp://x', resellerId: 'r', token: 't' }); } catch (e) { return e; } })();
  if (!(e instanceof mca.McaError) || e.kind !== 'config') throw new Error('no McaError config: ' + e);
  console.log(mca.coreVersion());
});
`;
  await writeFile(esm, body("import * as mca from 'mca-attestation';"));
  await writeFile(cjs, body("const mca = require('mca-attestation');"));
  for (const file of [esm, cjs]) {
    const out = execFileSync(process.execPath, [file], { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.match(out.trim(), /^\d+\.\d+\.\d+$/, file);
  }
  // require() gets the CommonJS build, not require(esm) of the ESM entry.
  const resolved = execFileSync(process.execPath, ['-e', "console.log(require.resolve('mca-attestation'))"], { cwd: work, encoding: 'utf8' });
  assert.match(resolved.trim(), /dist\/node\.cjs$/);
});
