// The flame graph tab on a real trace: merged frames with a tooltip, a clicked frame listing
// its spans (links to the timeline), zoom and pan by keyboard and wheel, search lighting up
// frames, the time-order mode, and a link that opens on it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, freshPage } from '../lib/browser.mjs';
import { fileURLToPath } from 'node:url';
import { ViewerPage, cliSummary } from '../lib/viewer.mjs';

const SAMPLE = fileURLToPath(new URL('../../public/samples/shop-checkout.json', import.meta.url));

const ROW_H = 18;

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function openFlame() {
  const page = await freshPage(browser);
  await page.goto(`${BASE_URL}/viewer#sample=shop-checkout.json`);
  const viewer = new ViewerPage(page);
  assert.equal(await viewer.settled(), 'idle');
  await page.keyboard.press('5');
  await page.locator('[data-view=flame][data-ready]').waitFor();
  return { page, viewer, canvas: page.getByTestId('flame-canvas') };
}

const windowOf = async (page) => (await page.locator('.flame').getAttribute('data-window')).split('-').map(Number);
const attr = async (canvas, name) => Number(await canvas.getAttribute(name));

test('merged frames show their numbers on hover, and a clicked frame lists its spans', async () => {
  const { page, canvas } = await openFlame();
  assert.ok(await attr(canvas, 'data-boxes') > 5);
  assert.match(page.url(), /[#&]view=flame/);
  const root = cliSummary(SAMPLE).traces[0].root;
  // The root frame spans the whole width of the top row.
  await canvas.hover({ position: { x: 40, y: ROW_H / 2 } });
  const tip = page.getByTestId('flame-tooltip');
  await tip.waitFor();
  assert.equal(await tip.locator('strong').textContent(), root);
  assert.match(await tip.textContent(), /total .* self .*1 span/);
  // Depth 5 at the left edge: the widest frame of its level, folded from several spans.
  await canvas.click({ position: { x: 20, y: 5 * ROW_H + ROW_H / 2 } });
  const chosen = page.getByTestId('flame-chosen');
  await chosen.waitFor();
  const spans = Number(await chosen.getAttribute('data-spans'));
  assert.ok(spans > 1, `a folded frame: ${spans} spans`);
  assert.equal(await page.getByTestId('flame-span').count(), Math.min(spans, 50));
  await page.getByTestId('flame-span').first().click();
  await page.locator('[data-view=timeline]').waitFor();
  await page.getByTestId('span-id').waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('keys, the wheel and a double-click zoom and pan; 0 shows the whole graph', async () => {
  const { page, canvas } = await openFlame();
  assert.deepEqual(await windowOf(page), [0, 1]);
  await page.keyboard.press('w');
  const [a, b] = await windowOf(page);
  assert.ok(b - a < 0.7 && a > 0, `zoomed in around the middle: ${a}-${b}`);
  await page.keyboard.press('d');
  const [c] = await windowOf(page);
  assert.ok(c > a, 'panned right');
  await page.keyboard.press('0');
  assert.deepEqual(await windowOf(page), [0, 1]);
  await canvas.hover({ position: { x: 100, y: ROW_H / 2 } });
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -100);
  await page.keyboard.up('Control');
  await page.waitForFunction(() => document.querySelector('.flame').dataset.window !== '0.000000000-1.000000000');
  const [d, e] = await windowOf(page);
  assert.ok(e - d < 1 && d < 0.1, `zoomed in at the pointer, near the left: ${d}-${e}`);
  await page.keyboard.press('0');
  await canvas.dblclick({ position: { x: 20, y: 5 * ROW_H + ROW_H / 2 } });
  const [f, g] = await windowOf(page);
  assert.ok(g - f < 0.9, `zoomed to the frame: ${f}-${g}`);
  assert.ok(Number(await canvas.getAttribute('data-draw-ms')) >= 0);
  await page.context().close();
});

test('a search lights up the frames of the spans it matches', async () => {
  const { page, canvas } = await openFlame();
  assert.equal(await attr(canvas, 'data-lit'), 0);
  await page.getByTestId('search').fill('service=payment');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=flame-canvas]').dataset.lit) > 0);
  assert.ok(await attr(canvas, 'data-lit') < await attr(canvas, 'data-boxes'), 'only some frames');
  await page.context().close();
});

test('time order draws every span at its time; clicking one selects it', async () => {
  const { page, canvas } = await openFlame();
  await page.getByTestId('flame-mode-time').click();
  await page.locator('.flame[data-mode=time]').waitFor();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=flame-canvas]').dataset.boxes) > 10);
  await canvas.click({ position: { x: 30, y: ROW_H / 2 } });
  await page.waitForFunction(() => /[#&]span=/.test(location.hash));
  await page.keyboard.press('1');
  await page.getByTestId('span-id').waitFor();
  await page.context().close();
});
