// Hostile files in the browser: they end in a message, quickly, and the viewer stays usable.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, gzipSync } from 'node:zlib';
import { launch, freshPage } from '../lib/browser.mjs';
import { ViewerPage, fixture } from '../lib/viewer.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a gzip bomb is refused with a message and the open trace stays', async () => {
  // 1 GB of spaces in about 1 MB: far past 100x its size.
  const path = join(tmpdir(), `bomb-${process.pid}.json.gz`);
  writeFileSync(path, gzipSync(Buffer.alloc(1 << 30, ' '), { level: constants.Z_BEST_COMPRESSION }));
  const page = await freshPage(browser);
  const viewer = new ViewerPage(page);
  await viewer.open();
  await viewer.pick(fixture('jaeger/ok/02_graph-testTrace.json'));
  const before = await viewer.header();
  assert.equal(await viewer.pick(path), 'error');
  assert.match(await page.getByTestId('load-error').textContent(), /likely decompression bomb/);
  assert.deepEqual(await viewer.header(), before);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
