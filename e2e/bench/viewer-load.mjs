// Viewer load benchmark in Chromium against the shipping release build (`cargo xtask bench`).
//
// Generates realistic Jaeger files (streamed to disk), then for each: opens /viewer in a fresh
// page, picks the file by path like a person would, and measures load time, first drawn
// timeline, main-thread long tasks, memory, and the cost of common interactions afterwards.
// As a peer, the same file is read and JSON.parse'd on a page's main thread (what Jaeger UI does).
//
// Prints figures only; exits non-zero only when something fails to run.
// Env: BASE_URL (required), BENCH_QUICK=1 or --quick, BENCH_HUGE=1 or --huge, BENCH_DIR (where files go),
// --generate-only (write the files, measure nothing),
// CHROMIUM (browser binary).
import { chromium } from 'playwright-core';
import { createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:8080';
const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
// The small file (~5 MB) shows the fixed cost of a load: the worker's start, the first draw.
// --huge (BENCH_HUGE=1) adds ~1 GB, ~2 GB and ~4 GB files (612 bytes a span): issue 10's wall.
const HUGE = process.argv.includes('--huge') || process.env.BENCH_HUGE === '1';
const HUGE_SIZES = [1_700_000, 3_400_000, 6_700_000];
const SIZES = [...(QUICK ? [5_000, 20_000, 200_000] : [5_000, 100_000, 1_000_000]), ...(HUGE ? HUGE_SIZES : [])];
const DIR = process.env.BENCH_DIR ?? join(tmpdir(), 'viewer-bench');
const GEN_VERSION = 1; // bump when the generator changes, so cached files are regenerated
// V8's maximum string length on 64-bit (String::kMaxLength = 2^29 - 24 characters).
const V8_MAX_STRING = 2 ** 29 - 24;
const LONG = Number(process.env.BENCH_TIMEOUT_MS ?? 30 * 60_000); // generous: a slow load is a result, not a failure
const ROW_H = 24; // src/viewer/timeline.rs ROW_H
// Files from this size are parsed by several workers (src/bin/trace_worker/parallel.rs
// HELPED_FROM_BYTES): the bench also loads them with one, to compare.
const PARALLEL_FROM_BYTES = 32 << 20;
const PARSERS_NOTE = 'the cores but one, at least two';
// The pause before the first attribute search (the worker indexes ~200k spans a second here).
const INDEX_PAUSE_MS = 12_000;

// ---------------------------------------------------------------------------------------------
// Generator: one Jaeger trace (API/UI export shape) with `target` spans under a single root:
// many request subtrees of varying depth and fan-out across 12 services, with realistic tags,
// some logs, ~1% errors. Deterministic (seeded PRNG).

function mulberry32(seed) {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SERVICES = ['frontend', 'api-gateway', 'auth', 'customer', 'orders', 'payments', 'inventory',
  'search', 'recommendation', 'shipping', 'redis', 'mysql'];
const OPS = {
  frontend: ['HTTP GET /dispatch', 'HTTP GET /checkout', 'HTTP POST /cart'],
  'api-gateway': ['HTTP GET /customer', 'HTTP POST /order', 'route'],
  auth: ['/auth.Auth/Verify', '/auth.Auth/Token'],
  customer: ['/customer.Customer/Get', 'SQL SELECT'],
  orders: ['/orders.Orders/Create', '/orders.Orders/List'],
  payments: ['/payments.Payments/Charge', 'fraud-check'],
  inventory: ['/inventory.Inventory/Reserve', '/inventory.Inventory/Check'],
  search: ['/search.Search/Query', 'rank'],
  recommendation: ['/reco.Reco/Get', 'model.predict'],
  shipping: ['/shipping.Shipping/Quote'],
  redis: ['GET', 'SET', 'MGET'],
  mysql: ['SQL SELECT', 'SQL UPDATE', 'SQL INSERT'],
};
// Who calls whom (children are drawn from the caller's list).
const CALLS = {
  frontend: ['api-gateway', 'api-gateway', 'auth', 'redis'],
  'api-gateway': ['auth', 'customer', 'orders', 'search', 'recommendation'],
  auth: ['redis', 'mysql'],
  customer: ['mysql', 'redis'],
  orders: ['payments', 'inventory', 'shipping', 'mysql'],
  payments: ['mysql', 'redis'],
  inventory: ['mysql', 'redis'],
  search: ['redis', 'recommendation'],
  recommendation: ['redis'],
  shipping: ['mysql'],
  redis: [],
  mysql: [],
};
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const hex16 = (n) => n.toString(16).padStart(16, '0');

function tag(key, type, value) {
  return `{"key":${JSON.stringify(key)},"type":"${type}","value":${JSON.stringify(value)}}`;
}

/** Streams the file to `path`; returns { spans, errors, roots }. */
async function generateJaeger(path, target) {
  const rnd = mulberry32(0xc0ffee ^ target);
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  const out = createWriteStream(path + '.tmp');
  let chunk = '';
  const flush = async (force) => {
    if (chunk.length >= (1 << 20) || (force && chunk.length)) {
      const ok = out.write(chunk);
      chunk = '';
      if (!ok) await once(out, 'drain');
    }
  };
  let id = 0;
  let errors = 0;
  let first = true;
  const span = (service, op, parent, start, dur, extraTags, logs) => {
    id += 1;
    const sid = hex16(0x1000 + id);
    const pidx = SERVICES.indexOf(service);
    const isError = parent !== null && rnd() < 0.01;
    if (isError) errors += 1;
    const tags = [tag('span.kind', 'string', parent === null || service === 'frontend' ? 'server' : pick(['server', 'client'])),
      tag('otel.library.name', 'string', `io.opentelemetry.${service}`), ...extraTags];
    if (isError) tags.push(tag('error', 'bool', true), tag('http.status_code', 'int64', 500));
    const refs = parent === null ? '[]'
      : `[{"refType":"CHILD_OF","traceID":"${TRACE_ID}","spanID":"${parent}"}]`;
    const logText = logs.map((l) => `{"timestamp":${l.ts},"fields":[${tag('event', 'string', l.event)}${l.msg ? ',' + tag('message', 'string', l.msg) : ''}]}`).join(',');
    chunk += `${first ? '' : ','}{"traceID":"${TRACE_ID}","spanID":"${sid}","flags":1,"operationName":${JSON.stringify(op)},"references":${refs},"startTime":${start},"duration":${dur},"tags":[${tags.join(',')}],"logs":[${logText}],"processID":"p${pidx + 1}","warnings":null}`;
    first = false;
    return sid;
  };
  const tagsFor = (service, depth) => {
    if (service === 'mysql') return [tag('db.system', 'string', 'mysql'), tag('db.statement', 'string', `SELECT * FROM t${depth} WHERE id = ?`)];
    if (service === 'redis') return [tag('db.system', 'string', 'redis'), tag('net.peer.name', 'string', 'redis-0')];
    if (service === 'frontend' || service === 'api-gateway') {
      return [tag('http.method', 'string', 'GET'), tag('http.url', 'string', `/api/v1/${service}/${Math.floor(rnd() * 1000)}`), tag('http.status_code', 'int64', 200)];
    }
    return [tag('rpc.system', 'string', 'grpc'), tag('peer.service', 'string', service)];
  };

  out.write(`{"data":[{"traceID":"${TRACE_ID}","spans":[`);
  const t0 = 1_700_000_000_000_000;
  const requests = Math.ceil(target / 50);
  const rootDur = requests * 2_000 + 200_000;
  const root = span('frontend', 'batch /nightly-reconcile', null, t0, rootDur,
    [tag('http.method', 'string', 'POST'), tag('http.url', 'string', '/batch/nightly-reconcile')], []);
  // Depth-first request subtrees until `target` spans exist.
  let r = 0;
  while (id < target) {
    const start = t0 + 1_000 + r * 2_000;
    const dur = 5_000 + Math.floor(rnd() * 60_000);
    const stack = [{ service: 'frontend', parent: root, start, dur, depth: 1 }];
    while (stack.length && id < target) {
      const n = stack.pop();
      const logs = rnd() < 0.2 ? [{ ts: n.start + 10, event: 'cache miss', msg: 'loading from origin' }] : [];
      const sid = span(n.service, pick(OPS[n.service]), n.parent, n.start, n.dur, tagsFor(n.service, n.depth), logs);
      const callees = CALLS[n.service];
      if (!callees.length || n.depth >= 7) continue;
      const k = n.depth === 1 ? 3 + Math.floor(rnd() * 4) : Math.floor(rnd() * 4);
      for (let c = 0; c < k; c++) {
        const off = Math.floor(rnd() * n.dur * 0.6);
        const cdur = Math.max(1, Math.floor(rnd() * (n.dur - off) * 0.9));
        stack.push({ service: pick(callees), parent: sid, start: n.start + off, dur: cdur, depth: n.depth + 1 });
      }
    }
    r += 1;
    await flush(false);
  }
  const processes = SERVICES.map((s, i) => `"p${i + 1}":{"serviceName":"${s}","tags":[${tag('hostname', 'string', `${s}-7d9f${i}`)},${tag('ip', 'string', `10.0.${i}.17`)},${tag('jaeger.version', 'string', 'Go-2.30.0')}]}`).join(',');
  chunk += `],"processes":{${processes}},"warnings":null}],"total":0,"limit":0,"offset":0,"errors":null}`;
  await flush(true);
  out.end();
  await once(out, 'finish');
  renameSync(path + '.tmp', path);
  return { spans: id, errors, roots: 1 };
}

async function ensureFile(spans) {
  mkdirSync(DIR, { recursive: true });
  const path = join(DIR, `jaeger-${spans}-v${GEN_VERSION}.json`);
  const meta = path + '.meta.json';
  if (existsSync(path) && existsSync(meta)) {
    return { path, ...JSON.parse(readFileSync(meta, 'utf8')), bytes: statSync(path).size, cached: true };
  }
  const t = Date.now();
  const info = await generateJaeger(path, spans);
  writeFileSync(meta, JSON.stringify(info));
  const bytes = statSync(path).size;
  log(`generated ${path}: ${(bytes / 1e6).toFixed(1)} MB, ${info.spans} spans in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return { path, ...info, bytes, cached: false };
}

// ---------------------------------------------------------------------------------------------
// Process memory: the renderer that hosts the page (and its dedicated worker and wasm memory).

function descendants(pid) {
  const children = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(d));
    } catch { /* gone */ }
  }
  const out = [];
  const walk = (p) => { for (const c of children.get(p) ?? []) { out.push(c); walk(c); } };
  walk(pid);
  return out;
}

function rssBytes(pid) {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
    return m ? Number(m[1]) * 1024 : 0;
  } catch { return 0; }
}

function rendererPids(browserPid) {
  return descendants(browserPid).filter((p) => {
    try { return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('--type=renderer'); } catch { return false; }
  });
}

/** Samples the largest renderer RSS every 100 ms until stopped; returns { stop() -> peak }. */
function sampleRenderers(browserPid) {
  let peak = 0;
  let pids = rendererPids(browserPid);
  let n = 0;
  const timer = setInterval(() => {
    if (++n % 20 === 0) pids = rendererPids(browserPid);
    for (const p of pids) peak = Math.max(peak, rssBytes(p));
  }, 100);
  return { stop: () => { clearInterval(timer); for (const p of pids) peak = Math.max(peak, rssBytes(p)); return peak; } };
}

const largestRendererRss = (browserPid) => Math.max(0, ...rendererPids(browserPid).map(rssBytes));

// ---------------------------------------------------------------------------------------------
// In-page helpers (installed before each measurement).

/** Installed into the viewer page: long-task log, phase log, load/draw timestamps. */
function installMonitor() {
  const b = { change: null, idle: null, error: null, drawn: null, phases: [], longTasks: [] };
  window.__bench = b;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) b.longTasks.push({ start: e.startTime, dur: e.duration });
  }).observe({ type: 'longtask', buffered: false });
  window.addEventListener('change', (ev) => {
    if (ev.target?.dataset?.testid === 'file-input' && b.change === null) b.change = performance.now();
  }, true);
  const root = document.querySelector('[data-testid=viewer]');
  let lastPhase = null;
  // The canvas says how many span bars it drew (data-bars).
  const hasInk = () => Number(document.querySelector('[data-testid=timeline-canvas]')?.dataset.bars) > 0;
  const mo = new MutationObserver(() => {
    if (b.change === null) return;
    const p = document.querySelector('[data-testid=progress] span')?.textContent ?? null;
    const phase = p ? p.split(/[\s…]/)[0] : null;
    if (phase && phase !== lastPhase) { lastPhase = phase; b.phases.push({ phase, at: performance.now(), label: p }); }
    const state = root.getAttribute('data-app-state');
    if (state === 'idle' && b.idle === null && b.phases.length + (b.sawLoading ? 1 : 0) > 0) b.idle = performance.now();
    if (state === 'loading') b.sawLoading = true;
    if (state === 'error' && b.error === null) b.error = root.querySelector('[data-testid=load-error]')?.textContent ?? 'error';
    if (b.idle !== null || b.error !== null) mo.disconnect();
  });
  mo.observe(root, { attributes: true, childList: true, subtree: true, characterData: true });
  const tick = () => {
    if (b.idle !== null && b.drawn === null && hasInk()) { b.drawn = performance.now(); return; }
    if (b.error !== null) return;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

/**
 * Runs an action in the page and times it to the frame after the one in which `until` first
 * holds (so the layout and paint of the change are included). Conditions are checked once per
 * animation frame; a frame is ~16.7 ms, so ~17-33 ms is the floor of any figure here.
 */
async function timeInPage(page, action, until, arg) {
  return page.evaluate(async ({ action, until, arg, timeout }) => {
    const act = new Function('arg', action);
    const cond = new Function('arg', until);
    const raf = () => new Promise((r) => requestAnimationFrame(r));
    const before = window.__bench.longTasks.length;
    const t0 = performance.now();
    act(arg);
    for (;;) {
      await raf();
      if (cond(arg)) break;
      if (performance.now() - t0 > timeout) throw new Error(`timed out: ${until}`);
    }
    await raf();
    const ms = performance.now() - t0;
    // Long tasks are reported a little late; give them a moment.
    await new Promise((r) => setTimeout(r, 50));
    const lt = window.__bench.longTasks.slice(before).filter((t) => t.start >= t0 - 1);
    return { ms, longTasks: lt.length, worst: Math.max(0, ...lt.map((t) => t.dur)) };
  }, { action, until, arg, timeout: LONG });
}

// ---------------------------------------------------------------------------------------------

const log = (s) => console.log(`    ${s}`);
const mb = (b) => (b / 1e6).toFixed(1);

async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(LONG);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('crash', () => page.errors.push('renderer crashed'));
  return page;
}

async function cdpMetrics(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  await cdp.detach();
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

async function gc(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage').catch(() => {});
  await cdp.detach();
}

/** Opens `file` in the viewer; `parsers` fixes how many workers parse it (else the page's
 *  default); `loadOnly` stops after the load figures (no interactions). */
async function benchViewer(browser, browserPid, file, { parsers = null, loadOnly = false } = {}) {
  const page = await newPage(browser);
  if (parsers !== null) await page.addInitScript((n) => localStorage.setItem('trace-parsers', n), String(parsers));
  await page.goto(`${BASE_URL}/viewer`);
  await page.waitForSelector('[data-testid=viewer][data-app-state=idle]');
  // Nobody drops a file within a second of the page appearing; the page may use that second.
  await page.waitForTimeout(1000);
  await page.evaluate(installMonitor);
  const baseRss = largestRendererRss(browserPid);
  const sampler = sampleRenderers(browserPid);
  const started = Date.now();
  await page.setInputFiles('[data-testid=file-input]', file.path);
  // Poll sparsely: the page's own rAF loop takes the timestamps.
  await page.waitForFunction(() => window.__bench.error !== null || window.__bench.drawn !== null,
    null, { polling: 250, timeout: LONG });
  const peakRss = sampler.stop();
  const wall = Date.now() - started;
  await page.waitForTimeout(200); // late long-task entries
  const b = await page.evaluate(() => window.__bench);
  if (b.error !== null) throw new Error(`viewer load failed: ${b.error}`);
  const r = {
    kind: 'viewer', file, wall,
    toIdle: b.idle - b.change,
    toDrawn: b.drawn - b.change,
    phases: b.phases.map((p) => ({ phase: p.phase, at: p.at - b.change })),
    longTasks: b.longTasks.map((t) => ({ at: t.start - b.change, dur: t.dur })),
    spansShown: Number(await page.getByTestId('header-summary').getAttribute('data-spans')),
    parsedBy: await page.getByTestId('header-file').getAttribute('data-parsed-by'),
    pageWasm: Number(await page.getByTestId('viewer').getAttribute('data-wasm-bytes')),
    peakRss, baseRss,
  };
  r.worst = Math.max(0, ...r.longTasks.map((t) => t.dur));
  if (loadOnly) {
    await page.context().close();
    return r;
  }
  await gc(page);
  r.heap = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? null);
  const m = await cdpMetrics(page);
  r.cdpHeap = m.JSHeapUsedSize;
  r.domNodes = m.Nodes;
  r.afterRss = largestRendererRss(browserPid);

  // Interactions, each timed in the page to the frame after its result shows.
  const steps = {};
  // A step that fails is reported and the others still run.
  const step = async (name, ...a) => {
    try { steps[name] = await timeInPage(page, ...a); } catch (e) { steps[name] = { error: String(e.message ?? e).split('\n')[0] }; }
  };
  await step('scroll',
    `window.__draws = 0;
     const c = document.querySelector('[data-testid=timeline-canvas]');
     const ctx = c.getContext('2d');
     const orig = ctx.fillRect;
     ctx.fillRect = function (...a) { window.__draws++; return orig.apply(this, a); };
     const el = document.querySelector('[data-testid=timeline-rows]');
     window.__scroll0 = el.scrollTop;
     el.scrollTop = el.scrollTop + 5000;`,
    `const top = document.querySelector('[data-testid=timeline-rows]').scrollTop;
     const row = Math.floor(top / ${ROW_H});
     return top !== window.__scroll0 && window.__draws > 0 && [...document.querySelectorAll('[data-testid=span-row]')]
       .some((e) => parseFloat(e.style.top) >= row * ${ROW_H});`);
  steps.scroll.scrolled = await page.evaluate(() => {
    delete document.querySelector('[data-testid=timeline-canvas]').getContext('2d').fillRect;
    return document.querySelector('[data-testid=timeline-rows]').scrollTop - window.__scroll0;
  });
  // Each search starts from an empty box, so its result is told apart from the last one's.
  const search = async (name, query) => {
    await page.evaluate(() => {
      const i = document.querySelector('[data-testid=search]');
      i.value = '';
      i.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.waitForFunction(() => !/\d/.test(document.querySelector('[data-testid=match-count]')?.textContent ?? ''), null, { timeout: LONG });
    await step(name,
      `const i = document.querySelector('[data-testid=search]');
       i.value = arg;
       i.dispatchEvent(new Event('input', { bubbles: true }));`,
      `return /^\\d+ match(es)?$/.test(document.querySelector('[data-testid=match-count]').textContent.trim());`, query);
    if (!steps[name].error) steps[name].shown = (await page.getByTestId('match-count').textContent()).trim() || '(none)';
  };
  await search('search', 'status=error');
  // Attribute and free-text searches read an index of the span details that the worker builds
  // between requests once the trace is open (a search that comes first finishes it). A person
  // looks at the trace for a while before searching its attributes: so does the bench.
  await page.waitForTimeout(INDEX_PAUSE_MS);
  await search('attrFirst', 'http.status_code=500');
  await search('attrNext', 'db.system=redis');
  await search('text', 'origin');
  const spacerH = `parseFloat((document.querySelector('.tl-spacer').getAttribute('style') ?? '').replace(/^.*height:\\s*/, ''))`;
  await step('collapse',
    `document.querySelector('[data-testid=collapse-all]').click();`,
    `return document.querySelectorAll('[data-testid=span-row]').length === arg
       && ${spacerH} === arg * ${ROW_H};`, file.roots);
  await step('expand',
    `document.querySelector('[data-testid=expand-all]').click();`,
    `return ${spacerH} === arg * ${ROW_H}
       && document.querySelectorAll('[data-testid=span-row]').length > 1;`, file.spans);
  const shownSpanId = () => page.evaluate(() => document.querySelector('[data-testid=span-id]')?.textContent ?? '');
  await step('details',
    `const rows = document.querySelectorAll('[data-testid=span-row]');
     rows[Math.min(3, rows.length - 1)].click();`,
    `const id = document.querySelector('[data-testid=span-id]')?.textContent ?? '';
     return id !== '' && id !== arg;`, await shownSpanId());
  await step('stats',
    `document.querySelector('[data-testid=tab-stats]').click();`,
    `return document.querySelectorAll('[data-testid=chart-self-time] svg rect').length >= 2
       && document.querySelectorAll('[data-testid=chart-histogram] svg rect').length >= 2;`);
  await step('table',
    `document.querySelector('[data-testid=tab-table]').click();`,
    `return !!document.querySelector('[data-testid=span-table][data-ready] [data-testid=table-row]');`);
  await step('tableSort',
    `document.querySelector('[data-testid=table-sort-duration]').click();`,
    `return document.querySelector('[data-testid=span-table]')?.dataset.order === 'duration-desc'
       && !!document.querySelector('[data-testid=table-row]');`);
  // The flame graph: first drawing (the worker folds), then one zoom step in each mode, with
  // the time the drawing itself took (the canvas's data-draw-ms).
  const flameZoom = async (name) => {
    await step(name,
      `window.__flameWindow = document.querySelector('.flame').dataset.window;
       window.dispatchEvent(new KeyboardEvent('keydown', { key: 'w', bubbles: true }));`,
      `return document.querySelector('.flame').dataset.window !== window.__flameWindow;`);
    if (!steps[name].error) steps[name].drawMs = Number(await page.evaluate(() => document.querySelector('[data-testid=flame-canvas]').dataset.drawMs));
  };
  await step('flame',
    `document.querySelector('[data-testid=tab-flame]').click();`,
    `return !!document.querySelector('[data-view=flame][data-ready]');`);
  await flameZoom('flameZoom');
  await step('flameTime',
    `document.querySelector('[data-testid=flame-mode-time]').click();`,
    `return document.querySelector('.flame')?.dataset.mode === 'time'
       && !!document.querySelector('[data-view=flame][data-ready]');`);
  await flameZoom('flameTimeZoom');
  await step('map',
    `document.querySelector('[data-testid=tab-map]').click();`,
    `return !!document.querySelector('[data-view=map][data-ready] [data-testid=map-node]');`);
  r.steps = steps;
  r.pageErrors = page.errors;
  await page.context().close();
  return r;
}

/** The peer: read the file as text and JSON.parse it on the page's main thread. */
async function benchJsonParse(browser, browserPid, file) {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/viewer`);
  await page.waitForSelector('[data-testid=viewer][data-app-state=idle]');
  // A plain input of our own, so that the viewer's handler does not run.
  await page.evaluate(() => {
    const i = document.createElement('input');
    i.type = 'file';
    i.id = 'peer-input';
    document.body.append(i);
    window.__peer = { longTasks: [] };
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__peer.longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: false });
    i.addEventListener('change', async () => {
      const p = window.__peer;
      p.heap0 = performance.memory.usedJSHeapSize;
      p.t0 = performance.now();
      try {
        const text = await i.files[0].text();
        p.t1 = performance.now();
        p.chars = text.length;
        if (text.length < i.files[0].size) {
          // Chromium hands back an empty string when the text cannot fit in one V8 string.
          throw new Error(`File.text() returned ${text.length} of ${i.files[0].size} characters`);
        }
        window.__doc = JSON.parse(text);
        p.t2 = performance.now();
        p.spans = window.__doc.data.reduce((n, t) => n + t.spans.length, 0);
      } catch (e) {
        p.error = `${e.name}: ${e.message}`;
        p.failedAfter = performance.now() - p.t0;
      }
      p.done = true;
    });
  });
  await gc(page);
  const heapBefore = await page.evaluate(() => performance.memory.usedJSHeapSize);
  const baseRss = largestRendererRss(browserPid);
  const sampler = sampleRenderers(browserPid);
  await page.setInputFiles('#peer-input', file.path);
  await page.waitForFunction(() => window.__peer.done === true, null, { polling: 250, timeout: LONG });
  const peakRss = sampler.stop();
  await page.waitForTimeout(200);
  const p = await page.evaluate(() => window.__peer);
  const r = { kind: 'peer', file, error: p.error, failedAfter: p.failedAfter, baseRss, peakRss, pageErrors: page.errors };
  if (!p.error) {
    await gc(page);
    r.read = p.t1 - p.t0;
    r.parse = p.t2 - p.t1;
    r.total = p.t2 - p.t0;
    r.spans = p.spans;
    r.worst = Math.max(0, ...p.longTasks);
    r.longTasks = p.longTasks.length;
    // The parsed document alone (the text is garbage by now).
    r.heap = (await page.evaluate(() => performance.memory.usedJSHeapSize)) - heapBefore;
  }
  await page.context().close();
  return r;
}

