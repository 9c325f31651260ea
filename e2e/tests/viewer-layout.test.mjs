// The viewer as a person meets it (issue 13), at a desktop and a phone size: the selected row
// stays in sight, canvases match their boxes, the rows start high up, the data-quality tab
// stays responsive, services get distinct colours, Back returns to the trace list, and the
// search box explains itself.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, freshPage, BASE_URL } from '../lib/browser.mjs';
import { ViewerPage, fixture } from '../lib/viewer.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const SIZES = {
  desktop: { width: 1440, height: 900 },
  phone: { width: 390, height: 844 },
};

/** Opens the shop sample (about 3,800 spans, 12 services) at `size`. */
async function openShop(size, options = {}) {
  const page = await freshPage(browser, { viewport: size, ...options });
  await page.goto(`${BASE_URL}/viewer#sample=shop-checkout.json`);
  await page.waitForSelector('[data-testid=viewer][data-app-state=idle] [data-testid=span-row]');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=timeline-canvas]')?.dataset.bars) > 0);
  return { page, viewer: new ViewerPage(page) };
}

/** The selected row's box, and whether it lies inside both the window and the rows' box. */
async function selectedRowInSight(page) {
  await page.waitForSelector('[data-testid=span-row].selected');
  // Scrolling is applied in the next frame.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return page.evaluate(() => {
    const row = document.querySelector('[data-testid=span-row].selected').getBoundingClientRect();
    const box = document.querySelector('[data-testid=timeline-rows]').getBoundingClientRect();
    const inWindow = row.top >= 0 && row.bottom <= window.innerHeight;
    const inBox = row.top >= box.top - 0.5 && row.bottom <= box.bottom + 0.5;
    return { top: row.top, bottom: row.bottom, boxTop: box.top, boxBottom: box.bottom, inWindow, inBox };
  });
}

/** Canvas backing store against its CSS box, for every timeline canvas. */
async function canvasSizes(page) {
  return page.evaluate(() => [...document.querySelectorAll('[data-testid=timeline-canvas], [data-testid=ruler], [data-testid=minimap]')]
    .map((c) => {
      const r = c.getBoundingClientRect();
      return { id: c.dataset.testid, width: c.width, height: c.height, cssW: r.width, cssH: r.height, dpr: devicePixelRatio };
    }));
}

function assertCanvasesMatchBoxes(sizes, when) {
  assert.equal(sizes.length, 3, when);
  for (const s of sizes) {
    assert.ok(Math.abs(s.height - Math.round(s.cssH * s.dpr)) <= 1, `${when}: ${s.id} drawn ${s.height} px high for ${s.cssH} × ${s.dpr}`);
    assert.ok(Math.abs(s.width - Math.round(s.cssW * s.dpr)) <= 1, `${when}: ${s.id} drawn ${s.width} px wide for ${s.cssW} × ${s.dpr}`);
  }
}

/**
 * For each label row in view, whether the bar canvas has a pixel of the row's own service
 * colour on the row's centre line. Bars drawn at a stale height drift off their rows.
 */
async function barsOnTheirRows(page) {
  return page.evaluate(() => {
    const canvas = document.querySelector('[data-testid=timeline-canvas]');
    const ctx = canvas.getContext('2d');
    const c = canvas.getBoundingClientRect();
    const dpr = canvas.height / c.height;
    const out = [];
    for (const row of document.querySelectorAll('[data-testid=span-row]')) {
      const r = row.getBoundingClientRect();
      const y = (r.top + r.height / 2 - c.top) * dpr;
      if (r.top < c.top || r.bottom > c.bottom) continue;
      const [sr, sg, sb] = getComputedStyle(row.querySelector('.swatch')).backgroundColor.match(/\d+/g).map(Number);
      const line = ctx.getImageData(0, Math.round(y), canvas.width, 1).data;
      let found = false;
      for (let x = 0; x < line.length; x += 4) {
        if (Math.abs(line[x] - sr) < 3 && Math.abs(line[x + 1] - sg) < 3 && Math.abs(line[x + 2] - sb) < 3 && line[x + 3] > 250) { found = true; break; }
      }
      out.push({ span: row.dataset.span, found });
    }
    return out;
  });
}

