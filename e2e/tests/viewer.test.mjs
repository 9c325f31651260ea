// The trace viewer in Chromium against the release build: loading, the panes, and errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, freshPage, seriousViolations } from '../lib/browser.mjs';
import { ViewerPage, cliSummary, fixture } from '../lib/viewer.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname;
mkdirSync(ARTIFACTS, { recursive: true });

// One single-trace file per format family.
const FAMILIES = {
  jaeger: 'jaeger/ok/02_graph-testTrace.json',
  otlp: 'otlp/ok/03_otlp2jaeger-multi-in-combined.json',
  zipkin: 'zipkin/ok/08_smartthings-oauth-authorization.json',
  chrome: 'chrome/ok/02_devtools-chrome69-simple.json',
};

/** Waits until the timeline canvas has drawn span bars (it says how many in data-bars). */
async function waitForBars(page) {
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=timeline-canvas]')?.dataset.bars) > 0);
}

async function assertHeaderMatchesCli(viewer, file) {
  const cli = cliSummary(file);
  assert.equal(cli.traces.length, 1, 'a single-trace fixture');
  const t = cli.traces[0];
  const h = await viewer.header();
  assert.equal(h.spans, t.spans, `spans in ${file}`);
  assert.equal(h.services, t.services.length, `services in ${file}`);
  assert.equal(Math.floor(h.durationNs / 1000), t.duration_us, `duration in ${file}`);
  assert.match(h.text, new RegExp(`^${t.spans.toLocaleString('en-US')} spans? · ${t.services.length} services?`));
  return t;
}

for (const [family, rel] of Object.entries(FAMILIES)) {
  test(`${family}: the header counts equal tracecheck's, by file picker and by drop`, async () => {
    const file = fixture(rel);
    const page = await freshPage(browser);
    const viewer = new ViewerPage(page);
    await viewer.open();
    assert.equal(await viewer.pick(file), 'idle');
    await assertHeaderMatchesCli(viewer, file);
    assert.equal(await viewer.rows().count() > 0, true);
    await waitForBars(page);

    const page2 = await freshPage(browser);
    const viewer2 = new ViewerPage(page2);
    await viewer2.open();
    assert.equal(await viewer2.drop([file]), 'idle');
    await assertHeaderMatchesCli(viewer2, file);
    assert.deepEqual(page.errors, []);
    assert.deepEqual(page2.errors, []);
    await page.context().close();
    await page2.context().close();
  });
}

test('selecting a span shows its attributes', async () => {
  const file = fixture('jaeger/ok/02_graph-testTrace.json');
  const trace = JSON.parse(readFileSync(file, 'utf8'));
  const span = trace.spans.find((s) => (s.tags ?? []).length > 0);
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  await viewer.pick(file);
  await page.locator(`[data-testid=span-row][data-span]`).filter({ hasText: span.operationName }).first().click();
  await page.getByTestId('details-name').filter({ hasText: span.operationName }).waitFor();
  const attrs = page.getByTestId('details').getByTestId('attributes');
  for (const tag of span.tags) {
    assert.ok((await attrs.textContent()).includes(tag.key), `attribute ${tag.key} shown`);
  }
  await page.context().close();
});

test('collapse hides descendants and expand brings them back', async () => {
  const file = fixture('zipkin/ok/08_smartthings-oauth-authorization.json');
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  await viewer.pick(file);
  await page.getByTestId('collapse-all').click();
  const roots = cliSummary(file).traces[0].roots;
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=span-row]').length === n, roots);
  const first = page.getByTestId('span-row').first();
  assert.equal(await first.getAttribute('aria-expanded'), 'false');
  await first.getByTestId('collapse-toggle').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=span-row]').length > n, roots);
  assert.equal(await page.getByTestId('span-row').first().getAttribute('aria-expanded'), 'true');
  await page.context().close();
});

test('a search narrows the rows and counts the matches', async () => {
  const file = fixture('zipkin/ok/08_smartthings-oauth-authorization.json');
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  await viewer.pick(file);
  const spans = JSON.parse(readFileSync(file, 'utf8'));
  const expected = spans.filter((s) => s.localEndpoint?.serviceName === 'paperboy').length;
  assert.ok(expected > 0);
  await page.getByTestId('only-matches').check();
  await page.getByTestId('search').fill('service=paperboy');
  await page.getByTestId('match-count').filter({ hasText: `${expected} match` }).waitFor();
  const rows = await page.getByTestId('span-row').count();
  assert.ok(rows >= expected && rows < spans.length, `${rows} rows for ${expected} matches of ${spans.length}`);
  // A bad query explains itself and breaks nothing.
  await page.getByTestId('search').fill('duration>10xs');
  await page.getByTestId('search-error').waitFor();
  assert.match(await page.getByTestId('search-error').textContent(), /unknown unit/);
  await page.context().close();
});

