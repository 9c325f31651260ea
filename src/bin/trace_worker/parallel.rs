//! Parallel parsing in the browser (the scheme is `trace_core`'s `import/parallel.rs`): the
//! importing worker reads a big Jaeger file in the order a `ReadPlan` gives, while helper
//! workers — this same script, started by it — each parse a later part of the spans array
//! and send the span records back. Both sides are here: [`stream_file`] and [`Helper`] run in
//! the importing worker, [`scan_part`] in a helper.
//!
//! A helper that fails, or guessed its start wrong, costs only its work: the importing worker
//! then parses that part itself.

use crate::worker::{js_text, post_bytes, post_json, progress, scope};
use js_sys::{Function, Promise, Reflect, Uint8Array};
use std::cell::RefCell;
use std::rc::Rc;
use trace_core::{
    guess_span_start, helper_targets, ReadPlan, ReadStep, ScanEnd, SpanScan, StreamImport,
};
use viewer_session::protocol::{envelope, Phase, Request, Response};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, ErrorEvent, MessageEvent, Worker};

/// Read files in slices of this size: large enough that per-call overhead is negligible,
/// small enough that the JS-side ArrayBuffer for one slice stays modest and progress
/// updates come several times a second.
pub const CHUNK: u64 = 8 << 20;

/// Files smaller than this are parsed by one worker: a helper's start (its wasm compiled, its
/// warm-up load) costs about what parsing a few megabytes does.
const HELPED_FROM_BYTES: u64 = 32 << 20;

/// Bytes looked at for a span start after a helper's target.
const PROBE_BYTES: u64 = 64 << 10;

/// How many workers parse a big file unless the page says: the cores but the page's, and at
/// least two (the page's thread mostly waits while a file loads), at most eight.
pub fn default_parsers() -> u32 {
    let cores = scope().navigator().hardware_concurrency() as u32;
    cores.saturating_sub(1).clamp(2, 8)
}

/// Feeds `blob` to `import` a slice at a time, with `parsers - 1` helpers when it is big,
/// posting progress from `done` of `total` bytes. True when the whole file was taken; false
/// when the import said to read it whole.
pub async fn stream_file(
    name: &str,
    blob: &Blob,
    (done, total): (f64, f64),
    import: &mut StreamImport,
    parsers: u32,
) -> Result<bool, String> {
    let size = blob.size() as u64;
    let fail = |what: &str, e: &JsValue| format!("{name}: {}", js_text(what, e));
    // Started now, so they compile while the first slice is read; told what to parse later.
    let wanted = if size >= HELPED_FROM_BYTES {
        parsers.saturating_sub(1) as usize
    } else {
        0
    };
    let mut idle: Vec<Helper> = (0..wanted).map_while(|_| Helper::spawn().ok()).collect();
    let mut helpers: Vec<Helper> = Vec::new();
    let mut plan = ReadPlan::new(size, CHUNK);
    let mut in_flight: Option<(JsFuture, u64)> = None;
    loop {
        let step = plan.next_step();
        let next = match step {
            ReadStep::Read { from, to } => {
                Some((read(blob, from, to).map_err(|e| fail("slice", &e))?, to))
            }
            _ => None,
        };
        if let Some((slice, to)) = in_flight.take() {
            let chunk = Uint8Array::new(&slice.await.map_err(|e| fail("read", &e))?);
            if chunk.length() == 0 {
                return Err(format!("{name}: the file ended early (was it changed?)"));
            }
            if import
                .feed_with(chunk.length() as usize, |room| chunk.copy_to(room))
                .is_err()
            {
                return Ok(false);
            }
            progress(Phase::Reading, (done + to as f64) as u64, total as u64);
            if !idle.is_empty() && import.is_detected() {
                let starts = span_starts(blob, to, size, idle.len()).await;
                for (k, (helper, &start)) in idle.drain(..).zip(&starts).enumerate() {
                    let end = starts.get(k + 1).copied().unwrap_or(size);
                    helper.scan(blob, start, end);
                    helpers.push(helper);
                }
                let starts = &starts[..helpers.len()];
                plan.with_helpers_at(starts);
                import.stop_before(starts);
            }
        }
        match step {
            ReadStep::Read { .. } => in_flight = next,
            ReadStep::Splice { helper, at } => {
                let Some(h) = helpers.get(helper) else {
                    plan.spliced(None);
                    continue;
                };
                let (end, batches) = h.finished().await;
                let added = import.splice_batches(at, end, batches.iter().map(Uint8Array::to_vec));
                match added {
                    Ok(added) => plan.spliced(added.then_some(end.resume_at)),
                    Err(_) => return Ok(false),
                }
                // Its part is done: let its memory go now.
                helpers[helper].terminate();
            }
            ReadStep::Done => return Ok(true),
        }
    }
}

/// Where `helpers` helpers start, each a span start found after its share's target.
async fn span_starts(blob: &Blob, from: u64, size: u64, helpers: usize) -> Vec<u64> {
    let mut starts: Vec<u64> = Vec::new();
    for target in helper_targets(size - from.min(size), helpers) {
        let target = from + target;
        let Ok(slice) = read(blob, target, (target + PROBE_BYTES).min(size)) else {
            break;
        };
        let Ok(bytes) = slice.await else { break };
        let bytes = Uint8Array::new(&bytes).to_vec();
        match guess_span_start(&bytes, target) {
            Some(start) if starts.last().is_none_or(|&last| start > last) => starts.push(start),
            _ => break,
        }
    }
    starts
}

