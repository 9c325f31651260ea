// Runs the wasm build of trace-core on each file: copy into wasm memory, parse once to warm up
// (V8 starts wasm in its baseline tier), then best of three. Prints MB/s and peak heap vs size.
// usage: node bench.mjs trace_core_wasm_bench.wasm FILE...
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const [wasmPath, ...files] = process.argv.slice(2);
const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), {});
const ex = instance.exports;

function once(bytes, parse = ex.parse) {
  ex.reset_peak();
  const ptr = ex.alloc_input(bytes.length);
  new Uint8Array(ex.memory.buffer, ptr, bytes.length).set(bytes);
  const t0 = performance.now();
  const spans = parse();
  const ms = performance.now() - t0;
  return { spans: Number(spans), ms, peak: ex.peak_bytes() };
}

console.log(`wasm (Node ${process.version}, V8):`);
console.log('format     size MB      spans   parse ms      MB/s    peak MB  peak/x  wasm mem MB  streamed ms');
for (const f of files) {
  const bytes = readFileSync(f);
  const first = once(bytes);
  if (first.spans < 0) throw new Error(`${f}: rejected`);
  let best = Infinity;
  for (let i = 0; i < 3; i++) best = Math.min(best, once(bytes).ms);
  // Fed 8 MB at a time, as the browser's worker imports a dropped Jaeger file (-2: read whole).
  let streamed = once(bytes, ex.parse_streamed);
  for (let i = 0; i < 2 && streamed.spans >= 0; i++) {
    const again = once(bytes, ex.parse_streamed);
    if (again.ms < streamed.ms) streamed = again;
  }
  const mb = bytes.length / 1e6;
  const row = [
    basename(f, '.json').padEnd(8),
    mb.toFixed(1).padStart(9),
    String(first.spans).padStart(10),
    best.toFixed(0).padStart(10),
    (mb / (best / 1000)).toFixed(0).padStart(9),
    (first.peak / 1e6).toFixed(1).padStart(10),
    (first.peak / bytes.length).toFixed(2).padStart(7),
    (ex.memory.buffer.byteLength / 1e6).toFixed(0).padStart(12),
    (streamed.spans >= 0 ? streamed.ms.toFixed(0) : 'read whole').padStart(12),
  ];
  console.log(row.join(' '));
}
