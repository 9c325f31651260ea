// Links that carry the trace: made from an open trace, opened in a fresh browser profile with no
// file, and refused clearly when damaged or hostile.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { BASE_URL, launch, freshPage } from '../lib/browser.mjs';
import { ViewerPage, cliSummary, fixture } from '../lib/viewer.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** The self-contained link of the open trace, once the worker has packed it. */
async function traceLink(page) {
  const a = page.locator('a[data-share=trace]');
  await a.waitFor();
  return a.getAttribute('href');
}

const hashParam = (url, key) => new URLSearchParams(new URL(url).hash.slice(1)).get(key);

/** Link text for a hand-made body, as the spec in trace-core's `packed` module frames it. */
const bodyLink = (version, body) =>
  Buffer.concat([Buffer.from([version]), deflateRawSync(body)]).toString('base64url');

test('a link with the trace inside restores trace, span, window, filter and folds in a fresh browser', async () => {
  const file = fixture('zipkin/ok/08_smartthings-oauth-authorization.json');
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  await viewer.pick(file);
  await viewer.rows().nth(3).click();
  await page.getByTestId('collapse-toggle').last().click();
  const name = await page.getByTestId('details-name').textContent();
  await page.keyboard.press('+');
  await page.getByTestId('search').fill('http');
  await page.getByTestId('match-count').filter({ hasText: /of|match/ }).waitFor();
  await page.waitForFunction(() => ['span=', 't=', 'q=', 'fold='].every((k) => location.hash.includes(k)));
  const rows = await viewer.rows().count();
  // The link is remade when the folds change: wait until it carries the view's folds.
  await page.waitForFunction(() => {
    const a = document.querySelector('a[data-share=trace]');
    const fold = (u) => new URLSearchParams(new URL(u).hash.slice(1)).get('fold');
    return a && fold(a.href) === fold(location.href);
  });
  const link = await traceLink(page);
  assert.ok(hashParam(link, 'data').length > 100, 'the trace is in the link');
  assert.equal(hashParam(link, 'sample'), null);
  const size = await page.getByTestId('share-size').textContent();
  assert.match(size, /KB/);

  // The copy action puts the very same link on the clipboard.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.locator('a[data-share=trace]').click();
  await page.locator('a[data-share=trace]').filter({ hasText: 'copied' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);

  // A new context is a fresh profile: no file, no storage, nothing cached.
  const page2 = await freshPage(browser);
  const requests = [];
  page2.on('request', (r) => requests.push(r.url()));
  const viewer2 = new ViewerPage(page2);
  await page2.goto(link);
  await page2.waitForFunction((n) => document.querySelector('[data-testid=details-name]')?.textContent === n, name);
  const cli = cliSummary(file).traces[0];
  assert.equal((await viewer2.header()).spans, cli.spans);
  assert.match(await page2.getByTestId('header-file').textContent(), /shared link/);
  assert.equal(await page2.getByTestId('search').inputValue(), 'http');
  await page2.waitForFunction(() => location.hash.includes('t='));
  assert.equal(hashParam(page2.url(), 't'), hashParam(link, 't'), 'same time window');
  assert.equal(hashParam(page2.url(), 'fold'), hashParam(link, 'fold'), 'same folded spans');
  assert.equal(await viewer2.rows().count(), rows);
  assert.ok(requests.every((u) => u.startsWith(BASE_URL)), `only our own origin: ${requests.filter((u) => !u.startsWith(BASE_URL))}`);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(page2.errors, []);
  await page.context().close();
  await page2.context().close();
});

test('the subtree scope shares the selected span and what is below it', async () => {
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  await viewer.pick(fixture('jaeger/ok/02_graph-testTrace.json'));
  await page.getByTestId('share-scope').selectOption('subtree');
  await page.getByTestId('share-problem').filter({ hasText: 'select a span' }).waitFor();
  assert.equal(await page.locator('a[data-share=trace]').count(), 0);
  await viewer.rows().nth(1).click();
  const link = await traceLink(page);
  const page2 = await freshPage(browser);
  await page2.goto(link);
  const spans = (await new ViewerPage(page2).header()).spans;
  assert.ok(spans >= 1 && spans < 11, `${spans} spans in the subtree`);
  await page.context().close();
  await page2.context().close();
});

test('the filtered scope shares the matching spans and their ancestors', async () => {
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  await viewer.pick(fixture('jaeger/ok/02_graph-testTrace.json'));
  await page.getByTestId('share-scope').selectOption('filtered');
  await page.getByTestId('share-problem').filter({ hasText: 'type a filter' }).waitFor();
  await page.getByTestId('search').fill('name=op2');
  const matches = await page.getByTestId('match-count').filter({ hasText: /match/ }).textContent();
  const link = await traceLink(page);
  assert.equal(hashParam(link, 'lib'), null, 'the trace is in the link: no library id');
  assert.equal(hashParam(link, 'q'), 'name=op2');
  const page2 = await freshPage(browser);
  await page2.goto(link);
  const spans = (await new ViewerPage(page2).header()).spans;
  assert.ok(spans >= 1 && spans < 11, `${spans} spans: the match and its ancestors`);
  await page2.getByTestId('match-count').filter({ hasText: matches }).waitFor();
  await page.context().close();
  await page2.context().close();
});

test('a trace too big for a link says so and offers the smaller scopes', async () => {
  // 40,000 spans with random attribute values: far more than 1 MB once packed.
  const rand = () => Math.random().toString(16).slice(2).padEnd(14, '7');
  const spans = Array.from({ length: 40_000 }, (_, i) => ({
    traceId: 'abcdef0123456789', id: (i + 1).toString(16).padStart(16, '0'),
    parentId: i ? ((i >> 3) + 1).toString(16).padStart(16, '0') : undefined,
    name: `op-${i % 50}`, timestamp: 1_700_000_000_000_000 + i, duration: 100,
    localEndpoint: { serviceName: `svc-${i % 7}` }, tags: { a: rand() + rand(), b: rand() + rand() },
  }));
  const path = join(tmpdir(), `viewer-share-big-${process.pid}.json`);
  writeFileSync(path, JSON.stringify(spans));
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  assert.equal(await viewer.pick(path), 'idle');
  const problem = page.getByTestId('share-problem');
  await problem.filter({ hasText: 'over 1 MB' }).waitFor({ timeout: 60_000 });
  assert.match(await problem.textContent(), /40000 spans.*subtree or the filtered spans/);
  assert.equal(await page.locator('a[data-share=trace]').count(), 0);
  // A leaf's subtree fits.
  await page.getByTestId('share-scope').selectOption('subtree');
  await viewer.rows().last().click();
  await traceLink(page);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a downloaded export opens again with the same counts, in every format', async () => {
  const file = fixture('zipkin/ok/08_smartthings-oauth-authorization.json');
  const cli = cliSummary(file).traces[0];
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  await viewer.pick(file);
  for (const format of ['otlp', 'jaeger', 'zipkin']) {
    await page.getByTestId('export-format').selectOption(format);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-download').click(),
    ]);
    assert.match(download.suggestedFilename(), new RegExp(`\\.${format}\\.json$`));
    const path = join(tmpdir(), `export-${process.pid}-${download.suggestedFilename()}`);
    await download.saveAs(path);
    const page2 = await freshPage(browser);
    const viewer2 = new ViewerPage(page2);
    await viewer2.open();
    assert.equal(await viewer2.pick(path), 'idle', format);
    const h = await viewer2.header();
    assert.equal(h.spans, cli.spans, `${format}: spans`);
    assert.equal(h.services, cli.services.length, `${format}: services`);
    assert.equal(cliSummary(path).traces[0].spans, cli.spans, `${format}: tracecheck agrees`);
    await page2.context().close();
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('damaged and hostile links give a message and leave the viewer usable', async () => {
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  await viewer.pick(fixture('jaeger/ok/02_graph-testTrace.json'));
  const good = hashParam(await traceLink(page), 'data');
  await page.context().close();

  const zeros = Buffer.alloc(200 * 1024 * 1024);
  const cases = [
    ['cut off', good.slice(0, Math.floor(good.length / 2)), /damaged/],
    ['a newer version', bodyLink(2, Buffer.from('x')), /newer version/],
    ['not base64url', `${good.slice(0, 20)}!!${good.slice(22)}`, /ignored|damaged|does not belong/],
    ['a decompression bomb', bodyLink(1, zeros), /more than 24 MB/],
    ['an absurd span count', bodyLink(1, Buffer.from([0, 0, 1, 0x41, 0, 0xff, 0xff, 0xff, 0xff, 0x0f])), /count larger than the data/],
  ];
  for (const [what, data, message] of cases) {
    const p = await freshPage(browser);
    const v = new ViewerPage(p);
    await p.goto(`${BASE_URL}/viewer#v=1&data=${data}`);
    const state = await v.settled();
    const text = await p.locator('[data-testid=viewer]').textContent();
    assert.match(text, message, `${what}: ${state}`);
    // Still usable: a file opens.
    assert.equal(await v.pick(fixture('jaeger/ok/02_graph-testTrace.json')), 'idle', what);
    assert.equal((await v.header()).spans, 11);
    assert.deepEqual(p.errors, [], what);
    await p.context().close();
  }
});

test('a bad link leaves the open trace open', async () => {
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  await viewer.pick(fixture('jaeger/ok/02_graph-testTrace.json'));
  const before = await viewer.header();
  // A damaged link pasted into the address bar of the open viewer (only the fragment changes).
  await page.evaluate(() => { location.hash = '#v=1&data=AQAAAA'; });
  await page.getByTestId('load-error').filter({ hasText: /Shared link: .*damaged/ }).waitFor();
  assert.deepEqual(await viewer.header(), before);
  await viewer.rows().nth(2).click();
  await page.getByTestId('details-name').waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('collapsing to a level is shared as depth=, and the link folds the same rows in a fresh browser', async () => {
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await page.goto(`${BASE_URL}/viewer#sample=shop-checkout.json`);
  assert.equal(await viewer.settled(), 'idle');
  const everything = await viewer.rows().count();
  await page.getByTestId('depth-select').selectOption('1');
  await page.waitForFunction(() => location.hash.includes('depth=1'));
  assert.ok(!page.url().includes('fold='), `a level, not every folded span: ${page.url()}`);
  const byLevel = await viewer.rows().count();
  assert.ok(byLevel > 1 && byLevel < everything, `${byLevel} rows of ${everything}`);

  const other = await freshPage(browser);
  const reopened = new ViewerPage(other);
  await other.goto(page.url());
  assert.equal(await reopened.settled(), 'idle');
  await other.waitForFunction((n) => document.querySelectorAll('[data-testid=span-row]').length === n, byLevel);
  await other.close();

  // Expanding one span makes the folds a list again.
  await page.getByTestId('collapse-toggle').nth(1).click();
  await page.waitForFunction(() => location.hash.includes('fold=') && !location.hash.includes('depth='));
  await page.close();
});
