// Parallel parsing: a big single-trace Jaeger file is parsed by the importing worker and a
// helper worker it starts (localStorage `trace-parsers` fixes how many), and shows exactly
// what one worker shows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, freshPage } from '../lib/browser.mjs';
import { ViewerPage } from '../lib/viewer.mjs';

const TRACE = '5b8aa5a2d2c872e8321cf37308d69df2';

/** One trace of `n` spans (~640 bytes each, like real ones), processes after the spans. */
function bigTrace(n) {
  const spans = [];
  for (let k = 0; k < n; k++) {
    const parent = k === 0 ? [] : [{ refType: 'CHILD_OF', traceID: TRACE, spanID: (Math.floor((k - 1) / 4) + 1).toString(16).padStart(16, '0') }];
    const tags = [
      { key: 'span.kind', type: 'string', value: k % 2 ? 'client' : 'server' },
      { key: 'http.url', type: 'string', value: `http://items:8080/api/items/${k}?session=abcdef0123456789` },
      { key: 'item', type: 'int64', value: k },
      { key: 'component', type: 'string', value: k % 7 === 0 ? 'grpc' : 'net/http' },
    ];
    spans.push({
      traceID: TRACE, spanID: (k + 1).toString(16).padStart(16, '0'), flags: 1,
      operationName: `GET /api/items/${k % 50}`, references: parent,
      startTime: 1_700_000_000_000_000 + k * 10, duration: 1000 + (k % 997), tags,
      logs: [{ timestamp: 1_700_000_000_000_005 + k * 10, fields: [{ key: 'event', type: 'string', value: 'cache miss' }] }],
      processID: `p${(k % 4) + 1}`, warnings: null,
    });
  }
  const processes = Object.fromEntries([1, 2, 3, 4].map((p) => [`p${p}`, { serviceName: `service-${p}`, tags: [] }]));
  return JSON.stringify({ data: [{ traceID: TRACE, spans, processes, warnings: null }], total: 0, limit: 0, offset: 0, errors: null });
}

const SPANS = 60_000;
let browser;
let path;
before(async () => {
  browser = await launch();
  path = join(tmpdir(), `viewer-parallel-${process.pid}.json`);
  writeFileSync(path, bigTrace(SPANS));
});
after(async () => {
  await browser?.close();
  rmSync(path, { force: true });
});

/** Opens the big file with `parsers` workers; what the page shows of it. */
async function openWith(parsers) {
  const page = await freshPage(browser);
  await page.addInitScript((n) => localStorage.setItem('trace-parsers', n), String(parsers));
  const viewer = new ViewerPage(page);
  await viewer.open();
  const wasmBytes = async () => Number(await page.getByTestId('viewer').getAttribute('data-wasm-bytes'));
  const emptyWasmBytes = await wasmBytes();
  assert.equal(await viewer.pick(path), 'idle');
  const shown = {
    header: await viewer.header(),
    parsedBy: await page.getByTestId('header-file').getAttribute('data-parsed-by'),
    wasmGrowth: (await wasmBytes()) - emptyWasmBytes,
    searches: {},
  };
  // Spans all over the file: every 7th, and one near its end (parsed by the helper).
  const count = () => page.getByTestId('match-count').textContent();
  for (const q of ['component=grpc', `item=${SPANS - 5}`, 'service=service-3']) {
    // An empty search has no count: the next count is this search's.
    await page.getByTestId('search').fill('');
    await page.waitForFunction(() => document.querySelector('[data-testid=match-count]')?.textContent === '');
    await page.getByTestId('search').fill(q);
    await page.waitForFunction(() => /match/.test(document.querySelector('[data-testid=match-count]')?.textContent ?? ''));
    shown.searches[q] = await count();
  }
  await page.context().close();
  return shown;
}

test('a big trace parsed by two workers shows what one worker shows', async () => {
  const one = await openWith(1);
  const two = await openWith(2);
  assert.equal(one.parsedBy, '1');
  assert.equal(two.parsedBy, '2', 'the helper worker parsed part of the file');
  assert.equal(two.header.spans, SPANS);
  assert.equal(two.header.services, 4);
  assert.deepEqual(two.header, one.header);
  assert.deepEqual(two.searches, one.searches);
  assert.equal(two.searches['component=grpc'], `${Math.ceil(SPANS / 7)} matches`);
  assert.equal(two.searches[`item=${SPANS - 5}`], '1 match');
  // The page's memory figure counts the trace it holds: it grew by at least its drawing
  // columns (start, duration, self time: 24 bytes a span).
  assert.ok(two.wasmGrowth >= SPANS * 24, `page wasm memory grew ${two.wasmGrowth} bytes`);
});