test('the statistics view shows the charts and the table', async () => {
  const file = fixture('zipkin/ok/08_smartthings-oauth-authorization.json');
  const services = cliSummary(file).traces[0].services;
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  await viewer.pick(file);
  await page.getByTestId('tab-stats').click();
  await page.getByTestId('stats').waitFor();
  assert.ok(await page.locator('[data-testid=chart-self-time] svg rect').count() >= 2);
  assert.ok(await page.locator('[data-testid=chart-histogram] svg rect').count() >= 2);
  const svgText = await page.locator('[data-testid=chart-self-time] svg').textContent();
  for (const s of services.slice(0, 3)) assert.ok(svgText.includes(s), `chart names ${s}`);
  assert.equal(await page.locator('[data-testid=stats-services] tbody tr').count(), services.length);
  // The charts follow the theme.
  const before = await page.locator('[data-testid=chart-self-time]').innerHTML();
  await page.getByTestId('theme-toggle').click();
  await page.waitForFunction((html) => document.querySelector('[data-testid=chart-self-time]').innerHTML !== html, before);
  await page.context().close();
});

test('an unreadable file shows an error and the open trace stays', async () => {
  const good = fixture('jaeger/ok/02_graph-testTrace.json');
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  await viewer.pick(good);
  const before = await viewer.header();
  const state = await viewer.pickBuffer('broken.json', Buffer.from('{"data": [\n  {"traceID": "a",, }\n'));
  assert.equal(state, 'error');
  const message = await page.getByTestId('load-error').textContent();
  assert.match(message, /broken\.json/);
  assert.match(message, /line 2/);
  assert.match(message, /column/);
  assert.deepEqual(await viewer.header(), before);
  assert.ok(await viewer.rows().count() > 0);
  // Still usable: selecting a span still asks the (old) worker for details.
  await viewer.rows().first().click();
  await page.getByTestId('details-name').waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('several traces: the list opens one with a click', async () => {
  const file = fixture('zipkin/ok/12_list-of-traces.json');
  const cli = cliSummary(file);
  assert.ok(cli.traces.length > 1);
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  await viewer.pick(file);
  assert.equal(await page.getByTestId('trace-row').count(), cli.traces.length);
  await page.getByTestId('trace-row').first().locator('button').click();
  await viewer.settled();
  const h = await viewer.header();
  assert.ok(cli.traces.some((t) => t.spans === h.spans));
  await page.context().close();
});

test("the site menu's link to the viewer keeps the open trace; Ctrl+click opens a new tab", async () => {
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  await viewer.pick(fixture('jaeger/ok/02_graph-testTrace.json'));
  const before = await viewer.header();
  // Marks this document: a page load would lose the mark.
  await page.evaluate(() => { window.sameDocument = true; });
  const link = page.locator('.site-nav a[aria-current=page]');
  assert.equal(await link.getAttribute('href'), '/viewer');
  await link.click();
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.sameDocument), true, 'no page load');
  assert.deepEqual(await viewer.header(), before);
  const [tab] = await Promise.all([page.context().waitForEvent('page'), link.click({ modifiers: ['Control'] })]);
  await tab.waitForURL(/\/viewer$/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a bundled sample opens from the empty state', async () => {
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  const samples = JSON.parse(readFileSync(new URL('../../public/samples/index.json', import.meta.url), 'utf8'));
  const biggest = samples.reduce((a, b) => (b.spans > a.spans ? b : a));
  await page.getByTestId('sample').filter({ hasText: biggest.label }).click();
  await viewer.settled();
  assert.equal((await viewer.header()).spans, biggest.spans);
  await page.context().close();
});

test('keyboard: arrows select, left collapses, ? shows the shortcuts', async () => {
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  await viewer.pick(fixture('zipkin/ok/08_smartthings-oauth-authorization.json'));
  await page.keyboard.press('ArrowDown');
  await page.getByTestId('details-name').waitFor();
  // The rows in view, once the layout has settled (the details pane and the library copy
  // arriving can resize the rows' box): ArrowRight must bring back exactly these.
  const total = await page.evaluate(async () => {
    const count = () => document.querySelectorAll('[data-testid=span-row]').length;
    const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
    let last = -1;
    while (last !== count()) {
      last = count();
      for (let i = 0; i < 5; i++) await frame();
    }
    return last;
  });
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=span-row]').length === 1);
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=span-row]').length === n, total);
  await page.keyboard.press('?');
  await page.getByTestId('help').waitFor();
  await page.keyboard.press('Escape');
  assert.equal(await page.getByTestId('help').count(), 0);
  await page.context().close();
});

