// Sharing figures in Chromium against the release build (`cargo xtask bench`): how fast a
// trace opens from a `#url=` link served by another local origin (with the plain download and
// the file picker of the same file beside it), and how fast the library reopens it.
//
// Prints figures only; exits non-zero only when something fails to run.
// Env: BASE_URL (required), TRACE_FILE (a trace file; default: the 100 MB Jaeger file that
// `tracecheck bench` generates in $TMPDIR/tracecheck-bench), CHROMIUM.
import { chromium } from 'playwright-core';
import { createReadStream, statSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:8080';
const FILE = process.env.TRACE_FILE ?? join(tmpdir(), 'tracecheck-bench', 'jaeger.json');
const LONG = 10 * 60_000;
const size = statSync(FILE).size;
const mb = size / 1e6;

const server = http.createServer((req, res) => {
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': size,
    'access-control-allow-origin': '*',
  });
  createReadStream(FILE).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/trace.json`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

// Loaded: idle with a trace shown, or with the trace list (a file of many traces).
const idle = (page) => page.waitForFunction(() => {
  const v = document.querySelector('[data-testid=viewer]');
  return v?.dataset.appState === 'idle'
    && document.querySelector('[data-testid=header-summary], [data-testid=trace-row]');
}, null, { timeout: LONG, polling: 50 });
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;

async function timed(what, f) {
  const t0 = performance.now();
  await f();
  const ms = performance.now() - t0;
  console.log(`${what.padEnd(46)} ${seconds(ms).padStart(9)}  ${(mb / (ms / 1000)).toFixed(0).padStart(5)} MB/s`);
  return ms;
}

console.log(`file: ${FILE} (${mb.toFixed(1)} MB)`);
const context = await browser.newContext();
const page = await context.newPage();
await page.goto(`${BASE_URL}/viewer`);
await page.waitForSelector('[data-testid=viewer][data-app-state=idle]');

// The peer runs in a blank page: the viewer's Content-Security-Policy lets only its worker
// fetch other origins.
const blank = await context.newPage();
await timed('plain download in a page (fetch, arrayBuffer)', () =>
  blank.evaluate(async (u) => { await (await fetch(u)).arrayBuffer(); }, url));
await blank.close();

await timed('open by the file picker, to header or trace list', async () => {
  await page.setInputFiles('[data-testid=file-input]', FILE);
  await idle(page);
});
await page.waitForSelector('[data-testid=viewer][data-library-size="1"]', { timeout: LONG });

const fresh = await browser.newContext();
const linkPage = await fresh.newPage();
await timed('open by a #url= link (fetch + parse)', async () => {
  await linkPage.goto(`${BASE_URL}/viewer#v=1&url=${encodeURIComponent(url)}`);
  await idle(linkPage);
});
await fresh.close();

await page.goto('about:blank');
await page.goto(`${BASE_URL}/viewer`);
await page.waitForSelector('[data-library-entry]', { timeout: LONG });
await timed('reopen from the library (IndexedDB)', async () => {
  await page.locator('[data-library-entry]').first().click();
  await idle(page);
});

await browser.close();
server.close();