for (const [name, size] of Object.entries(SIZES)) {
  test(`${name}: canvases match their boxes and bars sit on their rows, after load and after a resize`, async () => {
    const { page } = await openShop(size, { deviceScaleFactor: 2 });
    assertCanvasesMatchBoxes(await canvasSizes(page), 'after load');
    let rows = await barsOnTheirRows(page);
    assert.ok(rows.length >= 10, `${rows.length} rows in view`);
    assert.deepEqual(rows.filter((r) => !r.found), [], 'after load');
    await page.setViewportSize({ width: size.width + 480, height: size.height + 180 });
    await page.waitForFunction(() => {
      const c = document.querySelector('[data-testid=timeline-canvas]');
      return Math.abs(c.height - Math.round(c.getBoundingClientRect().height * devicePixelRatio)) <= 1;
    });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    assertCanvasesMatchBoxes(await canvasSizes(page), 'after a resize');
    rows = await barsOnTheirRows(page);
    assert.deepEqual(rows.filter((r) => !r.found), [], 'after a resize');
    await page.context().close();
  });

  test(`${name}: the selected row stays in sight after search and keyboard navigation`, async () => {
    const { page } = await openShop(size);
    // A match far down the trace: Enter selects it and brings it into view, centred.
    await page.getByTestId('search').fill('service=inventory');
    await page.getByTestId('match-count').filter({ hasText: /match/ }).waitFor();
    await page.getByTestId('search').press('Enter');
    let seen = await selectedRowInSight(page);
    assert.ok(seen.inWindow && seen.inBox, `after search: ${JSON.stringify(seen)}`);
    // Centred, unless the list could not scroll that far.
    const atEnd = await page.getByTestId('timeline-rows').evaluate((el) => el.scrollTop >= el.scrollHeight - el.clientHeight - 1);
    const centre = (seen.top + seen.bottom) / 2;
    const boxCentre = (seen.boxTop + seen.boxBottom) / 2;
    assert.ok(atEnd || Math.abs(centre - boxCentre) < 40, `centred: row at ${centre}, box centre ${boxCentre}`);
    await page.getByTestId('search').press('Escape');
    await page.getByTestId('search').press('Escape');
    await page.locator('body').click({ position: { x: 2, y: 2 } });
    for (const key of ['ArrowDown', 'PageDown', 'PageDown', 'End', 'PageUp', 'Home']) {
      await page.keyboard.press(key);
      seen = await selectedRowInSight(page);
      assert.ok(seen.inWindow && seen.inBox, `after ${key}: ${JSON.stringify(seen)}`);
    }
    // Home selected the first row, End the last.
    assert.equal(await page.locator('[data-testid=span-row].selected').evaluate((e) => e.style.top), '0px');
    await page.context().close();
  });
}

test('desktop: the rows start within the top 300 px and the page itself does not scroll', async () => {
  const { page } = await openShop(SIZES.desktop);
  const layout = await page.evaluate(() => ({
    firstRow: document.querySelector('[data-testid=span-row]').getBoundingClientRect().top,
    pageScrolls: document.scrollingElement.scrollHeight > window.innerHeight + 1,
    rowsBottom: document.querySelector('[data-testid=timeline-rows]').getBoundingClientRect().bottom,
  }));
  assert.ok(layout.firstRow <= 300, `first row at ${layout.firstRow}`);
  assert.equal(layout.pageScrolls, false);
  assert.ok(layout.rowsBottom <= 900, `rows end at ${layout.rowsBottom}`);
  // The details pane resizes with its divider and hides.
  const before = await page.getByTestId('details').boundingBox();
  const divider = await page.getByTestId('details-splitter').boundingBox();
  await page.mouse.move(divider.x + divider.width / 2, divider.y + 40);
  await page.mouse.down();
  await page.mouse.move(divider.x - 120, divider.y + 40, { steps: 4 });
  await page.mouse.up();
  const wider = await page.getByTestId('details').boundingBox();
  assert.ok(wider.width > before.width + 100, `${before.width} → ${wider.width}`);
  await page.getByTestId('details-hide').click();
  await page.getByTestId('details-show').waitFor();
  assert.equal(await page.getByTestId('details').count(), 0);
  // The name column resizes too, and bars follow it.
  const label = await page.getByTestId('label-splitter').boundingBox();
  await page.mouse.move(label.x + label.width / 2, label.y + 5);
  await page.mouse.down();
  await page.mouse.move(label.x + 150, label.y + 5, { steps: 4 });
  await page.mouse.up();
  const [row, bars] = await Promise.all([
    page.getByTestId('span-row').first().boundingBox(),
    page.getByTestId('timeline-canvas').boundingBox(),
  ]);
  assert.ok(Math.abs(row.x + row.width - bars.x) <= 1, `labels end at ${row.x + row.width}, bars start at ${bars.x}`);
  await page.context().close();
});

