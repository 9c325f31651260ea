// The Content-Security-Policy (hardening issue): every HTML file carries it, the server sends
// it with the worker's own policy, and using every feature raises no violation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { launch, freshPage, waitForApp, BASE_URL, FIXTURE_TALKS } from '../lib/browser.mjs';
import { ViewerPage, fixture } from '../lib/viewer.mjs';

const DIST = process.env.DIST_DIR ?? new URL('../../dist-e2e', import.meta.url).pathname;

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

function htmlFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return htmlFiles(p);
    return name.endsWith('.html') ? [p] : [];
  });
}

test('every HTML file carries the policy before any script', () => {
  const files = htmlFiles(DIST);
  assert.ok(files.length >= 4, files.join());
  for (const f of files) {
    const html = readFileSync(f, 'utf8');
    const meta = html.indexOf('http-equiv="Content-Security-Policy"');
    assert.ok(meta > 0, `${f} has no policy`);
    assert.ok(meta < html.indexOf('<script'), `${f}: the policy comes after a script`);
    const policy = html.slice(meta).match(/content="([^"]*)"/)[1];
    assert.match(policy, /default-src 'none'/);
    assert.match(policy, /script-src 'self' 'wasm-unsafe-eval'( 'sha256-[A-Za-z0-9+/=]+')+;/);
    assert.match(policy, /style-src 'self';/);
    assert.doesNotMatch(policy, /unsafe-inline/);
    assert.ok(!/\sstyle="/.test(html), `${f} has a style attribute, which the policy blocks`);
  }
});

test('the server sends the policy, and the worker its own', async () => {
  const page = await fetch(`${BASE_URL}/viewer`);
  assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
  const worker = await fetch(`${BASE_URL}/trace_worker_loader.js`);
  const policy = worker.headers.get('content-security-policy') ?? '';
  assert.match(policy, /connect-src 'self' https: http:/);
  assert.doesNotMatch(policy, /frame-ancestors/);
});

/** A page that records every policy violation. */
async function watchedPage(options = {}) {
  const page = await freshPage(browser, options);
  page.violations = [];
  await page.exposeFunction('__cspViolation', (v) => page.violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolation(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  return page;
}

test('the site and the viewer, feature by feature, raise no policy violation', async () => {
  const page = await watchedPage({ viewport: { width: 1440, height: 900 } });
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE_URL });
  await page.goto(`${BASE_URL}/`);
  await waitForApp(page);
  await page.getByTestId('theme-toggle').click();
  const talk = FIXTURE_TALKS.find((t) => t.unlisted) ?? FIXTURE_TALKS[0];
  await page.goto(`${BASE_URL}/talks/${talk.slug}`);
  await waitForApp(page);
  const poster = page.locator('.video-poster');
  if (await poster.count()) {
    await poster.first().click();
    await page.locator('.video iframe, .video video').first().waitFor();
  }
  const viewer = new ViewerPage(page);
  await viewer.open();
  await viewer.pick(fixture('zipkin/ok/08_smartthings-oauth-authorization.json'));
  await page.getByTestId('span-row').first().click();
  await page.waitForSelector('[data-testid=details-name]', { state: 'attached' });
  await page.getByTestId('search').fill('service=');
  await page.getByTestId('search-help-toggle').click();
  await page.getByTestId('critical-toggle').check();
  await page.getByTestId('tab-stats').click();
  await page.getByTestId('stats').waitFor();
  await page.getByTestId('tab-quality').click();
  await page.getByTestId('tab-timeline').click();
  const link = await page.locator('a[data-share=trace]').getAttribute('href');
  await page.goto('about:blank');
  await page.goto(link);
  await page.waitForSelector('[data-testid=viewer][data-app-state=idle] [data-testid=span-row]');
  await page.goto(`${BASE_URL}/viewer#url=${encodeURIComponent(`${BASE_URL}/samples/graph-testTrace.json`)}`);
  await page.waitForSelector('[data-testid=viewer][data-app-state=idle] [data-testid=span-row]');
  await page.keyboard.press('?');
  await page.getByTestId('help').waitFor();
  assert.deepEqual(page.violations, []);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
