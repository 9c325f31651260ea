//! The page's side of the parsing worker (see `src/bin/trace_worker.rs`).
//!
//! Every load runs in a fresh `Worker`, so a failed, cancelled or crashed load never disturbs
//! the trace the user has open: that trace lives in the *current* worker until another load
//! succeeds, at which point the loading worker becomes current and the old one is terminated.
//! Messages from any worker that is neither loading nor current are ignored (a terminated
//! worker may still have messages in flight).
//!
//! A load does not wait for a worker to start: a *spare* worker is started ahead of time
//! ([`WorkerClient::prewarm`], when the page is idle and after each load), so its wasm is
//! already compiled and instantiated when the person drops a file.
//!
//! The page never parses trace data: file bytes go from the `File` to the worker, pasted text
//! goes as UTF-8 bytes, and the large answers (`View`, `Matches`) arrive as bytes that
//! `viewer_session::wire` decodes a column at a time from the transferred buffer (`js_wire`).

use crate::js_wire::JsBytes;
use js_sys::{Array, Object, Reflect, Uint8Array};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use viewer_session::flame::FlameData;
use viewer_session::protocol::{envelope, Request, Response};
use viewer_session::wire::{MatchData, OrderData, ViewData};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, File, MessageEvent, Worker};

/// How long after a load the next spare worker starts (then when the page is idle).
const SPARE_AFTER_LOAD_MS: i32 = 1_000;

/// What the worker tells the page.
#[derive(Debug, Clone)]
pub enum WorkerEvent {
    Response(Response),
    View(Box<ViewData>),
    Matches(MatchData),
    /// The open trace's spans in a span-table order.
    Order(OrderData),
    /// The open trace's merged flame graph.
    Flame(Box<FlameData>),
    /// A file the worker wrote (an export): its name and bytes, still in JS memory.
    Export {
        name: String,
        bytes: Uint8Array,
    },
    /// A file of the list in the library's stored form, with its content id.
    Remember {
        file: u32,
        id: String,
        bytes: Uint8Array,
    },
    /// The worker died (panic, failed to start, undecodable reply). It has been terminated;
    /// if it held the open trace, that trace is gone and must be loaded again.
    Crashed(String),
}

/// Handle to the page's workers. Cheap to clone; all clones share one state.
#[derive(Clone)]
pub struct WorkerClient {
    inner: Rc<RefCell<Inner>>,
}

type Callback = Rc<dyn Fn(WorkerEvent)>;

struct Inner {
    url: String,
    on_event: Callback,
    /// The worker that holds the open trace.
    current: Option<Slot>,
    /// The worker running a load, until it answers `Loaded` or `Failed`.
    loading: Option<Slot>,
    /// A started worker waiting for the next load.
    spare: Option<Slot>,
    next_id: u64,
}

/// A worker and the JS closures attached to it (dropping them detaches the handlers).
struct Slot {
    id: u64,
    worker: Worker,
    /// The worker has said `{ready: true}`: its message handler exists. Until then messages
    /// wait in `pending` (a message sent earlier would be dropped by the browser).
    ready: bool,
    pending: Vec<(Object, Option<Array>)>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

impl Slot {
    fn deliver(&mut self, msg: Object, transfer: Option<Array>) -> Result<(), String> {
        if !self.ready {
            self.pending.push((msg, transfer));
            return Ok(());
        }
        match transfer {
            Some(t) => self.worker.post_message_with_transfer(&msg, &t),
            None => self.worker.post_message(&msg),
        }
        .map_err(|e| js_text(&e))
    }

    fn set_ready(&mut self) -> Result<(), String> {
        self.ready = true;
        for (msg, transfer) in std::mem::take(&mut self.pending) {
            self.deliver(msg, transfer)?;
        }
        Ok(())
    }

    fn terminate(self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Loading,
    Current,
    Spare,
}

impl WorkerClient {
    /// `worker_url` is the worker script Trunk emits (`trace_worker_loader.js` next to the
    /// page). No worker starts until the first load or [`WorkerClient::prewarm`].
    pub fn new(worker_url: &str, on_event: impl Fn(WorkerEvent) + 'static) -> Self {
        WorkerClient {
            inner: Rc::new(RefCell::new(Inner {
                url: worker_url.to_string(),
                on_event: Rc::new(on_event),
                current: None,
                loading: None,
                spare: None,
                next_id: 0,
            })),
        }
    }

