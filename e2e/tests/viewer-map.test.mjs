// The service map tab on real traces: one box per service, placed apart, calls as edges with
// their numbers, messaging dashed, and a click on a service or a call searching for its spans.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { BASE_URL, launch, freshPage } from '../lib/browser.mjs';
import { ViewerPage, cliSummary, fixture } from '../lib/viewer.mjs';

const sample = (name) => fileURLToPath(new URL(`../../public/samples/${name}`, import.meta.url));

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function openMap(name) {
  const page = await freshPage(browser);
  await page.goto(`${BASE_URL}/viewer#sample=${name}`);
  const viewer = new ViewerPage(page);
  assert.equal(await viewer.settled(), 'idle');
  await page.keyboard.press('6');
  await page.locator('[data-view=map][data-ready] [data-testid=service-map]').waitFor();
  return page;
}

const matchCount = async (page) => {
  await page.waitForFunction(() => /^\d[\d,]* match(es)?$/.test(document.querySelector('[data-testid=match-count]')?.textContent.trim() ?? ''));
  return Number((await page.getByTestId('match-count').textContent()).replace(/[^\d]/g, ''));
};

test('every service is a box of its own, calls are edges, and there is a legend', async () => {
  const cli = cliSummary(sample('shop-checkout.json')).traces[0];
  const page = await openMap('shop-checkout.json');
  assert.match(page.url(), /[#&]view=map/);
  const nodes = page.getByTestId('map-node');
  assert.equal(await nodes.count(), cli.services.length);
  assert.deepEqual((await nodes.evaluateAll((g) => g.map((n) => n.dataset.service))).sort(), [...cli.services].sort());
  const boxes = await nodes.evaluateAll((g) => g.map((n) => { const b = n.querySelector('rect').getBBox(); return [b.x, b.y, b.width, b.height]; }));
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i], boxes[j]];
      const apart = a[0] + a[2] <= b[0] || b[0] + b[2] <= a[0] || a[1] + a[3] <= b[1] || b[1] + b[3] <= a[1];
      assert.ok(apart, `boxes ${i} and ${j} overlap`);
    }
  }
  assert.ok(await page.getByTestId('map-edge').count() >= cli.services.length - 1, 'the services are joined');
  assert.match(await page.getByTestId('map-legend').textContent(), /messaging/);
  assert.equal(await page.locator('[data-testid=map-edge][data-messaging=false] .map-line').first()
    .evaluate((l) => getComputedStyle(l).strokeDasharray), 'none', 'a call is solid');
  assert.match(await page.getByTestId('map-edge').first().getAttribute('aria-label'), /\d+ calls? · p50 .* · p95 /);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('clicking a service or a call searches for its spans', async () => {
  const page = await openMap('shop-checkout.json');
  const checkout = page.locator('[data-testid=map-node][data-service=checkout]');
  await checkout.click();
  assert.equal(await page.getByTestId('search').inputValue(), 'service=checkout');
  assert.ok(await matchCount(page) > 0);
  const edge = page.getByTestId('map-edge').first();
  const calls = Number(await edge.getAttribute('data-calls'));
  await edge.click();
  assert.match(await page.getByTestId('search').inputValue(), /^caller=\S+ service=\S+$/);
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=match-count]')?.textContent.replace(/[^\d]/g, '')) === n, calls);
  await page.context().close();
});

test('messaging between services is drawn dashed', async () => {
  // A producer in frontend whose message a consumer in backend takes.
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  await viewer.pick(fixture('zipkin/ok/04_messaging.json'));
  await page.keyboard.press('6');
  await page.locator('[data-view=map][data-ready] [data-testid=service-map]').waitFor();
  const messaging = page.locator('[data-testid=map-edge][data-messaging=true]');
  assert.equal(await messaging.count(), 1);
  const dash = await messaging.locator('.map-line').evaluate((l) => getComputedStyle(l).strokeDasharray);
  assert.notEqual(dash, 'none');
  await page.context().close();
});