/** A Jaeger file of about `mb` megabytes: many services, nested fan-out, tags and logs. */
function generateJaeger(mb) {
  const services = ['frontend', 'api', 'auth', 'orders', 'payments', 'inventory', 'search', 'db'];
  const spans = [];
  let bytes = 0;
  let id = 1;
  const traceID = 'abcdef0123456789abcdef0123456789';
  const hex = (n) => n.toString(16).padStart(16, '0');
  const t0 = 1_700_000_000_000_000;
  while (bytes < mb * 1_000_000) {
    const root = id++;
    const rootSpan = { traceID, spanID: hex(root), operationName: 'GET /checkout', references: [], startTime: t0 + root, duration: 50_000, processID: 'p0', tags: [{ key: 'http.method', type: 'string', value: 'GET' }], logs: [] };
    spans.push(rootSpan);
    for (let c = 0; c < 40; c++) {
      const s = id++;
      const span = {
        traceID, spanID: hex(s), operationName: `rpc.call.${c % 7}`,
        references: [{ refType: 'CHILD_OF', traceID, spanID: hex(root) }],
        startTime: t0 + root + c * 1000, duration: 900 + (c % 13) * 10, processID: `p${c % services.length}`,
        tags: [{ key: 'http.status_code', type: 'int64', value: 200 }, { key: 'component', type: 'string', value: 'grpc' }, { key: 'peer.service', type: 'string', value: services[(c + 1) % services.length] }],
        logs: [{ timestamp: t0 + root + c * 1000 + 5, fields: [{ key: 'event', type: 'string', value: 'sent' }] }],
      };
      spans.push(span);
    }
    bytes = spans.length * 430;
  }
  const processes = Object.fromEntries(services.map((s, i) => [`p${i}`, { serviceName: s, tags: [{ key: 'hostname', type: 'string', value: `host-${i}` }] }]));
  return { buffer: Buffer.from(JSON.stringify({ data: [{ traceID, spans, processes }] })), spans: spans.length };
}

test('a 20 MB file loads without a long task over 200 ms on the main thread', async () => {
  const { buffer, spans } = generateJaeger(20);
  // A file on disk, handed to the input by path like a real pick: a buffer would be decoded
  // on the page's main thread by the test harness itself.
  const path = join(tmpdir(), `viewer-e2e-${process.pid}.json`);
  writeFileSync(path, buffer);
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration); })
      .observe({ type: 'longtask', buffered: false });
  });
  const started = Date.now();
  await viewer.pick(path);
  // First drawn timeline: span bars are on the canvas.
  await waitForBars(page);
  const elapsed = Date.now() - started;
  const longTasks = await page.evaluate(() => window.__longTasks);
  const worst = Math.max(0, ...longTasks);
  console.log(`20 MB Jaeger (${(buffer.length / 1e6).toFixed(1)} MB, ${spans} spans): drop to first drawn timeline ${elapsed} ms; long tasks ${longTasks.length}, worst ${worst.toFixed(0)} ms`);
  assert.equal((await viewer.header()).spans, spans);
  assert.ok(worst <= 200, `worst long task ${worst} ms`);
  await page.context().close();
});

for (const scheme of ['light', 'dark']) {
  test(`screenshot of a real trace (${scheme}) and no serious axe violation`, async () => {
    // Tall enough to show the timeline and details without a full-page capture (which resizes
    // the viewport while capturing).
    const page = await freshPage(browser, { colorScheme: scheme, viewport: { width: 1400, height: 1150 } });
    const viewer = new ViewerPage(page);
    await viewer.open();
    assert.deepEqual(await seriousViolations(page), [], 'empty state');
    await viewer.pick(fixture('zipkin/ok/08_smartthings-oauth-authorization.json'));
    await viewer.rows().nth(3).click();
    await page.getByTestId('details-name').waitFor();
    await page.getByTestId('critical-toggle').check();
    await waitForBars(page);
    await page.screenshot({ path: `${ARTIFACTS}viewer-${scheme}.png` });
    assert.deepEqual(await seriousViolations(page), [], 'timeline');
    await page.getByTestId('tab-stats').click();
    await page.getByTestId('stats').waitFor();
    await page.screenshot({ path: `${ARTIFACTS}viewer-stats-${scheme}.png`, fullPage: true });
    assert.deepEqual(await seriousViolations(page), [], 'statistics');
    await page.context().close();
  });
}