    /// Loads `files` (merged into one trace list) in a new worker.
    pub fn open_files(&self, files: Vec<File>) {
        let names = files.iter().map(File::name).collect();
        let list = Array::new();
        for f in &files {
            list.push(f);
        }
        self.start_load(
            &Request::OpenFiles {
                names,
                parsers: crate::browser::stored_parsers(),
            },
            Some((envelope::FILES, list.into())),
            None,
        );
    }

    /// Loads pasted text in a new worker. The text goes as UTF-8 bytes whose buffer is
    /// transferred: the page never parses it.
    pub fn open_pasted(&self, text: &str) {
        let bytes = Uint8Array::from(text.as_bytes());
        let transfer = Array::of1(&bytes.buffer());
        self.start_load(
            &Request::OpenPasted,
            Some((envelope::BYTES, bytes.into())),
            Some(transfer),
        );
    }

    /// Loads the bundled sample `name` (a file in `/samples/`) in a new worker.
    pub fn open_sample(&self, name: &str) {
        self.start_load(
            &Request::OpenSample {
                name: name.to_string(),
            },
            None,
            None,
        );
    }

    /// Loads the trace a share link carries (its `data=` value) in a new worker.
    pub fn open_link(&self, data: &str) {
        self.start_load(
            &Request::OpenLink {
                data: data.to_string(),
            },
            None,
            None,
        );
    }

    /// Fetches and loads the trace at `url` in a new worker.
    pub fn open_url(&self, url: &str) {
        self.start_load(
            &Request::OpenUrl {
                url: url.to_string(),
            },
            None,
            None,
        );
    }

    /// Stops the running load, if any. The open trace (current worker) is untouched.
    pub fn cancel(&self) {
        let slot = self.inner.borrow_mut().loading.take();
        if let Some(s) = slot {
            s.terminate();
            self.prewarm_when_idle();
        }
    }

    pub fn is_loading(&self) -> bool {
        self.inner.borrow().loading.is_some()
    }

    /// Sends a request about the open trace to the worker that holds it. Without one, the
    /// answer is a `Response::Error` event, delivered synchronously.
    pub fn send(&self, req: Request) {
        let result = {
            let mut inner = self.inner.borrow_mut();
            match inner.current.as_mut() {
                None => Err("no trace is open".to_string()),
                Some(slot) => message(&req, None).and_then(|m| slot.deliver(m, None)),
            }
        };
        if let Err(message) = result {
            let on_event = self.inner.borrow().on_event.clone();
            on_event(WorkerEvent::Response(Response::Error { message }));
        }
    }

    /// Starts the spare worker once the page is idle (drawing a trace or the start page comes
    /// first).
    pub fn prewarm_when_idle(&self) {
        let weak = Rc::downgrade(&self.inner);
        crate::browser::when_idle(move || {
            if let Some(inner) = weak.upgrade() {
                WorkerClient { inner }.prewarm();
            }
        });
    }

    /// Starts the spare worker a while after a load: compiling its wasm takes a core for a
    /// moment, which the first draw of the new trace needs more (this machine has two).
    fn prewarm_after_first_draw(&self) {
        let weak = Rc::downgrade(&self.inner);
        crate::browser::after_ms(SPARE_AFTER_LOAD_MS, move || {
            if let Some(inner) = weak.upgrade() {
                WorkerClient { inner }.prewarm_when_idle();
            }
        });
    }

    /// Starts the spare worker for the next load, unless there is one (or a load runs: it
    /// needs the CPU more). Its wasm loads and compiles meanwhile.
    pub fn prewarm(&self) {
        let wanted = {
            let inner = self.inner.borrow();
            inner.spare.is_none() && inner.loading.is_none()
        };
        if !wanted {
            return;
        }
        // A worker that cannot start now will be reported by the load that needs it.
        if let Ok(slot) = self.spawn() {
            self.inner.borrow_mut().spare = Some(slot);
        }
    }