/// Asks for bytes `from..to` of `blob`.
pub fn read(blob: &Blob, from: u64, to: u64) -> Result<JsFuture, JsValue> {
    let slice = blob.slice_with_f64_and_f64(from as f64, to as f64)?;
    Ok(JsFuture::from(slice.array_buffer()))
}

/// A helper worker, as the importing worker sees it.
pub struct Helper {
    worker: Worker,
    state: Rc<RefCell<HelperState>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

#[derive(Default)]
struct HelperState {
    ready: bool,
    /// The request to send once it is ready (a message sent before is lost).
    request: Option<js_sys::Object>,
    batches: Vec<Uint8Array>,
    /// How the scan ended; nothing read when the helper failed.
    end: Option<ScanEnd>,
    /// Resolves the promise [`Helper::finished`] waits on.
    wake: Option<Function>,
}

impl HelperState {
    fn on_message(&mut self, data: &JsValue, worker: &Worker) {
        let field = |key: &str| Reflect::get(data, &JsValue::from_str(key)).ok();
        if field(envelope::READY).is_some_and(|v| v.is_truthy()) {
            self.ready = true;
            if let Some(msg) = self.request.take() {
                if worker.post_message(&msg).is_err() {
                    self.ended(None);
                }
            }
        } else if let Some(batch) = field(envelope::RECORDS).and_then(|v| v.dyn_into().ok()) {
            self.batches.push(batch);
        } else if let Some(json) = field(envelope::JSON).and_then(|v| v.as_string()) {
            match serde_json::from_str::<Response>(&json) {
                Ok(Response::Scanned(end)) => self.ended(Some(end)),
                // Its warm-up and progress say nothing to us.
                Ok(Response::Progress { .. }) => {}
                _ => self.ended(None),
            }
        } else if field(envelope::CRASHED).is_some_and(|v| !v.is_undefined()) {
            self.ended(None);
        }
    }

    fn ended(&mut self, end: Option<ScanEnd>) {
        if self.end.is_some() {
            return;
        }
        self.end = Some(end.unwrap_or(ScanEnd::NOTHING));
        if end.is_none() {
            self.batches.clear();
        }
        if let Some(wake) = self.wake.take() {
            let _ = wake.call0(&JsValue::NULL);
        }
    }
}

impl Helper {
    /// Starts a helper: this worker's own script, in a worker of its own.
    fn spawn() -> Result<Helper, JsValue> {
        let worker = Worker::new(&scope().location().href())?;
        let state = Rc::new(RefCell::new(HelperState::default()));
        let on_message = {
            let state = Rc::clone(&state);
            let worker = worker.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
                state.borrow_mut().on_message(&ev.data(), &worker);
            })
        };
        let on_error = {
            let state = Rc::clone(&state);
            Closure::<dyn FnMut(ErrorEvent)>::new(move |ev: ErrorEvent| {
                ev.prevent_default();
                state.borrow_mut().ended(None);
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Helper {
            worker,
            state,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// Asks it to parse the spans that start in `start..end` of `blob`.
    fn scan(&self, blob: &Blob, start: u64, end: u64) {
        let req = serde_json::to_string(&Request::ScanSpans { start, end }).unwrap_or_default();
        let msg = js_sys::Object::new();
        let files = js_sys::Array::of1(blob);
        let set = Reflect::set(
            &msg,
            &JsValue::from_str(envelope::REQUEST),
            &JsValue::from_str(&req),
        )
        .and_then(|_| Reflect::set(&msg, &JsValue::from_str(envelope::FILES), &files));
        let mut state = self.state.borrow_mut();
        if set.is_err() {
            return state.ended(None);
        }
        if state.ready {
            if self.worker.post_message(&msg).is_err() {
                state.ended(None);
            }
        } else {
            state.request = Some(msg);
        }
    }

    /// Waits until its scan ended: how, and its records.
    async fn finished(&self) -> (ScanEnd, Vec<Uint8Array>) {
        let state = Rc::clone(&self.state);
        let promise = Promise::new(&mut |resolve, _reject| {
            let mut state = state.borrow_mut();
            if state.end.is_some() {
                let _ = resolve.call0(&JsValue::NULL);
            } else {
                state.wake = Some(resolve);
            }
        });
        let _ = JsFuture::from(promise).await;
        let mut state = self.state.borrow_mut();
        let end = state.end.unwrap_or(ScanEnd::NOTHING);
        (end, std::mem::take(&mut state.batches))
    }

    fn terminate(&self) {
        self.worker.terminate();
    }
}

impl Drop for Helper {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

/// A helper's work: parses the span objects that start in `start..end` of `blob`, posting
/// their records after each slice, then how the scan ended.
pub async fn scan_part(blob: Blob, start: u64, end: u64) {
    let size = blob.size() as u64;
    let mut scan = SpanScan::new(start, end);
    let mut at = start;
    let mut next = read(&blob, at, (at + CHUNK).min(size)).ok();
    while let Some(slice) = next.take() {
        let Ok(buffer) = slice.await else { break };
        let chunk = Uint8Array::new(&buffer);
        let to = at + u64::from(chunk.length());
        if chunk.length() == 0 {
            break;
        }
        if to < size {
            next = read(&blob, to, (to + CHUNK).min(size)).ok();
        }
        scan.feed_with(chunk.length() as usize, to >= size, |room| {
            chunk.copy_to(room)
        });
        let records = scan.take_records();
        if !records.is_empty() {
            post_bytes(envelope::RECORDS, &records);
        }
        if scan.is_done() {
            break;
        }
        at = to;
    }
    post_json(&Response::Scanned(scan.end()));
}
