// Starts the mca-sandbox binary on 127.0.0.1 with an OS-chosen port, and talks to its admin API.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Path of the sandbox binary: $MCA_SANDBOX_BIN, else <target>/debug/mca-sandbox. */
export function sandboxBinary() {
  if (process.env.MCA_SANDBOX_BIN) return process.env.MCA_SANDBOX_BIN;
  const target = process.env.CARGO_TARGET_DIR || `${root}target`;
  const bin = `${target}/debug/mca-sandbox`;
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run cargo build -p mca-sandbox (or set MCA_SANDBOX_BIN)`);
  return bin;
}

/** Starts a sandbox; resolves to `{url, admin(path, body?), requests(org), stop()}`. */
export function startSandbox(args = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(sandboxBinary(), ['--host', '127.0.0.1', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buffered = '';
    const onData = (chunk) => {
      buffered += chunk;
      const m = buffered.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (!m) return;
      child.stdout.off('data', onData);
      child.stdout.resume();
      const url = m[1];
      const admin = async (path, body) => {
        const r = await fetch(url + path, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        if (!r.ok) throw new Error(`admin ${path}: ${r.status} ${await r.text()}`);
        return r;
      };
      const requests = async (org) => (await fetch(`${url}/_sandbox/orgs/${org}/requests`)).json();
      const stop = () =>
        new Promise((done) => {
          if (child.exitCode !== null) return done();
          child.once('exit', () => done());
          child.kill('SIGTERM');
        });
      resolve({ url, admin, requests, stop });
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`sandbox exited early (${code})`)));
  });
}

/** A fresh organisation id, so that tests never share state. */
export const newOrg = () => randomUUID();

export const SANDBOX_CREDENTIALS = { username: 'sandbox', password: 'sandbox' };
export const RESELLER = '5d1c0b9e-7f0a-4b8e-9a34-2f1e6c7d8a90';

/** A valid start body with an acceptance date just passed. */
export function startInput(overrides = {}) {
  return {
    signer: { firstName: 'Ada', lastName: 'Lovelace', emailAddress: 'ada.lovelace@example.com', phoneNumber: '+46 70 123 45 67' },
    language: 'sv-se',
    country: 'se',
    acceptanceDate: new Date(Date.now() - 60_000),
    ...overrides,
  };
}