    fn start_load(&self, req: &Request, extra: Option<(&str, JsValue)>, transfer: Option<Array>) {
        // A new load supersedes a running one.
        self.cancel();
        let spare = self.inner.borrow_mut().spare.take();
        let mut slot = match spare.map_or_else(|| self.spawn(), Ok) {
            Ok(slot) => slot,
            Err(e) => {
                let on_event = self.inner.borrow().on_event.clone();
                on_event(WorkerEvent::Crashed(e));
                return;
            }
        };
        let id = slot.id;
        let queued = message(req, extra).and_then(|m| slot.deliver(m, transfer));
        self.inner.borrow_mut().loading = Some(slot);
        if let Err(e) = queued {
            fail(
                &Rc::downgrade(&self.inner),
                id,
                format!("could not send to the worker: {e}"),
            );
        }
    }

    /// A new worker with its handlers attached; it says `ready` once it takes messages.
    fn spawn(&self) -> Result<Slot, String> {
        let (url, id) = {
            let mut inner = self.inner.borrow_mut();
            inner.next_id += 1;
            (inner.url.clone(), inner.next_id)
        };
        let worker = Worker::new(&url)
            .map_err(|e| format!("could not start the worker {url}: {}", js_text(&e)))?;
        let weak = Rc::downgrade(&self.inner);
        let on_message = {
            let weak = weak.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
                on_message(&weak, id, &ev.data());
            })
        };
        let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |ev: ErrorEvent| {
            // Keep the page's console free of a second, less useful report.
            ev.prevent_default();
            let what = format!(
                "worker error: {} ({}:{})",
                ev.message(),
                ev.filename(),
                ev.lineno()
            );
            fail(&weak, id, what);
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Slot {
            id,
            worker,
            ready: false,
            pending: Vec::new(),
            _on_message: on_message,
            _on_error: on_error,
        })
    }
}

/// Which role worker `id` has now, if any (none: stale, ignore it).
fn role(inner: &Inner, id: u64) -> Option<Role> {
    let is = |slot: &Option<Slot>| slot.as_ref().is_some_and(|s| s.id == id);
    if is(&inner.loading) {
        Some(Role::Loading)
    } else if is(&inner.current) {
        Some(Role::Current)
    } else if is(&inner.spare) {
        Some(Role::Spare)
    } else {
        None
    }
}

fn on_message(weak: &Weak<RefCell<Inner>>, id: u64, data: &JsValue) {
    let Some(rc) = weak.upgrade() else { return };
    let (role, on_event) = {
        let inner = rc.borrow();
        (role(&inner, id), inner.on_event.clone())
    };
    let Some(role) = role else { return };
    if Reflect::get(data, &JsValue::from_str(envelope::READY))
        .ok()
        .is_some_and(|v| v.is_truthy())
    {
        let flushed = {
            let mut inner = rc.borrow_mut();
            let slot = match role {
                Role::Loading => inner.loading.as_mut(),
                Role::Current => inner.current.as_mut(),
                Role::Spare => inner.spare.as_mut(),
            };
            slot.map_or(Ok(()), Slot::set_ready)
        };
        if let Err(e) = flushed {
            fail(weak, id, format!("could not send to the worker: {e}"));
        }
        return;
    }
    let event = match decode(data) {
        Ok(ev) => ev,
        Err(what) => return fail(weak, id, what),
    };
    if let WorkerEvent::Crashed(what) = event {
        return fail(weak, id, what);
    }
    if role == Role::Spare {
        // A spare only says `ready`; anything else is from a different build.
        return;
    }
    if role == Role::Loading {
        match &event {
            WorkerEvent::Response(Response::Loaded { .. }) => {
                // Promote the loader; terminate the worker of the previous trace. The
                // terminated slot is dropped after the borrow ends (its closures may be the
                // ones running: wasm-bindgen defers freeing a closure that is executing).
                let old = {
                    let mut inner = rc.borrow_mut();
                    let loaded = inner.loading.take();
                    std::mem::replace(&mut inner.current, loaded)
                };
                if let Some(old) = old {
                    old.terminate();
                }
                WorkerClient { inner: rc.clone() }.prewarm_after_first_draw();
            }
            WorkerEvent::Response(Response::Failed { .. }) => {
                let slot = rc.borrow_mut().loading.take();
                if let Some(s) = slot {
                    s.terminate();
                }
                WorkerClient { inner: rc.clone() }.prewarm_when_idle();
            }
            _ => {}
        }
    }
    on_event(event);
}

