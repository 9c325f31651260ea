// The viewer's other ways in (paste, several files, cancel) and shareable links.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE_URL, launch, freshPage } from '../lib/browser.mjs';
import { ViewerPage, cliSummary, fixture } from '../lib/viewer.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('pasting JSON text opens it', async () => {
  const file = fixture('otlp/ok/01_otel-proto-example-trace.json');
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  await page.evaluate((text) => {
    const dt = new DataTransfer();
    dt.setData('text/plain', text);
    window.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true }));
  }, readFileSync(file, 'utf8'));
  assert.equal(await viewer.settled(), 'idle');
  assert.equal((await viewer.header()).spans, cliSummary(file).traces[0].spans);
  await page.context().close();
});

test('several files dropped at once are merged into one trace list', async () => {
  const files = [fixture('jaeger/ok/02_graph-testTrace.json'), fixture('zipkin/ok/08_smartthings-oauth-authorization.json')];
  const expected = files.reduce((n, f) => n + cliSummary(f).traces.length, 0);
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  await viewer.drop(files);
  assert.equal(await page.getByTestId('trace-row').count(), expected);
  assert.match(await page.getByTestId('viewer').textContent(), new RegExp(`${expected} traces`));
  await page.context().close();
});

test('a second file replaces the first', async () => {
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  await viewer.pick(fixture('jaeger/ok/02_graph-testTrace.json'));
  const second = fixture('zipkin/ok/08_smartthings-oauth-authorization.json');
  await viewer.pick(second);
  assert.equal((await viewer.header()).spans, cliSummary(second).traces[0].spans);
  assert.match(await page.getByTestId('header-file').textContent(), /smartthings/);
  assert.doesNotMatch(await page.getByTestId('header-file').textContent(), /graph-testTrace/);
  await page.context().close();
});

test('a load can be cancelled and the open trace stays', async () => {
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  await viewer.pick(fixture('jaeger/ok/02_graph-testTrace.json'));
  const before = await viewer.header();
  // A big enough file that the load is still running when Cancel is clicked.
  const big = Buffer.alloc(200_000_000, ' ');
  big.write('{"data":[{"traceID":"a","spans":[],"processes":{}}]', 0);
  const path = join(tmpdir(), `viewer-cancel-${process.pid}.json`);
  writeFileSync(path, big);
  await page.setInputFiles('[data-testid=file-input]', path);
  await page.getByTestId('cancel').click();
  await page.waitForSelector('[data-testid=viewer][data-app-state=idle]');
  assert.deepEqual(await viewer.header(), before);
  await viewer.rows().first().click();
  await page.getByTestId('details-name').waitFor();
  await page.context().close();
});

test('a link to a sample restores the trace, the span, the filter and the pane', async () => {
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await page.goto(`${BASE_URL}/viewer#v=1&sample=graph-testTrace.json&span=span-2&q=service%3Dservice1`);
  await page.waitForFunction(() => document.querySelector('[data-testid=details-name]')?.textContent === 'op2');
  assert.equal((await viewer.header()).spans, 11);
  assert.equal(await page.getByTestId('search').inputValue(), 'service=service1');
  await page.getByTestId('match-count').filter({ hasText: /of|match/ }).waitFor();
  const selected = await page.locator('[data-testid=span-row].selected').textContent();
  assert.match(selected, /op2/);
  await page.context().close();
});