test('phone: the timeline comes first, details open in a sheet, the header stays on one line', async () => {
  const { page } = await openShop(SIZES.phone);
  const top = await page.evaluate(() => ({
    firstRow: document.querySelector('[data-testid=span-row]').getBoundingClientRect().top,
    brand: document.querySelector('.brand').getBoundingClientRect().top,
    toggle: document.querySelector('[data-testid=theme-toggle]').getBoundingClientRect(),
  }));
  assert.ok(top.firstRow < 844 / 2, `first row at ${top.firstRow}`);
  assert.ok(Math.abs(top.toggle.top - top.brand) < 20, 'theme toggle beside the brand, not below');
  assert.equal(await page.getByTestId('details').isVisible(), false, 'no details before a span is chosen');
  await page.getByTestId('span-row').nth(2).click();
  await page.getByTestId('details-name').waitFor();
  const sheet = await page.getByTestId('details').boundingBox();
  assert.ok(sheet.y > 844 * 0.3 && sheet.y + sheet.height <= 845, `sheet at ${sheet.y}..${sheet.y + sheet.height}`);
  await page.getByTestId('details-close').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid=span-row].selected'));
  assert.equal(await page.getByTestId('details').isVisible(), false);
  await page.context().close();
});

test('services of the shop sample get pairwise-distinct colours', async () => {
  const { page } = await openShop(SIZES.desktop);
  const colours = await page.getByTestId('legend-item').evaluateAll((els) => els.map((e) => e.dataset.color));
  assert.equal(colours.length, 12);
  assert.equal(new Set(colours).size, colours.length, colours.join(' '));
  // A row's swatch has its service's legend colour.
  const legend = await page.getByTestId('legend-item').evaluateAll((els) => Object.fromEntries(els.map((e) => [e.textContent.trim(), e.dataset.color])));
  const row = page.getByTestId('span-row').first();
  const service = (await row.locator('.tl-service').textContent()).trim();
  const swatch = await row.locator('.swatch').evaluate((e) => e.style.background.replace(/\s/g, ''));
  assert.equal(swatch, legend[service].replace(/\s/g, ''));
  await page.context().close();
});

test('the heading names the trace and so does the page title; rows expose their depth', async () => {
  const { page } = await openShop(SIZES.desktop);
  const root = await page.getByTestId('trace-root').textContent();
  assert.match(root, /^frontend: /);
  assert.match(await page.title(), new RegExp(`^frontend: .+ \\([0-9a-f]{7}\\) · Trace viewer$`));
  assert.match(await page.getByTestId('header-summary').textContent(), /depth \d+/);
  const levels = await page.getByTestId('span-row').evaluateAll((els) => els.slice(0, 4).map((e) => e.getAttribute('aria-level')));
  assert.deepEqual(levels.map(Number).slice(0, 2), [1, 2]);
  assert.equal(await page.locator('[attr\\:aria-level]').count(), 0);
  await page.context().close();
});

