// Opens the pages written by `mca report --html` and `mca ensure --html` (paths from the
// environment, see cli/test-html.sh) in headless Debian Chromium and checks the DOM: the counts
// by state equal the expected ones and the table's rows, the state and text filters and the
// sorting work, the page makes no network request, shows no signer e-mail, and runs without
// script errors. Saves a screenshot of each page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-sync'];
const SHOTS = process.env.MCA_HTML_SHOTS ?? tmpdir();

let context;
let profile;

before(async () => {
  profile = await mkdtemp(join(tmpdir(), 'mca-cli-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1400, height: 900 },
  });
});

after(async () => {
  await context?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

const visible = (page) => page.$$eval('#rows tbody tr:not([hidden])', (trs) => trs.map((tr) => ({
  state: tr.dataset.state, first: tr.cells[0].textContent,
})));

async function check(file, expected, shot) {
  assert.ok(file, 'path of the page missing from the environment');
  const page = await context.newPage();
  const problems = [];
  const external = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('request', (r) => { if (!r.url().startsWith('file:')) external.push(r.url()); });
  await page.goto(pathToFileURL(file).href);

  // Counts by state = what the run produced = the rows of the table.
  const rows = await page.$$eval('#rows tbody tr', (trs) => trs.length);
  const counts = await page.$$eval('#counts tbody tr', (trs) => Object.fromEntries(
    trs.map((tr) => [tr.dataset.state, Number(tr.querySelector('.n').textContent)])));
  assert.deepEqual(counts, expected);
  const sum = Object.values(counts).reduce((a, b) => a + b, 0);
  assert.equal(sum, rows, 'the counts add up to the rows');
  assert.equal(Number(await page.textContent('#total')), rows);
  const bars = await page.$$eval('#chart .bar', (gs) => gs.map((g) => g.querySelector('title').textContent));
  assert.deepEqual(bars, Object.entries(counts).map(([s, n]) => `${s}: ${n}`));
  assert.equal(await page.textContent('#shown'), `${rows} of ${rows} shown`);
  const params = await page.textContent('#params');
  assert.match(params, /run at/);
  assert.match(params, /concurrency/);

  // The state filter shows exactly that state's rows.
  for (const [state, n] of Object.entries(counts)) {
    await page.selectOption('#state', state);
    const shown = await visible(page);
    assert.equal(shown.length, n, `state filter ${state}`);
    assert.ok(shown.every((r) => r.state === state));
    assert.equal(await page.textContent('#shown'), `${n} of ${rows} shown`);
  }
  await page.selectOption('#state', '');
  // Clicking a bar of the chart filters too.
  const [firstState, firstCount] = Object.entries(counts)[0];
  await page.click(`#chart .bar[data-state="${firstState}"] rect`);
  assert.equal((await visible(page)).length, firstCount, 'chart click filters');
  await page.selectOption('#state', '');

  // The text filter finds one organisation by its id.
  const ids = await page.$$eval('#rows tbody tr', (trs) => trs.map((tr) => tr.cells[0].textContent));
  const target = ids.find((id) => /^[0-9a-f-]{36}$/.test(id));
  await page.fill('#filter', target);
  const one = await visible(page);
  assert.equal(one.length, 1);
  assert.equal(one[0].first, target);
  await page.fill('#filter', 'no-such-text-anywhere');
  assert.equal((await visible(page)).length, 0);
  await page.fill('#filter', '');
  assert.equal((await visible(page)).length, rows);

  // Sorting by a column, both ways.
  const sortedBy = async () => page.$$eval('#rows tbody tr', (trs) => trs.map((tr) => tr.cells[1].textContent));
  const cmp = (a, b) => a.localeCompare(b, undefined, { numeric: true });
  await page.click('#rows th[data-col="1"]');
  assert.equal(await page.getAttribute('#rows th[data-col="1"]', 'aria-sort'), 'ascending');
  const asc = await sortedBy();
  assert.deepEqual(asc, [...asc].sort(cmp));
  await page.click('#rows th[data-col="1"]');
  assert.equal(await page.getAttribute('#rows th[data-col="1"]', 'aria-sort'), 'descending');
  const desc = await sortedBy();
  assert.deepEqual(desc, [...desc].sort((a, b) => cmp(b, a)));

  // No signer personal data and no secrets in the page.
  const html = await page.content();
  assert.ok(!/@example\.com/.test(html), 'a signer e-mail is in the page');
  assert.ok(!/password|Bearer|access_token/i.test(html), 'a secret is in the page');

  await page.click('#rows th[data-col="1"]'); // back to ascending (states grouped) for the picture
  await page.screenshot({ path: join(SHOTS, shot), fullPage: true });
  assert.deepEqual(external, [], 'the page made network requests');
  assert.deepEqual(problems, []);
  await page.close();
}

test('report_html_counts_filter_sort_in_chromium', async () => {
  await check(process.env.MCA_HTML_REPORT,
    { accepted: 6, error: 2, expired: 3, none: 2, pending: 5 }, 'cli-report.png');
});

test('ensure_html_counts_filter_sort_in_chromium', async () => {
  await check(process.env.MCA_HTML_ENSURE,
    { accepted: 6, invalid: 2, pending: 10 }, 'cli-ensure.png');
});