/// Worker `id` is unusable: terminate it, forget it, and tell the page (if it still mattered).
fn fail(weak: &Weak<RefCell<Inner>>, id: u64, what: String) {
    let Some(rc) = weak.upgrade() else { return };
    let (slot, on_event) = {
        let mut inner = rc.borrow_mut();
        let slot = match role(&inner, id) {
            Some(Role::Loading) => inner.loading.take(),
            Some(Role::Current) => inner.current.take(),
            // A spare held nothing of the person's: drop it quietly; a load starts its own.
            Some(Role::Spare) => {
                if let Some(spare) = inner.spare.take() {
                    spare.terminate();
                }
                None
            }
            None => None,
        };
        (slot, inner.on_event.clone())
    };
    if let Some(s) = slot {
        s.terminate();
        on_event(WorkerEvent::Crashed(what));
    }
}

/// Turns one worker message into an event. Anything unexpected is an error (never a panic):
/// it means page and worker come from different builds.
fn decode(data: &JsValue) -> Result<WorkerEvent, String> {
    let field = |k: &str| Reflect::get(data, &JsValue::from_str(k)).ok();
    if let Some(text) = field(envelope::JSON).and_then(|v| v.as_string()) {
        return serde_json::from_str::<Response>(&text)
            .map(WorkerEvent::Response)
            .map_err(|e| format!("unreadable worker reply: {e}"));
    }
    if let Some(bytes) = field(envelope::VIEW).and_then(|v| v.dyn_into::<Uint8Array>().ok()) {
        return ViewData::decode_from(&JsBytes(bytes))
            .map(|v| WorkerEvent::View(Box::new(v)))
            .map_err(|e| format!("unreadable trace view: {e}"));
    }
    if let Some(bytes) = field(envelope::MATCHES).and_then(|v| v.dyn_into::<Uint8Array>().ok()) {
        return MatchData::decode_from(&JsBytes(bytes))
            .map(WorkerEvent::Matches)
            .map_err(|e| format!("unreadable filter matches: {e}"));
    }
    if let Some(bytes) = field(envelope::ORDER).and_then(|v| v.dyn_into::<Uint8Array>().ok()) {
        return OrderData::decode_from(&JsBytes(bytes))
            .map(WorkerEvent::Order)
            .map_err(|e| format!("unreadable span order: {e}"));
    }
    if let Some(bytes) = field(envelope::FLAME).and_then(|v| v.dyn_into::<Uint8Array>().ok()) {
        return FlameData::decode_from(&JsBytes(bytes))
            .map(|f| WorkerEvent::Flame(Box::new(f)))
            .map_err(|e| format!("unreadable flame graph: {e}"));
    }
    if let Some(bytes) = field(envelope::EXPORT).and_then(|v| v.dyn_into::<Uint8Array>().ok()) {
        let name = field(envelope::NAME)
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        return Ok(WorkerEvent::Export { name, bytes });
    }
    if let Some(bytes) = field(envelope::REMEMBER).and_then(|v| v.dyn_into::<Uint8Array>().ok()) {
        let id = field(envelope::ID)
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        let file = field(envelope::FILE)
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0) as u32;
        return Ok(WorkerEvent::Remember { file, id, bytes });
    }
    if let Some(v) = field(envelope::CRASHED).filter(|v| !v.is_undefined()) {
        let msg = v.as_string().unwrap_or_else(|| "unknown error".to_string());
        return Ok(WorkerEvent::Crashed(format!("the worker crashed: {msg}")));
    }
    Err("unexpected message from the worker".to_string())
}

/// Builds `{ req: "<json>", <extra key>: <extra value> }`.
fn message(req: &Request, extra: Option<(&str, JsValue)>) -> Result<Object, String> {
    let text = serde_json::to_string(req).map_err(|e| e.to_string())?;
    let msg = Object::new();
    Reflect::set(
        &msg,
        &JsValue::from_str(envelope::REQUEST),
        &JsValue::from_str(&text),
    )
    .map_err(|e| js_text(&e))?;
    if let Some((k, v)) = extra {
        Reflect::set(&msg, &JsValue::from_str(k), &v).map_err(|e| js_text(&e))?;
    }
    Ok(msg)
}

fn js_text(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| format!("{e:?}"))
}
