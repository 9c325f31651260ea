// The local library: traces opened are kept in this browser's IndexedDB, survive a reload,
// reopen with one click, and can be renamed, pinned and forgotten; links to a kept file reopen
// it in the same browser and explain themselves in another.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, freshPage } from '../lib/browser.mjs';
import { ViewerPage, cliSummary, fixture } from '../lib/viewer.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const FILE = fixture('zipkin/ok/08_smartthings-oauth-authorization.json');
const NAME = '08_smartthings-oauth-authorization.json';

/** Opens the start page afresh (the address of an open file would reopen it from the library). */
async function startPage(page) {
  await page.goto('about:blank');
  await page.goto(`${BASE_URL}/viewer`);
  await page.waitForSelector('[data-testid=viewer][data-app-state=idle]');
}

/** Waits until the library lists `n` entries (the viewer root says how many). */
const librarySize = (page, n) => page.waitForSelector(`[data-testid=viewer][data-library-size="${n}"]`, { timeout: 30_000 });

test('a trace opened is kept, survives a reload and reopens with one click', async () => {
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  await viewer.pick(FILE);
  await librarySize(page, 1);
  await startPage(page);
  const entry = page.locator('[data-library-entry]');
  assert.match(await entry.textContent(), new RegExp(NAME.replace('.', '\\.')));
  await entry.click();
  assert.equal(await viewer.settled(), 'idle');
  assert.equal((await viewer.header()).spans, cliSummary(FILE).traces[0].spans);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('entries can be renamed, pinned, deleted and all forgotten; the setting turns it off', async () => {
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  await viewer.pick(FILE);
  await librarySize(page, 1);
  await viewer.pick(fixture('jaeger/ok/02_graph-testTrace.json'));
  await librarySize(page, 2);
  await startPage(page);
  await librarySize(page, 2);
  // Newest first.
  assert.match(await page.locator('[data-library-entry]').first().textContent(), /graph-testTrace/);
  page.once('dialog', (d) => d.accept('checkout flow'));
  await page.getByTestId('library-rename').last().click();
  await page.locator('[data-library-entry]', { hasText: 'checkout flow' }).waitFor();
  await page.getByTestId('library-pin').last().click();
  await page.locator('[data-testid=library-pin][aria-pressed=true]').waitFor();
  await page.getByTestId('library-delete').first().click();
  await librarySize(page, 1);
  assert.match(await page.locator('[data-library-entry]').textContent(), /checkout flow/);
  await page.getByTestId('library-forget-all').click();
  await librarySize(page, 0);
  // Off: nothing is kept.
  await page.getByTestId('library-enabled').uncheck();
  await viewer.pick(FILE);
  // The worker answers in order: once a span's details are back, a library request sent at
  // load time would have been answered too, and the address would name the kept file.
  await viewer.rows().nth(1).click();
  await page.getByTestId('details-name').waitFor();
  await page.waitForFunction(() => location.hash.includes('span='));
  assert.ok(!page.url().includes('lib='), page.url());
  await startPage(page);
  assert.equal(await page.locator('[data-library-entry]').count(), 0);
  assert.equal(await page.getByTestId('library-enabled').isChecked(), false, 'the setting is remembered');
  await page.context().close();
});

test('a link to a kept file reopens it with the view here, and explains itself elsewhere', async () => {
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  // Span ids are unique in this file (Zipkin's shared client/server halves share theirs).
  await viewer.pick(fixture('jaeger/ok/02_graph-testTrace.json'));
  await viewer.rows().nth(4).click();
  const name = await page.getByTestId('details-name').textContent();
  await page.waitForFunction(() => location.hash.includes('lib=') && location.hash.includes('span='));
  const link = page.url();
  await librarySize(page, 1);

  const same = await page.context().newPage();
  await same.goto(link);
  await same.waitForFunction((n) => document.querySelector('[data-testid=details-name]')?.textContent === n, name);

  const other = await freshPage(browser);
  await other.goto(link);
  await other.getByTestId('load-error').filter({ hasText: 'another browser' }).waitFor();
  assert.match(await other.getByTestId('load-error').textContent(), /Copy link with the trace/);
  await page.context().close();
  await other.context().close();
});

test('a trace opened from a link with the trace inside is kept as that link', async () => {
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  await viewer.pick(fixture('jaeger/ok/02_graph-testTrace.json'));
  const link = await page.locator('a[data-share=trace]').getAttribute('href');
  const other = await freshPage(browser);
  await other.goto(link);
  assert.equal(await new ViewerPage(other).settled(), 'idle');
  await librarySize(other, 1);
  await other.goto(`${BASE_URL}/viewer`);
  const entry = other.locator('[data-library-entry]');
  assert.match(await entry.textContent(), /shared link/);
  await entry.click();
  assert.equal((await new ViewerPage(other).header()).spans, 11);
  await page.context().close();
  await other.context().close();
});