test('Back returns to the trace list and Forward to the trace', async () => {
  const page = await freshPage(browser, { viewport: SIZES.desktop });
  const viewer = new ViewerPage(page);
  await viewer.open();
  await viewer.pick(fixture('zipkin/ok/12_list-of-traces.json'));
  const rows = page.getByTestId('trace-row');
  assert.ok(await rows.count() > 1);
  await rows.nth(1).locator('button').click();
  await viewer.settled();
  await page.getByTestId('span-row').first().waitFor();
  const chosen = await page.getByTestId('header-summary').textContent();
  // The picker marks the open trace.
  assert.equal(await page.locator('[data-testid=trace-row][aria-current=true]').count(), 1);
  await page.goBack();
  await page.getByTestId('trace-list').waitFor();
  assert.equal(await page.getByTestId('span-row').count(), 0);
  assert.ok(page.url().startsWith(`${BASE_URL}/viewer`), page.url());
  await page.goForward();
  await page.getByTestId('span-row').first().waitFor();
  assert.equal(await page.getByTestId('header-summary').textContent(), chosen);
  await page.context().close();
});

test('search: Escape clears the filter, OR works, bad syntax says where, examples find spans, suggestions complete', async () => {
  const { page } = await openShop(SIZES.desktop);
  const search = page.getByTestId('search');
  const total = await page.getByTestId('span-row').count();
  // The placeholder's example names this trace's own root service.
  assert.match(await search.getAttribute('placeholder'), /service=frontend/);
  await search.fill('service=cart OR service=inventory');
  await page.getByTestId('match-count').filter({ hasText: /\d+ match/ }).waitFor();
  await page.getByTestId('only-matches').check();
  const services = await page.locator('[data-testid=span-row] .tl-service').allTextContents();
  assert.ok(services.some((s) => s === 'cart') && services.some((s) => s === 'inventory'), services.join());
  await page.getByTestId('only-matches').uncheck();
  await search.fill('((');
  await page.getByTestId('search-error').filter({ hasText: /column 1/ }).waitFor();
  assert.equal(await search.getAttribute('aria-invalid'), 'true');
  await search.fill('service=cart');
  await page.getByTestId('match-count').filter({ hasText: /match/ }).waitFor();
  await search.press('Escape');
  await page.waitForFunction(() => document.querySelector('[data-testid=search]').value === '');
  await page.waitForFunction(() => !document.querySelector('[data-testid=span-row].matched'));
  assert.equal(await page.getByTestId('match-count').textContent(), '');
  assert.equal(await page.getByTestId('span-row').count(), total);
  // Every example in the syntax help finds spans of this trace.
  await page.getByTestId('search-help-toggle').click();
  const examples = await page.getByTestId('search-example').allTextContents();
  assert.ok(examples.length >= 4, examples.join());
  for (const example of examples) {
    if (!(await page.getByTestId('search-help').isVisible())) await page.getByTestId('search-help-toggle').click();
    await page.getByTestId('search-example').filter({ hasText: example }).first().click();
    await page.getByTestId('match-count').filter({ hasText: /\d+ match/ }).waitFor();
    const n = Number((await page.getByTestId('match-count').textContent()).match(/\d+/)[0]);
    assert.ok(n > 0, `${example}: ${n}`);
  }
  // Suggestions: a word completes to a service of this trace; Tab accepts it.
  await search.fill('');
  await search.pressSequentially('service=paym');
  await page.getByTestId('search-suggestion').first().waitFor();
  await search.press('ArrowDown');
  await search.press('Tab');
  assert.equal(await search.inputValue(), 'service=payment');
  await page.context().close();
});

/** A Jaeger file whose spans all name parents that are not in it: one warning per span. */
function orphanFile(count) {
  const traceID = '0123456789abcdef0123456789abcdef';
  const hex = (n) => n.toString(16).padStart(16, '0');
  const spans = [];
  for (let i = 1; i <= count; i++) {
    spans.push({
      traceID, spanID: hex(i), operationName: `op-${i % 50}`,
      references: [{ refType: 'CHILD_OF', traceID, spanID: hex(count + i) }],
      startTime: 1_700_000_000_000_000 + i, duration: 100 + (i % 90), processID: 'p1', tags: [], logs: [],
    });
  }
  return JSON.stringify({ data: [{ traceID, spans, processes: { p1: { serviceName: 'svc', tags: [] } } }] });
}

/** Starts recording long tasks on the page (fresh list). */
async function watchLongTasks(page) {
  await page.evaluate(() => {
    window.__longTasks = [];
    if (!window.__longTaskObserver) {
      window.__longTaskObserver = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longTasks.push(e.duration);
      });
      window.__longTaskObserver.observe({ type: 'longtask', buffered: false });
    }
  });
}

