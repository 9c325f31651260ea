// Appdash, the tracer of the OpenTracing talk's demo: the bundled sample linked from the talk's
// page, and Appdash permalinks (the trace gzip-compressed in the address) opened from a link or
// pasted, with nothing fetched from the Appdash server they name.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { BASE_URL, launch, freshPage } from '../lib/browser.mjs';
import { ViewerPage, cliSummary, fixture } from '../lib/viewer.mjs';

// Nothing listens here: a fetch of the permalink's address would fail the load.
const APPDASH = 'http://127.0.0.1:9';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** An Appdash permalink of the first trace of an export, as Appdash writes it: base64url
 * (unpadded) of gzip of the trace's compact JSON and a newline. */
function permalink(file) {
  const trace = JSON.parse(readFileSync(file, 'utf8'))[0];
  const data = gzipSync(`${JSON.stringify(trace)}\n`).toString('base64url');
  return `${APPDASH}/traces/${trace.ID.Trace}?permalink=${data}`;
}

/** Requests the page makes to the Appdash server named in a permalink. */
function appdashRequests(page) {
  const seen = [];
  page.on('request', (r) => { if (r.url().startsWith(APPDASH)) seen.push(r.url()); });
  return seen;
}

test('the OpenTracing talk links to an Appdash trace, which opens in the viewer', async () => {
  const sample = fileURLToPath(new URL('../../public/samples/appdash-opentracing.json', import.meta.url));
  const page = await freshPage(browser);
  await page.goto(`${BASE_URL}/talks/opentracing-and-go`);
  await page.getByRole('link', { name: 'open a trace like the one in the demo' }).click();
  const viewer = new ViewerPage(page);
  assert.equal(await viewer.settled(), 'idle');
  assert.equal((await viewer.header()).spans, cliSummary(sample).traces[0].spans);
  assert.match(await page.getByTestId('header-file').textContent(), /Appdash JSON/);
  // A span's details come from its annotations: the OpenTracing tags and the HTTP server event.
  await page.getByTestId('span-row').first().click();
  await page.getByTestId('span-id').waitFor();
  assert.match(await page.getByTestId('viewer').textContent(), /Server\.Request\.Method/);
  await page.context().close();
});

test('an Appdash permalink given to #url= opens with nothing fetched', async () => {
  const file = fixture('appdash/ok/01_opentracing-recorder-export.json');
  const page = await freshPage(browser);
  const requests = appdashRequests(page);
  await page.goto(`${BASE_URL}/viewer#v=1&url=${encodeURIComponent(permalink(file))}`);
  const viewer = new ViewerPage(page);
  assert.equal(await viewer.settled(), 'idle');
  assert.equal((await viewer.header()).spans, cliSummary(file).traces[0].spans);
  assert.deepEqual(requests, []);
  await page.context().close();
});

test('a pasted Appdash permalink opens, and a damaged one says why', async () => {
  const file = fixture('appdash/ok/04_client-sql-unknown-event-and-stray-span.json');
  const page = await freshPage(browser);
  const requests = appdashRequests(page);
  const viewer = new ViewerPage(page);
  await viewer.open();
  const paste = (text) => page.evaluate((t) => {
    const dt = new DataTransfer();
    dt.setData('text/plain', t);
    window.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true }));
  }, text);
  await paste(permalink(file));
  assert.equal(await viewer.settled(), 'idle');
  assert.equal((await viewer.header()).spans, cliSummary(file).traces[0].spans);
  await paste(`${APPDASH}/traces/1?permalink=H4s!broken`);
  const error = page.getByTestId('load-error');
  await error.waitFor();
  assert.match(await error.textContent(), /permalink's data is not base64url/);
  assert.deepEqual(requests, []);
  await page.context().close();
});
