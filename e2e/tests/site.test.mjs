// The meetup site, in Chromium, against the release build served like a static host.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, TALKS, FIXTURE_TALKS, launch, freshPage, waitForApp, seriousViolations } from '../lib/browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const LISTED = TALKS.filter((t) => !t.unlisted);
const VIDEO_HOSTS = /youtube|youtube-nocookie|ytimg|vimeo|googlevideo/;

function escapeHtml(s) {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

test('talks/ holds the three talks of the evening', () => {
  assert.equal(LISTED.length, 3);
});

test('home lists exactly the talks in talks/, in order', async () => {
  const page = await freshPage(browser);
  await page.goto(`${BASE_URL}/`);
  await waitForApp(page);
  const titles = await page.locator('[data-testid=talk-card] h3').allTextContents();
  assert.deepEqual(titles.map((t) => t.trim()), LISTED.map((t) => t.title));
  // The unlisted fixture talk of the e2e build is not on the home page.
  for (const f of FIXTURE_TALKS) assert.ok(!titles.includes(f.title));
  // The entry into the trace viewer.
  const entry = page.getByTestId('viewer-entry');
  assert.equal(await entry.getAttribute('href'), '/viewer');
  // Each talk at a glance: its speaker, its one line, and its own sources.
  const cards = page.getByTestId('talk-card');
  for (let i = 0; i < LISTED.length; i++) {
    const card = cards.nth(i);
    assert.equal((await card.locator('.summary').textContent()).trim(), LISTED[i].summary);
    assert.ok((await card.locator('.speaker').textContent()).trim().length > 0);
    const sources = await card.getByTestId('talk-sources').locator('a').evaluateAll((as) => as.map((a) => a.href));
    assert.ok(sources.length >= 1 && sources.every((h) => h.startsWith('https://')), `${LISTED[i].slug}: ${sources}`);
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the home page opens a trace like the one in the OpenTracing demo', async () => {
  const page = await freshPage(browser);
  await page.goto(`${BASE_URL}/`);
  await waitForApp(page);
  await page.getByTestId('demo-trace').click();
  await page.waitForURL(/\/viewer\/?#/);
  await page.locator('[data-testid=viewer][data-app-state=idle]').waitFor();
  assert.match(await page.getByTestId('header-file').textContent(), /Appdash JSON/);
  await page.context().close();
});

for (const talk of TALKS) {
  test(`talk page ${talk.slug}: served HTML carries its own meta, and it loads by URL`, async () => {
    // The HTML as a crawler sees it, before any script runs.
    const res = await fetch(`${BASE_URL}/talks/${talk.slug}`);
    assert.equal(res.status, 200);
    const html = await res.text();
    const title = html.match(/<title>([^<]*)<\/title>/)?.[1] ?? '';
    assert.ok(title.startsWith(escapeHtml(talk.title)), `title: ${title}`);
    assert.match(html, new RegExp(`<meta property="og:title" content="${escapeHtml(talk.title).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.ok(html.includes(`<meta property="og:description" content="${escapeHtml(talk.summary)}">`));
    assert.ok(html.includes(`<meta name="description" content="${escapeHtml(talk.summary)}">`));
    assert.ok(html.includes('<meta property="og:type" content="article">'));
    // The page's body is the app's own markup for the talk, rendered at build time.
    assert.match(html, /<body[^>]*><a [^>]*class="skip-link"/, 'the rendered app starts the body');
    assert.match(html, /<article [^>]*data-testid="talk"/);
    assert.ok(html.includes(`<meta name="rendered-path" content="/talks/${talk.slug}">`));
    assert.ok(!html.includes('id="static-page"'), 'no second copy of the page');

    const page = await freshPage(browser);
    const thirdParty = [];
    page.on('request', (r) => { if (!r.url().startsWith(BASE_URL) && !r.url().startsWith('data:')) thirdParty.push(r.url()); });
    await page.goto(`${BASE_URL}/talks/${talk.slug}`);
    await waitForApp(page);
    assert.equal((await page.locator('main h1').textContent()).trim(), talk.title);
    assert.ok((await page.title()).startsWith(talk.title));
    // Sources end with the original recap of the evening, listed once.
    const recapLinks = page.locator('.sources a[href^="https://www.heavybit.com/library/blog/gosf-"]');
    assert.equal(await recapLinks.count(), 1);
    assert.deepEqual(thirdParty, [], 'no third-party request before the visitor asks');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

test('the OpenTracing talk links into the trace viewer', async () => {
  const talk = TALKS.find((t) => /opentracing/i.test(t.slug));
  assert.ok(talk, 'an OpenTracing talk exists');
  const page = await freshPage(browser);
  await page.goto(`${BASE_URL}/talks/${talk.slug}`);
  await waitForApp(page);
  await page.locator('main a[href="/viewer"]').first().click();
  await page.waitForURL(`${BASE_URL}/viewer`);
  await page.getByTestId('viewer').waitFor();
  await page.context().close();
});

test('the video host is contacted only after the click', async () => {
  const fixture = FIXTURE_TALKS.find((t) => t.slug === 'fixture-embed');
  assert.ok(fixture, 'the embed fixture talk is part of the e2e build');
  const page = await freshPage(browser);
  const videoRequests = [];
  page.on('request', (r) => { if (VIDEO_HOSTS.test(new URL(r.url()).hostname)) videoRequests.push(r.url()); });
  await page.goto(`${BASE_URL}/talks/${fixture.slug}`);
  await waitForApp(page);
  await page.waitForLoadState('networkidle');
  assert.deepEqual(videoRequests, [], 'nothing requested from the video host before the click');
  assert.equal(await page.locator('iframe').count(), 0);
  const requested = page.waitForRequest((r) => new URL(r.url()).hostname === 'www.youtube-nocookie.com');
  await page.getByTestId('video-load').click();
  const req = await requested;
  assert.match(req.url(), /^https:\/\/www\.youtube-nocookie\.com\/embed\/aqz-KE-bpKQ/);
  assert.match(await page.locator('iframe').getAttribute('src'), /youtube-nocookie\.com\/embed\/aqz-KE-bpKQ/);
  await page.context().close();
});

test('a talk with slides and no video loads the deck only after the click, as the policy allows', async () => {
  const talk = TALKS.find((t) => /dependencies/.test(t.slug));
  assert.ok(talk, 'the dependencies talk exists');
  const page = await freshPage(browser);
  const deckRequests = [];
  const refusals = [];
  page.on('request', (r) => { if (new URL(r.url()).hostname.endsWith('speakerdeck.com')) deckRequests.push(r.url()); });
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) refusals.push(m.text()); });
  await page.goto(`${BASE_URL}/talks/${talk.slug}`);
  await waitForApp(page);
  await page.waitForLoadState('networkidle');
  assert.deepEqual(deckRequests, [], 'nothing requested from Speaker Deck before the click');
  assert.equal(await page.locator('iframe').count(), 0);
  const requested = page.waitForRequest((r) => new URL(r.url()).hostname === 'speakerdeck.com');
  await page.getByTestId('slides-load').click();
  const req = await requested;
  assert.match(req.url(), /^https:\/\/speakerdeck\.com\/player\/[0-9a-f]{32}$/);
  assert.equal(await page.getByTestId('slides').locator('iframe').getAttribute('src'), req.url());
  assert.deepEqual(refusals, [], 'the policy frames the deck');
  await page.context().close();
});

test('a talk without a known video says so and links the original recap', async () => {
  const page = await freshPage(browser);
  await page.goto(`${BASE_URL}/talks/${LISTED[0].slug}`);
  await waitForApp(page);
  const box = page.getByTestId('video-unavailable');
  assert.match(await box.textContent(), /No video/);
  assert.match(await box.locator('a').getAttribute('href'), /^https:\/\/www\.heavybit\.com\//);
  await page.context().close();
});

test('every page paints before its app is requested', async () => {
  for (const path of ['/', `/talks/${LISTED[0].slug}`, '/viewer']) {
    const page = await freshPage(browser);
    await page.goto(BASE_URL + path);
    await page.waitForFunction(() => document.documentElement.hasAttribute('data-app-started'));
    const t = await page.evaluate(() => ({
      paint: performance.getEntriesByName('first-paint')[0]?.startTime,
      wasm: performance.getEntriesByType('resource').find((e) => e.name.endsWith('_bg.wasm'))?.startTime,
    }));
    assert.ok(t.paint !== undefined && t.wasm !== undefined, `${path}: ${JSON.stringify(t)}`);
    assert.ok(t.wasm >= t.paint, `${path}: the wasm was requested at ${t.wasm} ms, before the first paint at ${t.paint} ms`);
    assert.deepEqual(page.errors, [], path);
    await page.context().close();
  }
});

test('a host that answers every address with the home page still shows the page asked for', async () => {
  const talk = LISTED[0];
  const home = await (await fetch(`${BASE_URL}/`)).text();
  const page = await freshPage(browser);
  await page.route(`${BASE_URL}/talks/${talk.slug}`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: home }));
  await page.goto(`${BASE_URL}/talks/${talk.slug}`);
  await waitForApp(page);
  assert.equal((await page.locator('main h1').textContent()).trim(), talk.title);
  assert.equal(await page.locator('.hero').count(), 0, 'the home page\'s HTML is replaced');
  assert.equal(await page.locator('header.site-header').count(), 1, 'one shell');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('unknown routes get the 404 page', async () => {
  const res = await fetch(`${BASE_URL}/no/such/page`);
  assert.equal(res.status, 404);
  assert.match(await res.text(), /<title>Page not found/);
  const page = await freshPage(browser);
  // The 404 HTML serves every unknown address: an unknown talk as any other.
  for (const path of ['/no/such/page', '/talks/not-a-talk']) {
    await page.goto(BASE_URL + path);
    await waitForApp(page);
    await page.getByTestId('not-found').waitFor();
    assert.equal(await page.getByTestId('not-found').count(), 1, `${path}: one not-found page`);
    assert.equal(new URL(page.url()).pathname, path, 'the mistyped address stays');
    assert.match(await page.title(), /^Page not found/);
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the dark-mode toggle survives a reload', async () => {
  const page = await freshPage(browser, { colorScheme: 'light' });
  await page.goto(`${BASE_URL}/`);
  await waitForApp(page);
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const lightBg = await bg();
  await page.getByTestId('theme-toggle').click();
  assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
  const darkBg = await bg();
  assert.notEqual(darkBg, lightBg);
  await page.reload();
  await waitForApp(page);
  assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
  assert.equal(await bg(), darkBg);
  assert.equal(await page.getByTestId('theme-toggle').getAttribute('aria-pressed'), 'true');
  await page.context().close();
});

test('dark mode follows the system until the visitor chooses', async () => {
  const page = await freshPage(browser, { colorScheme: 'dark' });
  await page.goto(`${BASE_URL}/`);
  await waitForApp(page);
  assert.equal(await page.getByTestId('theme-toggle').getAttribute('aria-pressed'), 'true');
  await page.context().close();
});

const ROUTES = ['/', ...TALKS.map((t) => `/talks/${t.slug}`), '/viewer', '/no/such/page'];
for (const scheme of ['light', 'dark']) {
  test(`axe: no serious or critical violation on any route (${scheme})`, async () => {
    const page = await freshPage(browser, { colorScheme: scheme });
    const report = [];
    for (const route of ROUTES) {
      await page.goto(`${BASE_URL}${route}`);
      await waitForApp(page);
      const v = await seriousViolations(page);
      report.push(`${route}: ${v.length}`);
      assert.deepEqual(v, [], `${route} (${scheme})`);
    }
    console.log(`axe ${scheme}: ${report.join(', ')}`);
    await page.context().close();
  });
}

test('phone width: no horizontal scrolling', async () => {
  const page = await freshPage(browser, { viewport: { width: 360, height: 740 } });
  for (const route of ['/', `/talks/${LISTED[0].slug}`]) {
    await page.goto(`${BASE_URL}${route}`);
    await waitForApp(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${route} overflows by ${overflow}px`);
  }
  await page.context().close();
});

test('the recap pages are hydrated: the app attaches to the nodes the build rendered', async () => {
  const slug = LISTED[0].slug;
  // Every name a host serves a page by, and the 404 page at two kinds of unknown address.
  for (const path of ['/', '/index.html', `/talks/${slug}`, `/talks/${slug}/`, `/talks/${slug}/index.html`,
    '/talks/no-such-talk', '/no/such/page']) {
    const page = await freshPage(browser);
    // Counts elements taken out of the document from the first byte on: a fresh render
    // replaces the page's nodes, hydration keeps them.
    await page.addInitScript(() => {
      window.removedElements = 0;
      new MutationObserver((records) => {
        for (const r of records) window.removedElements += [...r.removedNodes].filter((n) => n.nodeType === 1).length;
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto(BASE_URL + path);
    await waitForApp(page);
    assert.equal(await page.evaluate(() => window.removedElements), 0, `${path}: elements replaced at start`);
    // The kept nodes are the app's: its handlers answer.
    const toggle = page.getByTestId('theme-toggle');
    const pressed = await toggle.getAttribute('aria-pressed');
    await toggle.click();
    assert.notEqual(await toggle.getAttribute('aria-pressed'), pressed, `${path}: the theme toggle answers`);
    assert.deepEqual(page.errors, [], path);
    await page.context().close();
  }
});