// ---------------------------------------------------------------------------------------------

function table(headers, rows) {
  const w = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join('  ');
  console.log(line(headers));
  for (const r of rows) console.log(line(r));
}

const ms = (x) => (x === undefined || x === null || Number.isNaN(x) ? '-' : Math.round(x).toString());

async function main() {
  console.log(`viewer load benchmark (${QUICK ? 'quick' : 'full'}): ${BASE_URL}/viewer, files in ${DIR}`);
  const files = [];
  for (const n of SIZES) files.push(await ensureFile(n));
  for (const f of files) if (f.cached) log(`reusing ${f.path} (${mb(f.bytes)} MB, ${f.spans} spans)`);
  if (process.argv.includes('--generate-only')) return;

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    timeout: LONG,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--enable-precise-memory-info', '--js-flags=--max-old-space-size=8192',
      '--disable-renderer-backgrounding', '--disable-background-timer-throttling'],
  });
  const bcdp = await browser.newBrowserCDPSession();
  const { processInfo } = await bcdp.send('SystemInfo.getProcessInfo');
  const browserPid = processInfo.find((p) => p.type === 'browser')?.id;
  const version = (await bcdp.send('Browser.getVersion')).product;
  console.log(`browser: ${version}, pid ${browserPid}`);

  const viewer = [];
  const oneWorker = [];
  const peers = [];
  let failed = false;
  for (const f of files) {
    log(`viewer: ${mb(f.bytes)} MB, ${f.spans} spans ...`);
    try {
      const v = await benchViewer(browser, browserPid, f);
      viewer.push(v);
      log(`  idle ${ms(v.toIdle)} ms, drawn ${ms(v.toDrawn)} ms, ${v.longTasks.length} long tasks (worst ${ms(v.worst)} ms)`);
    } catch (e) {
      const msg = String(e.message ?? e).split('\n')[0];
      viewer.push({ kind: 'viewer', file: f, error: msg });
      // Past a gigabyte a file the viewer refuses (with its message) is a result to print.
      if (HUGE_SIZES.includes(f.spans) && msg.startsWith('viewer load failed:')) {
        log(`  cannot: ${msg}`);
      } else {
        console.error(`viewer bench, ${f.spans} spans: ${e.stack ?? e}`);
        failed = true;
      }
    }
    if (f.bytes >= PARALLEL_FROM_BYTES) {
      log('viewer with one parsing worker ...');
      try {
        const one = await benchViewer(browser, browserPid, f, { parsers: 1, loadOnly: true });
        oneWorker.push(one);
        log(`  drawn ${ms(one.toDrawn)} ms`);
      } catch (e) {
        oneWorker.push({ kind: 'viewer', file: f, error: String(e.message ?? e).split('\n')[0] });
      }
    }
    if (f.bytes > V8_MAX_STRING) {
      // File.text() cannot make a string this long: said without reading the file again.
      peers.push({ kind: 'peer', file: f, error: `File.text() cannot return ${f.bytes} characters`, peakRss: 0 });
      continue;
    }
    log('peer: File.text() + JSON.parse on the main thread ...');
    try {
      const p = await benchJsonParse(browser, browserPid, f);
      peers.push(p);
      log(p.error ? `  cannot: ${p.error}` : `  ${ms(p.total)} ms`);
    } catch (e) {
      // A renderer that dies of the peer's memory use is the peer's result, not our failure.
      const msg = String(e.message ?? e).split('\n')[0];
      peers.push({ kind: 'peer', file: f, error: `page failed: ${msg}`, peakRss: 0 });
      log(`  cannot: ${msg}`);
    }
  }
  await browser.close();

  const ok = viewer.filter((v) => !v.error);
  console.log('');
  console.log('Viewer load: pick -> data-app-state idle, pick -> first drawn timeline (span bars on the canvas);');
  console.log('main-thread long tasks during the load; memory after load and a GC (JS heap = page main thread only;');
  console.log('the parsed trace lives in wasm memory in the worker and the page; page wasm = the page\'s wasm memory, which');
  console.log('never shrinks, so its peak; the renderer RSS holds the page and its workers)');
  table(['file MB', 'spans', 'shown', 'idle ms', 'drawn ms', 'long tasks', 'worst LT ms', 'JS heap MB', 'CDP heap MB', 'page wasm MB (B/span)', 'DOM nodes', 'renderer RSS MB before / peak / after'],
    ok.map((v) => [mb(v.file.bytes), v.file.spans, v.spansShown, ms(v.toIdle), ms(v.toDrawn), v.longTasks.length,
      ms(v.worst), v.heap ? mb(v.heap) : '-', mb(v.cdpHeap), `${mb(v.pageWasm)} (${Math.round(v.pageWasm / v.file.spans)})`, v.domNodes,
      `${mb(v.baseRss)} / ${mb(v.peakRss)} / ${mb(v.afterRss)}`]));
  for (const v of viewer.filter((v) => v.error)) console.log(`  ${v.file.spans} spans: FAILED: ${v.error}`);
  console.log('');
  console.log(`One parsing worker against the default (${PARSERS_NOTE}): pick -> first drawn timeline`);
  table(['file MB', 'spans', 'one worker ms', 'default ms', 'speed-up', 'parsed by (one / default)', 'worst LT ms (one / default)', 'renderer RSS peak MB (one / default)'],
    oneWorker.map((o) => {
      const v = ok.find((x) => x.file === o.file);
      if (o.error || !v) return [mb(o.file.bytes), o.file.spans, o.error ? `FAILED: ${o.error}` : ms(o.toDrawn), v ? ms(v.toDrawn) : '-', '-', '-', '-', '-'];
      return [mb(o.file.bytes), o.file.spans, ms(o.toDrawn), ms(v.toDrawn), `${(o.toDrawn / v.toDrawn).toFixed(2)}x`,
        `${o.parsedBy} / ${v.parsedBy}`, `${ms(o.worst)} / ${ms(v.worst)}`, `${mb(o.peakRss)} / ${mb(v.peakRss)}`];
    }));
  console.log('');
  console.log('Load phases (ms after pick when the progress label first shows each phase)');
  for (const v of ok) {
    const ph = v.phases.map((p) => `${p.phase} @${ms(p.at)}`).join(', ');
    console.log(`  ${v.file.spans} spans: ${ph || '(no progress shown)'}, idle @${ms(v.toIdle)}, drawn @${ms(v.toDrawn)}`);
    const lts = v.longTasks.map((t) => `${ms(t.dur)} ms @${ms(t.at)}`);
    console.log(`    long tasks (duration @start): ${lts.length ? lts.join(', ') : 'none'}`);
  }
  console.log('');
  console.log('After load: ms from the action to the frame after the result shows (one frame is ~17 ms);');
  console.log('in brackets the main-thread long tasks during it');
  const f = (x) => (x.error ? `FAILED: ${x.error}` : `${ms(x.ms)}${x.longTasks ? ` (${x.longTasks} LT, worst ${ms(x.worst)})` : ''}`);
  console.log(`Attribute and free-text search, ${INDEX_PAUSE_MS / 1000} s after the load (the worker indexes the span details meanwhile;`);
  console.log('a search before the index is complete finishes it first; traces over 2M spans are indexed by the first search)');
  table(['file MB', 'spans', 'search http.status_code=500 (first)', 'db.system=redis', 'free text "origin"', 'matches shown'],
    ok.map((v) => {
      const s = v.steps;
      return [mb(v.file.bytes), v.file.spans, f(s.attrFirst), f(s.attrNext), f(s.text), [s.attrFirst, s.attrNext, s.text].map((x) => x.shown ?? '-').join(' / ')];
    }));
  table(['file MB', 'spans', 'scroll 5000px', 'search status=error', 'matches shown / errors in file', 'collapse all', 'expand all', 'span details', 'statistics', 'span table', 'table by duration'],
    ok.map((v) => {
      const s = v.steps;
      const scroll = `${f(s.scroll)}${s.scroll.scrolled !== undefined && s.scroll.scrolled !== 5000 ? ` [scrolled ${s.scroll.scrolled}px]` : ''}`;
      return [mb(v.file.bytes), v.file.spans, scroll, f(s.search), `${s.search.shown} / ${v.file.errors}`, f(s.collapse), f(s.expand), f(s.details), f(s.stats), f(s.table), f(s.tableSort)];
    }));
  const drawn = (x) => (x.error || x.drawMs === undefined ? '' : ` (drawing ${x.drawMs} ms)`);
  table(['file MB', 'spans', 'flame graph (merged)', 'zoom step', 'time order', 'zoom step', 'service map'],
    ok.map((v) => {
      const s = v.steps;
      return [mb(v.file.bytes), v.file.spans, f(s.flame), `${f(s.flameZoom)}${drawn(s.flameZoom)}`, f(s.flameTime), `${f(s.flameTimeZoom)}${drawn(s.flameTimeZoom)}`, f(s.map)];
    }));
  console.log('');
  console.log('Peer: File.text() + JSON.parse on the page main thread (what Jaeger UI does); heap = the parsed document');
  table(['file MB', 'spans', 'read ms', 'JSON.parse ms', 'total ms', 'long tasks', 'worst LT ms', 'heap MB', 'renderer RSS MB before / peak'],
    peers.filter((p) => !p.error).map((p) => [mb(p.file.bytes), p.spans, ms(p.read), ms(p.parse), ms(p.total), p.longTasks, ms(p.worst), mb(p.heap), `${mb(p.baseRss)} / ${mb(p.peakRss)}`]));
  for (const p of peers.filter((p) => p.error)) {
    const limit = p.file.bytes > V8_MAX_STRING ? `; the file is ${p.file.bytes} bytes, over V8's maximum string length of ${V8_MAX_STRING} characters` : '';
    console.log(`  ${mb(p.file.bytes)} MB, ${p.file.spans} spans: CANNOT: ${p.error}${p.failedAfter !== undefined ? ` (after ${ms(p.failedAfter)} ms)` : ''}${limit}`);
  }
  console.log('');
  console.log('Viewer vs JSON.parse alone (viewer / peer)');
  for (const v of ok) {
    const p = peers.find((q) => q.file === v.file);
    if (!p || p.error) {
      console.log(`  ${v.file.spans} spans: no ratio: JSON.parse alone cannot open this file (${p ? p.error : 'not run'}); the viewer can`);
      continue;
    }
    const rss = (v.peakRss - v.baseRss) / (p.peakRss - p.baseRss);
    console.log(`  ${v.file.spans} spans: load to idle ${(v.toIdle / p.total).toFixed(2)}x, to first drawn timeline ${(v.toDrawn / p.total).toFixed(2)}x ` +
      `(${ms(v.toDrawn)} vs ${ms(p.total)} ms); worst main-thread long task ${ms(v.worst)} vs ${ms(p.worst)} ms; ` +
      `renderer RSS growth at peak ${rss.toFixed(2)}x (${mb(v.peakRss - v.baseRss)} vs ${mb(p.peakRss - p.baseRss)} MB)`);
  }
  for (const r of [...viewer, ...peers]) {
    if (r.pageErrors?.length) { console.log(`page errors (${r.kind}, ${r.file.spans} spans): ${r.pageErrors.join('; ')}`); }
  }
  if (failed) process.exitCode = 1;
}

main().catch((e) => { console.error(e.stack ?? e); process.exit(1); });
