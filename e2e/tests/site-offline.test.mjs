// Offline and installable (recap-site issue, item 5): after one visit the recap pages and the
// viewer work with no network, including opening a file and a sample; a trace named by a
// #url= link is not kept by the service worker.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, freshPage, waitForApp, BASE_URL, TALKS } from '../lib/browser.mjs';
import { ViewerPage, fixture } from '../lib/viewer.mjs';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const DIST = process.env.DIST_DIR ?? new URL('../../dist-e2e', import.meta.url).pathname;

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** A page whose site's service worker has installed (every file cached) and controls it. */
async function visitedOnce() {
  const page = await freshPage(browser);
  await page.goto(`${BASE_URL}/`);
  await waitForApp(page);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    }
  });
  return page;
}

test('the site names its manifest, and the manifest opens the home page', async () => {
  const page = await freshPage(browser);
  await page.goto(`${BASE_URL}/`);
  const href = await page.locator('link[rel=manifest]').getAttribute('href');
  const manifest = await (await fetch(BASE_URL + href)).json();
  assert.equal(manifest.start_url, '/');
  assert.equal(manifest.display, 'standalone');
  assert.equal((await fetch(BASE_URL + manifest.icons[0].src)).status, 200);
  await page.context().close();
});

test('after one visit, the pages and the viewer work offline, samples and files included', async () => {
  const page = await visitedOnce();
  await page.context().setOffline(true);
  for (const path of ['/', `/talks/${TALKS[0].slug}`]) {
    await page.goto(BASE_URL + path);
    await waitForApp(page);
    assert.ok((await page.locator('main h1').textContent()).trim().length > 0, path);
  }
  const viewer = new ViewerPage(page);
  await page.goto(`${BASE_URL}/viewer`);
  await page.waitForSelector('[data-testid=viewer][data-app-state=idle]');
  await page.getByTestId('sample').first().click();
  assert.equal(await viewer.settled(), 'idle');
  assert.ok((await viewer.header()).spans > 0, 'a sample opens offline');
  assert.equal(await viewer.pick(fixture('jaeger/ok/02_graph-testTrace.json')), 'idle');
  assert.ok((await viewer.header()).spans > 0, 'a file opens offline');
  // An address the site does not have still gets the 404 page.
  await page.goto(`${BASE_URL}/no/such/page`);
  await page.getByTestId('not-found').waitFor();
  await page.context().close();
});

test('a trace fetched by #url= is not kept by the service worker', async () => {
  const page = await visitedOnce();
  const url = `${BASE_URL}/samples/index.json?not-precached`;
  await page.evaluate((u) => fetch(u).then((r) => r.text()), url);
  const cached = await page.evaluate(async (u) => {
    for (const key of await caches.keys()) {
      const cache = await caches.open(key);
      if (await cache.match(u, { ignoreSearch: false })) return true;
    }
    return false;
  }, url);
  assert.equal(cached, false);
  await page.context().close();
});

test('a new version takes over, and the page says so', async () => {
  const page = await visitedOnce();
  await page.reload();
  await waitForApp(page);
  assert.equal(await page.getByTestId('update-notice').count(), 0, 'nothing new yet');
  // Deploy a new version: the same worker with another version (its compressed copies moved
  // aside, so the server sends the new script).
  const sw = join(DIST, 'sw.js');
  const original = readFileSync(sw, 'utf8');
  const copies = ['.br', '.gz'].map((ext) => sw + ext).filter((p) => existsSync(p));
  try {
    for (const p of copies) renameSync(p, `${p}.aside`);
    writeFileSync(sw, original.replace(/const VERSION = "([0-9a-f]+)"/, 'const VERSION = "$1-next"'));
    await page.evaluate(async () => (await navigator.serviceWorker.ready).update());
    await page.getByTestId('update-notice').waitFor();
    assert.match(await page.getByTestId('update-notice').textContent(), /new version/);
  } finally {
    writeFileSync(sw, original);
    for (const p of copies) renameSync(`${p}.aside`, p);
  }
  await page.context().close();
});
