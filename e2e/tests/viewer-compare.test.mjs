// The compare tab: the same trace from two files, one span slower and one more span in B. The
// view opens on the first two traces, the summary counts them, a regression leads to the row,
// and the row shows its span's details on both sides.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, freshPage } from '../lib/browser.mjs';
import { ViewerPage, fixture } from '../lib/viewer.mjs';

const BEFORE = fixture('jaeger/ok/02_graph-testTrace.json');

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** The trace again, as a later run: span-3 (op3) 40 ms slower and one more call under the root. */
function afterFile() {
  const trace = JSON.parse(readFileSync(BEFORE, 'utf8'));
  const slower = trace.spans.find((s) => s.spanID === 'span-3');
  slower.duration += 40_000;
  const root = trace.spans.find((s) => s.spanID === 'span-1');
  trace.spans.push({ ...root, spanID: 'span-new', operationName: 'op-new', duration: 1_000,
    startTime: root.startTime + 1_000, references: [{ refType: 'CHILD_OF', traceID: root.traceID, spanID: 'span-1' }],
    tags: [], logs: [] });
  const path = join(tmpdir(), `compare-after-${process.pid}.json`);
  writeFileSync(path, JSON.stringify(trace));
  return path;
}

test('the same trace from two files: counts, the slowest change, both sides of a row', async () => {
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  await viewer.drop([BEFORE, afterFile()]);
  await page.getByTestId('trace-row').first().locator('button').click();
  assert.equal(await viewer.settled(), 'idle');
  await page.keyboard.press('7');
  await page.locator('[data-view=compare][data-ready]').waitFor();
  assert.match(page.url(), /[#&]view=compare/);
  const summary = page.getByTestId('compare-summary');
  const spans = JSON.parse(readFileSync(BEFORE, 'utf8')).spans.length;
  assert.equal(Number(await summary.getAttribute('data-matched')), spans);
  assert.equal(Number(await summary.getAttribute('data-added')), 1);
  assert.equal(Number(await summary.getAttribute('data-removed')), 0);
  assert.match(await summary.textContent(), /1 only in B \(added\)/);
  // The largest slow-down is op3 (+40 ms), and the root around it.
  const regressions = page.getByTestId('compare-regression');
  assert.match(await regressions.allTextContents().then((t) => t.join(' | ')), /op3 \(service1\) \+40(\.0)? ms/);
  await regressions.filter({ hasText: 'op3' }).first().click();
  const a = page.getByTestId('compare-details-a');
  const b = page.getByTestId('compare-details-b');
  await page.locator('[data-testid=compare-details-a][data-span-id]').waitFor();
  await page.locator('[data-testid=compare-details-b][data-span-id]').waitFor();
  assert.equal(await a.getAttribute('data-span-id'), 'span-3');
  assert.equal(await b.getAttribute('data-span-id'), 'span-3');
  assert.match(await b.textContent(), /106 ms/);
  // The added span reads as added.
  assert.equal(await page.locator('[data-testid=compare-row].cmp-added').count(), 1);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('with one trace the tab says what it needs', async () => {
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  await viewer.pick(BEFORE);
  await page.keyboard.press('7');
  await page.getByTestId('compare-needs-two').waitFor();
  await page.context().close();
});