async function worstLongTask(page) {
  return page.evaluate(() => Math.max(0, ...window.__longTasks));
}

/**
 * The worst long task of `interaction`, the best of up to three tries: a machine busy with
 * something else can stretch one task past the goal, a regression (rendering every row)
 * stretches all three.
 */
async function bestWorstLongTask(page, interaction) {
  let best = Infinity;
  for (let attempt = 0; attempt < 3 && best > 50; attempt++) {
    await watchLongTasks(page);
    await interaction(attempt);
    best = Math.min(best, await worstLongTask(page));
  }
  return best;
}

test('the data-quality tab of a trace with 100,000 warnings opens without a long task over 50 ms', async () => {
  const path = join(tmpdir(), `viewer-orphans-${process.pid}.json`);
  writeFileSync(path, orphanFile(100_000));
  const page = await freshPage(browser, { viewport: SIZES.desktop });
  const viewer = new ViewerPage(page);
  await viewer.open();
  assert.equal(await viewer.pick(path), 'idle');
  const group = page.locator('[data-testid=warning-group][data-kind=orphan]');
  const worst = await bestWorstLongTask(page, async () => {
    await page.getByTestId('tab-timeline').click();
    await page.getByTestId('timeline').waitFor();
    await page.getByTestId('tab-quality').click();
    await group.waitFor();
    // Opening the group lists its first examples, a screenful at a time.
    await group.locator('.warning-group-head').click();
    await group.getByTestId('warning-list').waitFor();
    await group.getByTestId('warning-list').evaluate((el) => { el.scrollTop = el.scrollHeight; });
    await page.waitForTimeout(200);
  });
  assert.equal(Number(await group.getAttribute('data-total')), 100_000);
  const rendered = await group.locator('.virtual-row').count();
  assert.ok(rendered > 0 && rendered < 100, `${rendered} rows rendered`);
  console.log(`data quality, 100,000 warnings: worst long task ${worst.toFixed(0)} ms`);
  assert.ok(worst <= 50, `worst long task ${worst} ms`);
  await page.context().close();
});

/** A small Jaeger trace with a dotted key, a JSON value, an event and a failed grandchild. */
function detailFile() {
  const traceID = 'fedcba9876543210fedcba9876543210';
  const span = (id, parent, name, extra = {}) => ({
    traceID, spanID: id, operationName: name,
    references: parent ? [{ refType: 'CHILD_OF', traceID, spanID: parent }] : [],
    startTime: 1_700_000_000_000_000, duration: 10_000, processID: 'p1', tags: [], logs: [], ...extra,
  });
  const spans = [
    span('0000000000000001', null, 'root', {
      tags: [
        { key: 'rpc.grpc.status_code', type: 'int64', value: 0 },
        { key: 'request.body', type: 'string', value: '{"user":{"id":7,"roles":["a","b"]}}' },
      ],
      logs: [{ timestamp: 1_700_000_000_004_000, fields: [{ key: 'event', type: 'string', value: 'retry' }] }],
    }),
    span('0000000000000002', '0000000000000001', 'child'),
    span('0000000000000003', '0000000000000002', 'failing', { tags: [{ key: 'error', type: 'bool', value: true }] }),
  ];
  return JSON.stringify({ data: [{ traceID, spans, processes: { p1: { serviceName: 'svc', tags: [] } } }] });
}

