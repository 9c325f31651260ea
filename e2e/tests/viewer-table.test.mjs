// The span table tab: reached by its key and by a link (view=table), sorted by the worker,
// kept to the search's matches, a row selects the span for every view, and the CSV download
// holds the rows the table holds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE_URL, launch, freshPage } from '../lib/browser.mjs';
import { ViewerPage, cliSummary, fixture } from '../lib/viewer.mjs';

const FILE = fixture('zipkin/ok/08_smartthings-oauth-authorization.json');

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function openTable() {
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  await viewer.pick(FILE);
  await page.keyboard.press('4');
  await page.locator('[data-view=table][data-ready] [data-testid=span-table][data-ready]').waitFor();
  return { page, viewer };
}

const tableRows = (page) => page.getByTestId('table-row');
const shownRowCount = async (page) => Number(await page.getByTestId('table-count').getAttribute('data-rows'));

/** A duration cell's text ("1.25 ms", "830 µs", "2 s") in nanoseconds. */
function ns(text) {
  const m = text.trim().match(/^([\d.]+)\s*(ns|µs|ms|s|min|h)$/);
  assert.ok(m, `a duration: ${text}`);
  const unit = { ns: 1, 'µs': 1e3, ms: 1e6, s: 1e9, min: 60e9, h: 3600e9 }[m[2]];
  return Number(m[1]) * unit;
}