test('the address bar follows the view, and the link reopens it with the same file', async () => {
  const file = fixture('zipkin/ok/08_smartthings-oauth-authorization.json');
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  await viewer.pick(file);
  await viewer.rows().nth(5).click();
  const name = await page.getByTestId('details-name').textContent();
  await page.getByTestId('tab-stats').click();
  await page.waitForFunction(() => location.hash.includes('span=') && location.hash.includes('view=stats'));
  const link = page.url();
  assert.ok(link.includes('trace='));
  // The copy button puts the same address on the clipboard.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByTestId('copy-link').click();
  await page.getByTestId('copy-link').filter({ hasText: 'Link copied' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);

  const page2 = await freshPage(browser);
  const viewer2 = new ViewerPage(page2);
  await page2.goto(link);
  await page2.waitForSelector('[data-testid=viewer][data-app-state=idle]');
  await viewer2.pick(file);
  await page2.getByTestId('stats').waitFor();
  await page2.getByTestId('tab-timeline').click();
  assert.equal(await page2.getByTestId('details-name').textContent(), name);
  await page.context().close();
  await page2.context().close();
});

test('the data-quality panel lists the warnings and jumps to their spans', async () => {
  const file = fixture('zipkin/ok/05_messaging2.json');
  const warnings = cliSummary(file).traces[0].warnings;
  assert.ok(warnings > 0);
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  await viewer.pick(file);
  // Orphans are marked in the timeline.
  assert.ok(await page.locator('[data-testid=span-row] .badge', { hasText: 'orphan' }).count() > 0);
  await page.getByTestId('tab-quality').click();
  // Grouped by kind; the counts add up to what the command-line tool reports.
  const groups = page.getByTestId('warning-group');
  await groups.first().waitFor();
  const totals = await groups.evaluateAll((els) => els.map((e) => Number(e.dataset.total)));
  assert.equal(totals.reduce((a, b) => a + b, 0), warnings);
  assert.equal(Number(await page.getByTestId('warning-total').getAttribute('data-total')), warnings);
  // A few warnings in all: the groups start open, and a warning jumps to its span.
  const orphans = page.locator('[data-testid=warning-group][data-kind=orphan]');
  await orphans.getByRole('button', { name: 'Show span' }).first().click();
  await page.getByTestId('timeline').waitFor();
  await page.getByTestId('details-name').waitFor();
  assert.equal(await page.locator('[data-testid=span-row].selected').count(), 1);
  await page.context().close();
});

test('clock skew is badged before correction; the toggle moves the spans and marks them', async () => {
  const file = fixture('zipkin/ok/07_skew.json');
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  await viewer.pick(file);
  const before = await viewer.header();
  const detected = page.locator('[data-testid=span-row] .badge[data-skew=detected]');
  const adjusted = page.locator('[data-testid=span-row] .badge[data-skew=adjusted]');
  assert.equal(await page.getByTestId('skew-toggle').isChecked(), false);
  assert.equal(await detected.count(), 1, 'the server span that starts before its client');
  assert.equal(await adjusted.count(), 0);
  // Data quality names it too, before anything is corrected.
  await page.getByTestId('tab-quality').click();
  await page.locator('[data-testid=warning-group][data-kind=clock-skew]').waitFor();
  await page.getByTestId('tab-timeline').click();
  await page.getByTestId('skew-toggle').check();
  await viewer.settled();
  await adjusted.first().waitFor();
  assert.equal(await detected.count(), 0);
  assert.equal((await viewer.header()).spans, before.spans);
  await page.getByTestId('skew-toggle').uncheck();
  await viewer.settled();
  await page.waitForFunction(() => !document.querySelector('[data-testid=span-row] .badge[data-skew=adjusted]'));
  assert.equal(await detected.count(), 1);
  await page.context().close();
});

/** Waits (up to 10 s) until the page has `n` workers; returns how many it has. */
async function workersReach(page, n) {
  for (let i = 0; i < 100 && page.workers().length < n; i++) await page.waitForTimeout(100);
  return page.workers().length;
}

test('the first file is parsed by a worker started before the drop, and a spare waits for the next', async () => {
  const file = fixture('jaeger/ok/02_graph-testTrace.json');
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  // The spare worker starts once the page is idle.
  assert.equal(await workersReach(page, 1), 1, 'one worker waits before any file');
  const dropAt = await page.evaluate(() => performance.timeOrigin + performance.now());
  assert.equal(await viewer.pick(file), 'idle');
  const born = await Promise.all(page.workers().map((w) => w.evaluate(() => performance.timeOrigin)));
  assert.ok(Math.min(...born) < dropAt, 'the worker holding the trace existed before the drop');
  // After the load, another spare is started for the next file.
  assert.equal(await workersReach(page, 2), 2, "the trace's worker and a spare");
  await page.close();
});