test('details: keys break at dots, JSON is indented, values copy, events mark the bar; collapsed rows show hidden errors', async () => {
  const page = await freshPage(browser, { viewport: SIZES.desktop });
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE_URL });
  const viewer = new ViewerPage(page);
  await viewer.open();
  await viewer.pickBuffer('details.json', Buffer.from(detailFile()));
  await page.getByTestId('span-row').first().click();
  await page.getByTestId('details-name').waitFor();
  const key = page.getByTestId('attributes').locator('dt', { hasText: 'status_code' });
  assert.equal(await key.locator('wbr').count(), 3, 'a break after each dot');
  const json = await page.getByTestId('json-value').textContent();
  assert.match(json, /^\{\n {2}"user": \{\n {4}"id": 7,/);
  const copy = page.getByTestId('attributes').locator('.kv', { hasText: 'request.body' }).getByTestId('copy-value');
  await copy.click();
  await copy.filter({ hasText: 'Copied' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), '{"user":{"id":7,"roles":["a","b"]}}');
  await page.waitForFunction(() => document.querySelector('[data-testid=timeline-canvas]').dataset.eventMarks === '1');
  // Collapsed, the root says a failed span is inside it.
  await page.getByTestId('collapse-all').click();
  const hidden = page.getByTestId('hidden-errors');
  await hidden.waitFor();
  assert.equal(await hidden.textContent(), '1 inside');
  await page.getByTestId('expand-all').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid=hidden-errors]'));
  await page.context().close();
});

test('statistics rows show their spans; charts title their axes; the critical path explains itself', async () => {
  const { page } = await openShop(SIZES.desktop);
  await page.getByTestId('tab-stats').click();
  await page.getByTestId('stats').waitFor();
  assert.match(await page.getByTestId('chart-histogram').innerHTML(), /Span duration \(log scale\)/);
  await page.getByTestId('stats-services').getByTestId('stat-row').filter({ hasText: 'inventory' }).first().click();
  await page.getByTestId('timeline').waitFor();
  assert.equal(await page.getByTestId('search').inputValue(), 'service=inventory');
  await page.getByTestId('match-count').filter({ hasText: /\d+ match/ }).waitFor();
  await page.getByTestId('search').press('Escape');
  await page.getByTestId('critical-toggle').check();
  await page.getByTestId('critical-legend').waitFor();
  // The root is on the critical path: hovering its bar says so, and the tooltip stays inside.
  const canvas = await page.getByTestId('timeline-canvas').boundingBox();
  const root = await page.getByTestId('span-row').first().boundingBox();
  await page.mouse.move(canvas.x + canvas.width - 40, root.y + root.height / 2);
  const tip = page.getByTestId('tooltip');
  await tip.filter({ hasText: 'critical path' }).waitFor();
  const box = await tip.boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 1440 && box.y >= 0 && box.y + box.height <= 900, JSON.stringify(box));
  // The ruler's labels all fit.
  const ruler = page.getByTestId('ruler');
  const right = Number(await ruler.getAttribute('data-labels-right'));
  const width = (await ruler.boundingBox()).width;
  assert.ok(right > 0 && right <= width, `labels reach ${right} of ${width}`);
  await page.context().close();
});

test('a link to a view of someone else\'s file says so and offers to open the file', async () => {
  const page = await freshPage(browser, { viewport: SIZES.desktop });
  await page.goto(`${BASE_URL}/viewer#trace=4bf92f3577b34da6a3ce929d0e0e4736&span=00f067aa0ba902b7`);
  const notice = page.getByTestId('link-needs-file');
  await notice.waitFor();
  assert.match(await notice.textContent(), /4bf92f3/);
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    page.getByTestId('link-open-file').click(),
  ]);
  assert.ok(chooser.isMultiple());
  await page.context().close();
});

test('the shortcut help lists every key the viewer answers to', async () => {
  const { page } = await openShop(SIZES.desktop);
  await page.keyboard.press('?');
  const help = page.getByTestId('shortcuts');
  await help.waitFor();
  const text = await help.textContent();
  for (const label of ['PageDown', 'Home', 'End', 'A or [', 'D or ]', '+ or W', 'Esc']) {
    assert.ok(text.includes(label), `${label} in the help`);
  }
  await page.keyboard.press('Escape');
  // Panning moves the window: the ruler's first label changes.
  await page.keyboard.press('+');
  await page.keyboard.press('+');
  const before = await page.evaluate(() => location.hash);
  await page.keyboard.press('d');
  await page.waitForFunction((h) => location.hash !== h, before);
  await page.context().close();
});