test('the table lists every span, sorts by a column and keeps to the search', async () => {
  const cli = cliSummary(FILE).traces[0];
  const { page } = await openTable();
  assert.equal(await shownRowCount(page), cli.spans);
  assert.ok(await tableRows(page).count() < cli.spans, 'only the rows in view are rendered');

  await page.getByTestId('table-sort-duration').click();
  await page.locator('[role=columnheader][aria-sort=descending] [data-testid=table-sort-duration]').waitFor();
  await page.waitForFunction(() => {
    const cells = [...document.querySelectorAll('[data-testid=table-row] .st-duration')];
    return cells.length > 3 && cells[0].closest('[aria-rowindex]').getAttribute('aria-rowindex') === '2';
  });
  const durations = await page.$$eval('[data-testid=table-row]', (rows) => rows
    .sort((a, b) => Number(a.getAttribute('aria-rowindex')) - Number(b.getAttribute('aria-rowindex')))
    .map((r) => r.querySelector('.st-duration').textContent));
  const values = durations.map(ns);
  for (let i = 1; i < values.length; i++) assert.ok(values[i - 1] >= values[i], `${durations[i - 1]} before ${durations[i]}`);
  // The file's longest span (Zipkin durations are in µs), as the cell rounds it.
  const longest = Math.max(...JSON.parse(readFileSync(FILE, 'utf8')).map((s) => s.duration ?? 0)) * 1000;
  assert.ok(Math.abs(values[0] - longest) / longest < 0.005, `the longest span first: ${durations[0]}`);

  await page.getByTestId('search').fill('status=error');
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=table-count]').dataset.rows) === n, cli.errors);
  assert.match(await page.getByTestId('table-count').textContent(), new RegExp(`${cli.errors.toLocaleString('en-US')} of ${cli.spans.toLocaleString('en-US')} spans`));
  assert.equal(await page.locator('[data-testid=table-row]:not(.failed)').count(), 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a row selects its span for every view, and a double-click shows it on the timeline', async () => {
  const { page } = await openTable();
  const row = tableRows(page).nth(2);
  const span = await row.getAttribute('data-span');
  await row.click();
  await page.locator(`[data-testid=table-row][data-span="${span}"][aria-selected=true]`).waitFor();
  await row.dblclick();
  await page.locator('[data-view=timeline]').waitFor();
  await page.getByTestId('span-id').waitFor();
  assert.match(page.url(), /[#&]span=/, 'the selection is in the address');
  await page.keyboard.press('4');
  await page.locator(`[data-testid=table-row][data-span="${span}"][aria-selected=true]`).waitFor();
  await page.context().close();
});

test('a link can open on the table, and the CSV holds the rows the table holds', async () => {
  const cli = cliSummary(FILE).traces[0];
  const { page } = await openTable();
  assert.match(page.url(), /[#&]view=table/);
  // The same view in a fresh page, from the address.
  const link = page.url();
  const page2 = await freshPage(browser);
  const viewer2 = new ViewerPage(page2);
  await viewer2.open();
  await page2.goto(link);
  await viewer2.pick(FILE);
  await page2.locator('[data-view=table] [data-testid=span-table][data-ready]').waitFor();
  await page2.context().close();

  const download = async () => {
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('table-csv').click()]);
    assert.match(file.suggestedFilename(), /-spans\.csv$/);
    const path = join(tmpdir(), `table-${process.pid}-${Date.now()}.csv`);
    await file.saveAs(path);
    return readFileSync(path, 'utf8').trim().split('\n');
  };
  const all = await download();
  assert.equal(all[0], 'span_id,parent_span_id,service,operation,start_offset_ns,duration_ns,self_time_ns,status,kind');
  assert.equal(all.length, cli.spans + 1);
  await page.getByTestId('search').fill('status=error');
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=table-count]').dataset.rows) === n, cli.errors);
  const failed = await download();
  assert.equal(failed.length, cli.errors + 1);
  await page.context().close();
});

test('the tab is listed with its key under ?', async () => {
  const { page } = await openTable();
  await page.keyboard.press('?');
  assert.match(await page.getByRole('dialog').textContent(), /show the span table/);
  await page.context().close();
});

test('an attribute column shows each row\'s value, sorts, and goes into the CSV', async () => {
  const { page } = await openTable();
  const select = page.getByTestId('table-add-column');
  await select.focus();
  await page.waitForFunction(() => document.querySelector('[data-testid=table-add-column]').options.length > 1);
  const key = await select.evaluate((s) => s.options[1].value);
  await select.selectOption(key);
  assert.equal(await page.getByTestId('table-attr-header').textContent(), `${key}×`);
  // The spans in view that carry the key show its value (the most used key: some do).
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=table-attr-cell]')].some((c) => c.textContent.trim() !== ''));
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('table-csv').click()]);
  const path = join(tmpdir(), `table-attr-${process.pid}.csv`);
  await file.saveAs(path);
  assert.ok(readFileSync(path, 'utf8').split('\n')[0].endsWith(`,${key}`), 'the column is in the header');
  // Sorting by the attribute puts the spans that carry it first, in the order of its values.
  await page.getByTestId('table-sort-attr').click();
  const table = page.getByTestId('span-table');
  await page.waitForFunction((k) => document.querySelector('[data-testid=span-table]').dataset.order === `attr:${k}`, key);
  assert.equal(await page.getByTestId('table-attr-header').getAttribute('aria-sort'), 'ascending');
  await page.waitForFunction(() => document.querySelector('[data-testid=table-attr-cell]')?.textContent.trim() !== '');
  const cells = (await page.getByTestId('table-attr-cell').allTextContents()).map((c) => c.trim()).filter((c) => c !== '');
  // Numbers compare as numbers when all of the trace's values are numbers, else as text.
  const asText = cells.every((c, i) => i === 0 || cells[i - 1] <= c);
  const asNumbers = cells.every((c, i) => i === 0 || Number(cells[i - 1]) <= Number(c));
  const inOrder = asText || asNumbers;
  assert.ok(inOrder, `the rows in view are in the attribute's order: ${cells.slice(0, 12)}`);
  await page.getByRole('button', { name: `Remove the column ${key}` }).click();
  assert.equal(await page.getByTestId('table-attr-header').count(), 0);
  await page.waitForFunction(() => document.querySelector('[data-testid=span-table]').dataset.order === 'start');
  assert.equal(await table.getAttribute('data-order'), 'start', 'removing the sorted column goes back to the start order');
  await page.context().close();
});
