// The recap pages' code budget (recap-site issue, item 2): a talk page downloads at most 150 KB
// (compressed, as served) of JavaScript and WebAssembly, and none of the viewer's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, freshPage, waitForApp, BASE_URL, TALKS } from '../lib/browser.mjs';

const BUDGET_BYTES = 150 * 1024;

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** The code a fresh visit to `path` downloads: each JS or wasm response and its encoded size. */
async function codeOf(path) {
  const page = await freshPage(browser);
  const responses = [];
  page.on('response', (r) => responses.push(r));
  await page.goto(BASE_URL + path);
  await waitForApp(page);
  await page.waitForLoadState('networkidle');
  const code = [];
  for (const r of responses) {
    const url = new URL(r.url());
    if (!/\.(js|mjs|wasm)$/.test(url.pathname)) continue;
    const sizes = await r.request().sizes();
    code.push({ path: url.pathname, bytes: sizes.responseBodySize, encoding: r.headers()['content-encoding'] ?? 'none' });
  }
  await page.context().close();
  return code;
}

for (const [name, path] of [['a talk page', `/talks/${TALKS[0].slug}`], ['the home page', '/']]) {
  test(`${name} loads at most 150 KB of code, and none of the viewer's`, async () => {
    const code = await codeOf(path);
    const total = code.reduce((sum, c) => sum + c.bytes, 0);
    console.log(`# ${path}: ${(total / 1024).toFixed(1)} KB of code: ${code.map((c) => `${c.path} ${(c.bytes / 1024).toFixed(1)} KB ${c.encoding}`).join(', ')}`);
    assert.ok(code.some((c) => c.path.endsWith('.wasm')), 'the app loaded');
    assert.ok(total <= BUDGET_BYTES, `${total} bytes of code is over the budget of ${BUDGET_BYTES}`);
    assert.ok(!code.some((c) => /trace_worker|gosf-viewer/.test(c.path)), 'no viewer code');
  });
}

test('the viewer loads its own app, and the worker', async () => {
  const code = await codeOf('/viewer');
  assert.ok(code.some((c) => /gosf-viewer.*\.wasm$/.test(c.path)), code.map((c) => c.path).join());
  assert.ok(!code.some((c) => /gosf-site.*\.wasm$/.test(c.path)), 'not the recap app');
});