test('phone: statistics tables scroll in their own box with the name column fixed', async () => {
  const { page } = await openShop(SIZES.phone);
  await page.getByTestId('tab-stats').click();
  const table = page.getByTestId('stats-operations');
  await table.waitFor();
  const wrap = table.locator('xpath=..');
  const pageWidth = await page.evaluate(() => document.scrollingElement.scrollWidth);
  assert.ok(pageWidth <= 391, `the page itself does not scroll sideways (${pageWidth})`);
  const before = await table.locator('tbody tr').first().locator('th').boundingBox();
  await wrap.evaluate((el) => { el.scrollLeft = 200; });
  assert.ok(await wrap.evaluate((el) => el.scrollLeft) > 0, 'the table scrolls');
  const after = await table.locator('tbody tr').first().locator('th').boundingBox();
  assert.equal(Math.round(after.x), Math.round(before.x), 'the name column stays');
  await page.context().close();
});

test('the footer lines up with the main column', async () => {
  const page = await freshPage(browser, { viewport: SIZES.desktop });
  await page.goto(`${BASE_URL}/`);
  await page.waitForSelector('main#main h1');
  const [mainText, footerText] = await page.evaluate(() => [
    document.querySelector('main#main h1').getBoundingClientRect().left,
    document.querySelector('.site-footer p').getBoundingClientRect().left,
  ]);
  assert.ok(Math.abs(mainText - footerText) <= 1, `main at ${mainText}, footer at ${footerText}`);
  await page.context().close();
});

/** A Zipkin v2 file of `count` one-span traces, trace i lasting 100 + i % 997 µs. */
function tinyTraces(count) {
  const spans = [];
  for (let i = 0; i < count; i++) {
    spans.push(`{"traceId":"${(i + 1).toString(16).padStart(32, '0')}","id":"${(i + 1).toString(16).padStart(16, '0')}","name":"op${i % 20}","timestamp":${1_700_000_000_000_000 + i},"duration":${100 + (i % 997)},"localEndpoint":{"serviceName":"svc${i % 5}"}}`);
  }
  return `[${spans.join(',')}]`;
}

test('a file of 100,000 traces lists them a screenful at a time; sorting and scrolling stay responsive', async () => {
  const path = join(tmpdir(), `viewer-tiny-${process.pid}.json`);
  writeFileSync(path, tinyTraces(100_000));
  const page = await freshPage(browser, { viewport: SIZES.desktop });
  const viewer = new ViewerPage(page);
  await viewer.open();
  assert.equal(await viewer.pick(path), 'idle');
  await page.getByTestId('trace-row').first().waitFor();
  assert.match(await page.locator('#trace-list-heading').textContent(), /^100,000 traces$/);
  const rendered = await page.getByTestId('trace-row').count();
  assert.ok(rendered > 5 && rendered < 100, `${rendered} rows rendered`);
  // Longest first: the first row lasts the longest (1,096 µs = 1.10 ms); then the end of the
  // list, when scrolled to. Each try goes back to the top in start order first.
  const worst = await bestWorstLongTask(page, async () => {
    const list = page.getByTestId('trace-list');
    await list.evaluate((el) => { el.scrollTop = 0; });
    const duration = page.locator('[role=columnheader]', { hasText: 'Duration' }).getByRole('button');
    while ((await page.locator('[role=columnheader]', { hasText: 'Duration' }).getAttribute('aria-sort')) !== 'descending') {
      await duration.click();
    }
    await page.waitForFunction(() => document.querySelector('[data-testid=trace-row] [role=cell]:nth-child(4)')?.textContent === '1.10 ms');
    await list.evaluate((el) => { el.scrollTop = el.scrollHeight; });
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=trace-row]')]
      .some((r) => r.getAttribute('aria-rowindex') === '100001'));
    await page.locator('[role=columnheader]', { hasText: 'Start' }).getByRole('button').click();
  });
  console.log(`trace list of 100,000: sort + scroll to the end: worst long task ${worst.toFixed(0)} ms`);
  assert.ok(worst <= 50, `worst long task ${worst} ms`);
  await page.getByTestId('trace-list').evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=trace-row]')]
    .some((r) => r.getAttribute('aria-rowindex') === '100001'));
  // A row opens its trace.
  await page.getByTestId('trace-row').last().locator('button').click();
  await viewer.settled();
  assert.equal((await viewer.header()).spans, 1);
  await page.context().close();
});
