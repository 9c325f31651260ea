// Links that fetch the trace (`/viewer#url=…`) from another origin: plain, gzip by content,
// Content-Encoding, a Jaeger API envelope, the backend form; and every way a fetch fails.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { BASE_URL, launch, freshPage } from '../lib/browser.mjs';
import { ViewerPage, fixture } from '../lib/viewer.mjs';

const TRACE = readFileSync(fixture('jaeger/ok/02_graph-testTrace.json'));
const SPANS = 11;

let browser;
let corsServer;
let plainServer;
let corsRequests = 0;

/** Serves `routes` (path -> [status, headers, body]) on a free port of 127.0.0.1. */
function serve(routes, withCors, onRequest = () => {}) {
  const server = http.createServer((req, res) => {
    onRequest(req);
    const path = req.url.split('?')[0];
    const route = routes[path] ?? (path.startsWith('/api/traces/') ? routes['/api/traces/*'] : undefined);
    const [status, headers, body] = route ?? [404, { 'content-type': 'text/plain' }, 'not found'];
    res.writeHead(status, { ...headers, ...(withCors ? { 'access-control-allow-origin': '*' } : {}) });
    res.end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const origin = (server) => `http://127.0.0.1:${server.address().port}`;
const json = { 'content-type': 'application/json' };
const routes = {
  '/trace.json': [200, json, TRACE],
  '/trace.json.gz': [200, { 'content-type': 'application/octet-stream' }, gzipSync(TRACE)],
  '/encoded.json': [200, { ...json, 'content-encoding': 'gzip' }, gzipSync(TRACE)],
  '/api/traces/*': [200, json, JSON.stringify({ data: [JSON.parse(TRACE)], total: 0, limit: 0, offset: 0, errors: null })],
  '/page.html': [200, { 'content-type': 'text/html' }, '<!doctype html><p>hello</p>'],
  '/secret.json': [401, json, '{}'],
};

before(async () => {
  browser = await launch();
  corsServer = await serve(routes, true, () => { corsRequests += 1; });
  plainServer = await serve(routes, false);
});
after(async () => {
  await browser?.close();
  corsServer?.close();
  plainServer?.close();
});

const urlLink = (url, rest = '') => `${BASE_URL}/viewer#v=1&url=${encodeURIComponent(url)}${rest}`;

async function openLink(link) {
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await page.goto(link);
  const state = await viewer.settled();
  return { page, viewer, state };
}

test('nothing is fetched until a link or the person asks', async () => {
  const page = await freshPage(browser);
  await new ViewerPage(page).open();
  await page.getByTestId('open-url').locator('summary').click();
  assert.equal(corsRequests, 0);
  await page.context().close();
});

for (const [what, path] of [['plain JSON', '/trace.json'], ['a .gz file', '/trace.json.gz'],
  ['Content-Encoding: gzip', '/encoded.json'], ['a Jaeger API envelope', '/api/traces/abc123']]) {
  test(`#url= opens ${what} from another origin, with the rest of the view`, async () => {
    const url = origin(corsServer) + path;
    const { page, viewer, state } = await openLink(urlLink(url, '&span=span-2&q=service%3Dservice1'));
    assert.equal(state, 'idle', await page.getByTestId('viewer').textContent());
    assert.equal((await viewer.header()).spans, SPANS);
    assert.match(await page.getByTestId('header-file').textContent(), new RegExp(`from 127\\.0\\.0\\.1:${corsServer.address().port}`));
    await page.waitForFunction(() => document.querySelector('[data-testid=details-name]')?.textContent === 'op2');
    assert.equal(await page.getByTestId('search').inputValue(), 'service=service1');
    // The address stays the short link: it names the URL, not the trace data.
    await page.waitForFunction(() => location.hash.includes('span='));
    assert.ok(page.url().includes(`url=${encodeURIComponent(url)}`), page.url());
    assert.ok(!page.url().includes('data='));
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

test('the backend form builds the Jaeger API address of a trace id', async () => {
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  await page.getByTestId('open-url').locator('summary').click();
  await page.getByTestId('backend-kind').selectOption('jaeger');
  await page.getByTestId('backend-base').fill(`${origin(corsServer)}/`);
  await page.getByTestId('backend-trace-id').fill('ABC123');
  await page.getByTestId('backend-open').click();
  assert.equal(await viewer.settled(), 'idle');
  assert.equal((await viewer.header()).spans, SPANS);
  await page.waitForFunction(() => location.hash.includes(encodeURIComponent('/api/traces/abc123')));
  await page.context().close();
});

test('every failed fetch names its cause and the fix, and the open trace stays', async () => {
  const cases = [
    ['no CORS header', `${origin(plainServer)}/trace.json`, /Access-Control-Allow-Origin/],
    ['a 404', `${origin(corsServer)}/nothing-here.json`, /answered 404 Not Found: no file at this address/],
    ['a 401', `${origin(corsServer)}/secret.json`, /401 Unauthorized: it needs credentials/],
    ['not a trace', `${origin(corsServer)}/page.html`, /page\.html: not JSON/],
    ['an unreachable server', 'http://127.0.0.1:9/trace.json', /could not be reached/],
  ];
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  await viewer.pick(fixture('zipkin/ok/08_smartthings-oauth-authorization.json'));
  const before = await viewer.header();
  for (const [what, url, message] of cases) {
    // As if the link were pasted into the address bar of the open viewer.
    await page.evaluate((u) => { location.hash = `#v=1&url=${encodeURIComponent(u)}`; }, url);
    const error = page.getByTestId('load-error');
    await error.filter({ hasText: message }).waitFor({ timeout: 20_000 }).catch(async () => {
      assert.fail(`${what}: ${await error.textContent().catch(() => 'no error shown')}`);
    });
    assert.deepEqual(await viewer.header(), before, what);
    await page.getByTestId('load-error').getByRole('button', { name: 'Dismiss' }).click();
  }
  await viewer.rows().nth(1).click();
  await page.getByTestId('details-name').waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('an address that is not http(s) is refused in the form', async () => {
  const page = await freshPage(browser);
  await new ViewerPage(page).open();
  await page.getByTestId('open-url').locator('summary').click();
  await page.getByTestId('backend-base').fill('localhost:16686');
  await page.getByTestId('backend-trace-id').fill('abc');
  await page.getByTestId('backend-open').click();
  await page.getByTestId('url-error').filter({ hasText: 'not a backend address' }).waitFor();
  await page.context().close();
});
