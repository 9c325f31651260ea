// Search engines and link previews (recap-site issue, item 4), and serving as static hosts do
// (item 3): robots.txt, sitemap.xml, canonical links and JSON-LD of the e2e build (made for
// SITE_URL), and the headers `cargo xtask serve` sends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, freshPage, BASE_URL, TALKS, FIXTURE_TALKS } from '../lib/browser.mjs';

const SITE_URL = process.env.SITE_URL ?? 'https://gosf.example.org';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** The local address of a URL of the site. */
const local = (url) => BASE_URL + url.slice(SITE_URL.length);

async function text(path, headers = {}) {
  const res = await fetch(BASE_URL + path, { headers });
  return { res, body: await res.text() };
}

function jsonLd(html) {
  const m = html.match(/<script type="application\/ld\+json">([^<]*)<\/script>/);
  assert.ok(m, 'the page carries JSON-LD');
  return JSON.parse(m[1]);
}

const canonical = (html) => html.match(/<link rel="canonical" href="([^"]+)">/)?.[1];

test('robots.txt allows crawling and names the sitemap', async () => {
  const { res, body } = await text('/robots.txt');
  assert.equal(res.status, 200);
  assert.match(body, /^User-agent: \*\nAllow: \/\n/);
  assert.ok(body.includes(`Sitemap: ${SITE_URL}/sitemap.xml`), body);
});

test('the sitemap is valid XML listing every page worth finding, each served with its canonical link', async () => {
  const { res, body } = await text('/sitemap.xml');
  assert.equal(res.status, 200);
  const page = await freshPage(browser);
  const parsed = await page.evaluate((xml) => {
    const doc = new DOMParser().parseFromString(xml, 'application/xml');
    return {
      error: doc.querySelector('parsererror')?.textContent ?? null,
      ns: doc.documentElement.namespaceURI,
      locs: [...doc.getElementsByTagName('loc')].map((l) => l.textContent),
    };
  }, body);
  await page.context().close();
  assert.equal(parsed.error, null);
  assert.equal(parsed.ns, 'http://www.sitemaps.org/schemas/sitemap/0.9');
  const listed = [...TALKS, ...FIXTURE_TALKS].filter((t) => !t.unlisted).map((t) => `${SITE_URL}/talks/${t.slug}`);
  assert.deepEqual(new Set(parsed.locs), new Set([`${SITE_URL}/`, ...listed, `${SITE_URL}/viewer`]));
  for (const loc of parsed.locs) {
    const res = await fetch(local(loc));
    assert.equal(res.status, 200, loc);
    assert.equal(canonical(await res.text()), loc, `${loc} names itself as canonical`);
  }
});

test('every page names the link-preview card, which is served', async () => {
  for (const path of ['/', `/talks/${TALKS[0].slug}`, '/viewer']) {
    const { body } = await text(path);
    const image = body.match(/<meta property="og:image" content="([^"]+)">/)?.[1];
    assert.equal(image, `${SITE_URL}/og-card.png`, path);
    assert.match(body, /<meta name="twitter:card" content="summary_large_image">/);
  }
  const res = await fetch(local(`${SITE_URL}/og-card.png`));
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/png');
  const png = new Uint8Array(await res.arrayBuffer());
  // PNG signature, then the IHDR chunk's width and height.
  assert.deepEqual([...png.slice(1, 4)], [0x50, 0x4e, 0x47]);
  const view = new DataView(png.buffer);
  assert.deepEqual([view.getUint32(16), view.getUint32(20)], [1200, 630]);
});

test('the home page describes the evening as a schema.org Event holding its talks', async () => {
  const { body } = await text('/');
  const event = jsonLd(body);
  assert.equal(event['@context'], 'https://schema.org');
  assert.equal(event['@type'], 'Event');
  assert.equal(event.startDate, '2016-06-20');
  assert.equal(event.location.name, 'Heavybit');
  assert.equal(event.location.address.addressLocality, 'San Francisco');
  const listed = [...TALKS, ...FIXTURE_TALKS].filter((t) => !t.unlisted);
  assert.deepEqual(new Set(event.subEvent.map((t) => t.name)), new Set(listed.map((t) => t.title)));
  for (const talk of event.subEvent) {
    assert.equal(talk['@type'], 'Event');
    assert.ok(talk.performer.length >= 1 && talk.performer.every((p) => p['@type'] === 'Person' && p.name), talk.name);
    // Each talk's page carries the same talk, as part of the evening.
    const page = jsonLd(await (await fetch(local(talk.url))).text());
    assert.equal(page.name, talk.name);
    assert.deepEqual(page.performer, talk.performer);
    assert.equal(page.superEvent.name, event.name);
  }
  const speakers = new Set(event.subEvent.flatMap((t) => t.performer.map((p) => p.name)));
  assert.deepEqual(new Set(event.performer.map((p) => p.name)), speakers);
});

test('the server sends precompressed files, caching rules, ranges and the 404 page', async () => {
  const { body: home } = await text('/');
  const wasm = home.match(/href="\/([^"]+_bg\.wasm)"/)?.[1] ?? home.match(/'\/([^']+_bg\.wasm)'/)?.[1];
  assert.ok(wasm, 'the page names its wasm');
  const br = await fetch(`${BASE_URL}/${wasm}`, { headers: { 'accept-encoding': 'br' } });
  assert.equal(br.headers.get('content-encoding'), 'br');
  assert.equal(br.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  const gz = await fetch(`${BASE_URL}/${wasm}`, { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(gz.headers.get('content-encoding'), 'gzip');
  const part = await fetch(`${BASE_URL}/${wasm}`, { headers: { range: 'bytes=0-3', 'accept-encoding': 'identity' } });
  assert.equal(part.status, 206);
  assert.deepEqual([...new Uint8Array(await part.arrayBuffer())], [0, 0x61, 0x73, 0x6d], 'the wasm magic number');
  for (const path of ['/', '/viewer', `/talks/${TALKS[0].slug}`]) {
    const res = await fetch(BASE_URL + path);
    assert.equal(res.headers.get('cache-control'), 'no-cache', path);
  }
  const missing = await fetch(`${BASE_URL}/no/such/page`);
  assert.equal(missing.status, 404);
  assert.match(await missing.text(), /Page not found/);
});
