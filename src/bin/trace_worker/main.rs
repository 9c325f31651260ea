//! The trace viewer's Web Worker: imports files (a Jaeger file as it is read, anything else
//! read whole into wasm memory; details are read back from the file afterwards), a pasted text
//! or a bundled sample with trace-core, and answers the page's requests from a
//! `viewer_session::Session`. All logic lives in `Session` (tested natively); this file only
//! moves bytes and messages.
//!
//! Messages in: `{ req: "<Request JSON>", files?: File[], bytes?: Uint8Array }`.
//! Messages out: `{ json: "<Response JSON>" }`, `{ view: Uint8Array }`,
//! `{ matches: Uint8Array }`, `{ export: Uint8Array, name }`, `{ remember: Uint8Array, id,
//! file }` (buffers transferred, not copied), `{ crashed: "<message>" }`,
//! and `{ ready: true }` once, when the handler is installed (the page sends nothing before).
//!
//! Built by Trunk as a worker (`data-type="worker"`, wasm-bindgen `no-modules` target); it
//! deliberately depends on no UI crate so its wasm stays small.

#[cfg(target_arch = "wasm32")]
fn main() {
    worker::start();
}

/// The worker only makes sense in a browser; natively the binary just says so, which keeps
/// `cargo build`/`cargo test` of the whole workspace working on the host.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("trace_worker is a Web Worker: build it for wasm32-unknown-unknown (trunk build)");
}

#[cfg(target_arch = "wasm32")]
mod file_source;
#[cfg(target_arch = "wasm32")]
mod parallel;

#[cfg(target_arch = "wasm32")]
mod worker {
    use crate::file_source;
    use crate::parallel;
    use js_sys::{Array, Object, Reflect, Uint8Array};
    use std::cell::RefCell;
    use std::sync::Arc;
    use trace_core::source::Source;
    use trace_core::StreamImport;
    use viewer_session::library::{self, SourceKind};
    use viewer_session::protocol::{envelope, Phase, Request, Response};
    use viewer_session::remote::{self, FetchFailure};
    use viewer_session::session::FileImport;
    use viewer_session::{Outgoing, Session};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{
        Blob, DedicatedWorkerGlobalScope, File, MessageEvent, ReadableStream,
        ReadableStreamDefaultReader, RequestCredentials, RequestInit, RequestMode, WritableStream,
    };

    /// Files read whole are read in the slices a streamed import reads.
    const CHUNK: f64 = parallel::CHUNK as f64;

    thread_local! {
        static SESSION: RefCell<Session> = RefCell::new(Session::new());
    }

    pub(crate) fn scope() -> DedicatedWorkerGlobalScope {
        js_sys::global().unchecked_into()
    }

    pub fn start() {
        // A panic must reach the page: it is the only one who can tell the user and start a
        // fresh worker. (With panic = "abort" the instance is dead after this hook.)
        std::panic::set_hook(Box::new(|info| {
            post_field(
                envelope::CRASHED,
                &JsValue::from_str(&info.to_string()),
                None,
            );
        }));
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(on_message);
        scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        // The handler lives as long as the worker.
        on_message.forget();
        // Compile the code a load runs now, while nobody waits (the wasm is compiled lazily).
        viewer_session::warm_up::warm_up();
        // Messages that arrive while the wasm is still being fetched and compiled find no
        // handler and are dropped by the browser, so the page waits for this before sending.
        post_field(envelope::READY, &JsValue::TRUE, None);
    }

    fn on_message(ev: MessageEvent) {
        LAST_REQUEST_MS.set(js_sys::Date::now());
        let data = ev.data();
        let req_text = Reflect::get(&data, &JsValue::from_str(envelope::REQUEST))
            .ok()
            .and_then(|v| v.as_string());
        let Some(req_text) = req_text else {
            return reply_error("message without a `req` field".to_string());
        };
        let req: Request = match serde_json::from_str(&req_text) {
            Ok(r) => r,
            Err(e) => return reply_error(format!("unreadable request: {e}")),
        };
        match req {
            Request::OpenFiles { names, parsers } => {
                let files = Reflect::get(&data, &JsValue::from_str(envelope::FILES))
                    .unwrap_or(JsValue::UNDEFINED);
                let parsers = parsers.unwrap_or_else(parallel::default_parsers);
                wasm_bindgen_futures::spawn_local(async move {
                    match read_files(&files, &names, parsers).await {
                        Ok(read) => open(read),
                        Err(message) => post_json(&Response::Failed { message }),
                    }
                });
            }
            Request::OpenPasted => {
                let bytes = Reflect::get(&data, &JsValue::from_str(envelope::BYTES))
                    .ok()
                    .and_then(|b| b.dyn_into::<Uint8Array>().ok());
                match bytes {
                    Some(b) => {
                        let total = u64::from(b.length());
                        progress(Phase::Parsing, 0, total);
                        let bytes = b.to_vec();
                        open(vec![FileImport::whole(
                            "pasted text".to_string(),
                            bytes,
                            None,
                        )]);
                    }
                    None => post_json(&Response::Failed {
                        message: "pasted text: no bytes were sent".to_string(),
                    }),
                }
            }
            // An Appdash permalink carries its trace in the address: nothing is fetched.
            Request::OpenUrl { url }
                if trace_core::appdash_permalink_payload(url.as_bytes()).is_some() =>
            {
                progress(Phase::Parsing, 0, url.len() as u64);
                open(vec![FileImport::whole(
                    "Appdash permalink".to_string(),
                    url.into_bytes(),
                    None,
                )]);
            }
            Request::OpenUrl { url } => {
                wasm_bindgen_futures::spawn_local(async move {
                    let answer = match fetch_url(&url).await {
                        Ok(body) => {
                            match read_file(&url, &body, (0.0, 0.0), parallel::default_parsers())
                                .await
                            {
                                Ok(file) => with_session(|s| s.import_remote(&url, file)),
                                Err(message) => Response::Failed { message },
                            }
                        }
                        Err(failure) => Response::Failed {
                            message: failure.to_string(),
                        },
                    };
                    post_json(&answer);
                });
            }
            Request::OpenSample { name } => {
                wasm_bindgen_futures::spawn_local(async move {
                    match fetch_sample(&name).await {
                        Ok(bytes) => {
                            progress(Phase::Parsing, 0, bytes.len() as u64);
                            open(vec![FileImport::whole(name, bytes, None)]);
                        }
                        Err(message) => post_json(&Response::Failed { message }),
                    }
                });
            }
            Request::Remember { file, kind } => remember(file, kind),
            Request::ScanSpans { start, end } => {
                let blob = Reflect::get(&data, &JsValue::from_str(envelope::FILES))
                    .ok()
                    .and_then(|files| files.dyn_into::<Array>().ok())
                    .and_then(|files| files.get(0).dyn_into::<Blob>().ok());
                match blob {
                    Some(blob) => {
                        wasm_bindgen_futures::spawn_local(parallel::scan_part(blob, start, end))
                    }
                    None => reply_error("ScanSpans: no file was sent".to_string()),
                }
            }
            other => {
                let opens_a_view = matches!(
                    other,
                    Request::SelectTrace { .. }
                        | Request::SelectTraceById { .. }
                        | Request::SetSkew { .. }
                );
                let out = SESSION.with(|s| match s.try_borrow_mut() {
                    Ok(mut s) => s.handle(other),
                    // Cannot happen (messages run one at a time), but never panic on it.
                    Err(_) => Outgoing::Json(Response::Error {
                        message: "worker busy".to_string(),
                    }),
                });
                post_outgoing(out);
                if opens_a_view {
                    index_in_background();
                }
            }
        }
    }

    /// Reads and imports every `File` with [`read_file`].
    async fn read_files(
        files: &JsValue,
        names: &[String],
        parsers: u32,
    ) -> Result<Vec<FileImport>, String> {
        let files: Array = files
            .clone()
            .dyn_into()
            .map_err(|_| "no files were sent".to_string())?;
        let files: Vec<File> = files
            .iter()
            .map(|f| f.dyn_into::<File>())
            .collect::<Result<_, _>>()
            .map_err(|_| "the page sent something that is not a File".to_string())?;
        let total: f64 = files.iter().map(|f| f.size()).sum();
        let mut done = 0.0;
        let mut out = Vec::with_capacity(files.len());
        for (k, file) in files.iter().enumerate() {
            // The names in the request are what the page shows; fall back to the File's own.
            let name = names.get(k).cloned().unwrap_or_else(|| file.name());
            out.push(read_file(&name, file, (done, total), parsers).await?);
            done += file.size();
        }
        Ok(out)
    }

    /// Imports a `File` (or a fetched body): streamed a chunk at a time when trace-core can
    /// (a big Jaeger file never sits whole in this worker's memory; `parsers` workers parse
    /// it), else read whole and imported. Either way its details are read back from it
    /// afterwards. Progress counts from `done` of `total` bytes (several files), or of the
    /// blob alone when `total` is 0.
    async fn read_file(
        name: &str,
        blob: &Blob,
        (done, total): (f64, f64),
        parsers: u32,
    ) -> Result<FileImport, String> {
        let read_back = file_source::read_back(blob);
        let size = blob.size();
        let total = if total > 0.0 { total } else { size };
        let mut stream = StreamImport::new();
        let streamed =
            parallel::stream_file(name, blob, (done, total), &mut stream, parsers).await?;
        if streamed {
            if let Ok(import) = stream.finish(Arc::clone(&read_back)) {
                return Ok(FileImport {
                    name: name.to_string(),
                    size: size as u64,
                    result: Ok(import),
                    read_back: Some(read_back),
                });
            }
        } else {
            // What it built so far is not needed while the file is read whole.
            drop(stream);
        }
        let bytes = read_blob(name, blob, done, total).await?;
        progress(Phase::Parsing, 0, bytes.len() as u64);
        Ok(FileImport::whole(name.to_string(), bytes, Some(read_back)))
    }

    /// Reads `blob` in slices, handing each to `take` until it says stop; posts progress. True
    /// when every slice was taken. The next slice is asked for before `take` runs: the browser
    /// reads it while this worker parses the one before.
    async fn each_chunk(
        name: &str,
        blob: &Blob,
        done: f64,
        total: f64,
        mut take: impl FnMut(&Uint8Array) -> bool,
    ) -> Result<bool, String> {
        let size = blob.size();
        let fail = |what: &str, e: &JsValue| format!("{name}: {}", js_text(what, e));
        let ask = |at: f64| {
            parallel::read(blob, at as u64, (at + CHUNK).min(size) as u64)
                .map_err(|e| fail("slice", &e))
        };
        let mut at = 0.0;
        let mut next = if size > 0.0 { Some(ask(0.0)?) } else { None };
        while let Some(slice) = next.take() {
            let chunk = Uint8Array::new(&slice.await.map_err(|e| fail("read", &e))?);
            if chunk.length() == 0 {
                return Err(format!("{name}: the file ended early (was it changed?)"));
            }
            at += f64::from(chunk.length());
            if at < size {
                next = Some(ask(at)?);
            }
            if !take(&chunk) {
                return Ok(false);
            }
            progress(Phase::Reading, (done + at) as u64, total as u64);
        }
        Ok(true)
    }

    /// Reads a `Blob` whole into one pre-sized Rust buffer: the file never becomes a JS string.
    async fn read_blob(name: &str, blob: &Blob, done: f64, total: f64) -> Result<Vec<u8>, String> {
        let size = blob.size();
        let mut buf: Vec<u8> = Vec::new();
        buf.try_reserve_exact(size as usize)
            .map_err(|_| viewer_session::session::too_large_to_open(name, size as u64))?;
        each_chunk(name, blob, done, total, |chunk| {
            let from = buf.len();
            buf.resize(from + chunk.length() as usize, 0);
            chunk.copy_to(&mut buf[from..]);
            true
        })
        .await?;
        Ok(buf)
    }

    /// Fetches `samples/<name>` relative to the worker script, which Trunk puts at the site
    /// root: this also works when the site is served under a sub-path.
    async fn fetch_sample(name: &str) -> Result<Vec<u8>, String> {
        let safe = !name.is_empty()
            && !name.starts_with('.')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
        if !safe {
            return Err(format!("{name:?} is not a sample name"));
        }
        progress(Phase::Reading, 0, 0);
        let url = site::routes::sample_path(name);
        let fail = |what: &str, e: &JsValue| format!("{name}: {}", js_text(what, e));
        let resp = JsFuture::from(scope().fetch_with_str(&url))
            .await
            .map_err(|e| fail("fetch", &e))?;
        let resp: web_sys::Response = resp.dyn_into().map_err(|e| fail("fetch returned", &e))?;
        if !resp.ok() {
            return Err(format!(
                "{name}: the server answered {} {}",
                resp.status(),
                resp.status_text()
            ));
        }
        let ab = JsFuture::from(resp.array_buffer().map_err(|e| fail("body", &e))?)
            .await
            .map_err(|e| fail("body", &e))?;
        let bytes = Uint8Array::new(&ab).to_vec();
        let n = bytes.len() as u64;
        progress(Phase::Reading, n, n);
        Ok(bytes)
    }

    /// Fetches `url` with no credentials and reads the body as it streams in, posting
    /// progress; the page can cancel by terminating the worker.
    async fn fetch_url(url: &str) -> Result<Blob, FetchFailure> {
        if !remote::is_fetchable(url) {
            return Err(FetchFailure::NotHttp {
                url: url.to_string(),
            });
        }
        progress(Phase::Reading, 0, 0);
        let init = RequestInit::new();
        init.set_mode(RequestMode::Cors);
        init.set_credentials(RequestCredentials::Omit);
        let resp = match JsFuture::from(scope().fetch_with_str_and_init(url, &init)).await {
            Ok(r) => r.unchecked_into::<web_sys::Response>(),
            Err(_) => return Err(why_unfetched(url).await),
        };
        if !resp.ok() {
            return Err(FetchFailure::Status {
                url: url.to_string(),
                status: resp.status(),
                text: resp.status_text(),
            });
        }
        read_body(url, &resp).await
    }

    /// A failed CORS request and an unreachable server look the same to a page. An opaque
    /// (no-cors) request to the same URL tells them apart: it succeeds when the server is up.
    async fn why_unfetched(url: &str) -> FetchFailure {
        let init = RequestInit::new();
        init.set_mode(RequestMode::NoCors);
        init.set_credentials(RequestCredentials::Omit);
        let reachable = JsFuture::from(scope().fetch_with_str_and_init(url, &init))
            .await
            .is_ok();
        if reachable {
            FetchFailure::NoCors {
                url: url.to_string(),
                origin: scope().origin(),
            }
        } else {
            FetchFailure::Unreachable {
                url: url.to_string(),
            }
        }
    }

    /// Streams the body into a `Blob` (held by the browser, not in this worker's memory),
    /// posting progress: it is then read like a dropped file, and its details read back from it.
    async fn read_body(url: &str, resp: &web_sys::Response) -> Result<Blob, FetchFailure> {
        let broke = |e: &JsValue| FetchFailure::Interrupted {
            url: url.to_string(),
            message: js_text("read", e),
        };
        // Content-Length is the compressed size when the server compresses: only a hint.
        let total: u64 = resp
            .headers()
            .get("content-length")
            .ok()
            .flatten()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let parts = Array::new();
        let mut received: u64 = 0;
        if let Some(body) = resp.body() {
            let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
            loop {
                let chunk = JsFuture::from(reader.read()).await.map_err(|e| broke(&e))?;
                let done = Reflect::get(&chunk, &JsValue::from_str("done"))
                    .map(|d| d.is_truthy())
                    .unwrap_or(true);
                if done {
                    break;
                }
                let Ok(bytes) = Reflect::get(&chunk, &JsValue::from_str("value"))
                    .and_then(|v| v.dyn_into::<Uint8Array>())
                else {
                    continue;
                };
                received += u64::from(bytes.length());
                parts.push(&bytes);
                progress(Phase::Reading, received, total.max(received));
            }
        }
        Blob::new_with_u8_array_sequence(&parts).map_err(|e| broke(&e))
    }

    fn with_session(f: impl FnOnce(&mut Session) -> Response) -> Response {
        SESSION.with(|s| match s.try_borrow_mut() {
            Ok(mut s) => f(&mut s),
            Err(_) => Response::Failed {
                message: "worker busy".to_string(),
            },
        })
    }

    /// Makes the imported files the session's trace list and answers.
    fn open(files: Vec<FileImport>) {
        let total: u64 = files.iter().map(|f| f.size).sum();
        let resp = with_session(|s| s.open_files(files));
        if matches!(resp, Response::Loaded { .. }) {
            progress(Phase::Indexing, total, total);
        }
        post_json(&resp);
    }

    #[wasm_bindgen]
    extern "C" {
        /// The Compression Streams API (in every current browser; web-sys still marks its
        /// binding unstable, so it is declared here).
        type CompressionStream;
        #[wasm_bindgen(constructor, catch)]
        fn new(format: &str) -> Result<CompressionStream, JsValue>;
        #[wasm_bindgen(method, getter)]
        fn readable(this: &CompressionStream) -> ReadableStream;
        #[wasm_bindgen(method, getter)]
        fn writable(this: &CompressionStream) -> WritableStream;
    }

    /// Compress a library copy this many bytes at a time (~15 ms here): between chunks the
    /// worker answers whatever the page asked meanwhile.
    const REMEMBER_CHUNK: usize = 2 << 20;

    /// A library copy of `file`, made while the page asks nothing and once the search index is
    /// built: its content id and its gzip through the browser's own `CompressionStream` (native
    /// zlib), a chunk at a time. A gigabyte's copy takes seconds of this worker; searches and
    /// details come first.
    fn remember(file: u32, kind: SourceKind) {
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(message) = remember_when_quiet(file, kind).await {
                reply_error(format!("the library copy failed: {message}"));
            }
        });
    }

    async fn remember_when_quiet(file: u32, kind: SourceKind) -> Result<(), String> {
        // The search index first: somebody may be waiting for a search, nobody for a copy.
        while INDEXING.get() {
            sleep_ms(QUIET_MS as i32)
                .await
                .map_err(|e| js_text("timer", &e))?;
        }
        until_quiet().await.map_err(|e| js_text("timer", &e))?;
        let source = SESSION.with(|s| {
            let s = s.try_borrow().map_err(|_| "worker busy".to_string())?;
            s.remembered_source(file, kind)
        })?;
        let len = source.len() as usize;
        let head = read_range(&source, 0, len.min(2))?;
        if library::stored_as_is(&head, kind) {
            let bytes = read_range(&source, 0, len)?;
            post_remember(file, &library::content_id(&bytes), &bytes);
        } else {
            let (id, gz) = hash_and_gzip_in_steps(&source, len)
                .await
                .map_err(|e| js_text("library copy", &e))?;
            post_remember_js(file, &id, &gz);
        }
        Ok(())
    }

    /// The bytes `start..start + len` of a library copy's source, as the file holds them.
    fn read_range(source: &Arc<dyn Source>, start: usize, len: usize) -> Result<Vec<u8>, String> {
        source
            .read_verbatim(start as u64, len)
            .map(|b| b.into_owned())
            .ok_or_else(|| "the file can no longer be read".to_string())
    }

    /// Spans indexed for search per slice of background work: ~20 ms of this worker (~7 µs a
    /// span here), the longest a request that arrives meanwhile waits.
    const INDEX_SLICE: u32 = 3_000;

    thread_local! {
        static INDEXING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    /// Builds the open trace's search index a slice at a time while the page asks nothing, so
    /// the first attribute or free-text search finds it ready.
    fn index_in_background() {
        if INDEXING.replace(true) {
            return;
        }
        wasm_bindgen_futures::spawn_local(async {
            while until_quiet().await.is_ok() {
                let more = SESSION.with(|s| {
                    s.try_borrow()
                        .map(|s| s.index_step(INDEX_SLICE))
                        .unwrap_or(false)
                });
                if !more {
                    break;
                }
            }
            INDEXING.set(false);
        });
    }

    /// How long the page must have asked nothing before background work goes on.
    const QUIET_MS: f64 = 300.0;

    thread_local! {
        /// When the last message from the page arrived (`Date.now()`, ms).
        static LAST_REQUEST_MS: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) };
    }

    /// Resolves once the page has asked nothing for [`QUIET_MS`] (always after at least one
    /// task boundary, so messages already queued run first).
    async fn until_quiet() -> Result<(), JsValue> {
        loop {
            let quiet = js_sys::Date::now() - LAST_REQUEST_MS.get();
            sleep_ms((QUIET_MS - quiet).max(0.0) as i32).await?;
            if js_sys::Date::now() - LAST_REQUEST_MS.get() >= QUIET_MS {
                return Ok(());
            }
        }
    }

    /// The content id and the gzip of a library copy, from one pass over the file read
    /// [`REMEMBER_CHUNK`] bytes at a time between requests (the file is read back from disk:
    /// reading it once costs seconds at a gigabyte).
    async fn hash_and_gzip_in_steps(
        source: &Arc<dyn Source>,
        len: usize,
    ) -> Result<(String, Uint8Array), JsValue> {
        let mut hasher = library::ContentHasher::default();
        let gzip = CompressionStream::new("gzip")?;
        // Reading the output must run alongside the writes, or they would wait forever.
        let output = web_sys::Response::new_with_opt_readable_stream(Some(&gzip.readable()))?;
        let compressed = JsFuture::from(output.array_buffer()?);
        let writer = gzip.writable().get_writer()?;
        for start in (0..len).step_by(REMEMBER_CHUNK) {
            let end = (start + REMEMBER_CHUNK).min(len);
            let bytes =
                read_range(source, start, end - start).map_err(|e| JsValue::from_str(&e))?;
            hasher.update(&bytes);
            JsFuture::from(writer.write_with_chunk(&Uint8Array::from(&bytes[..]))).await?;
            // Streams settle their promises as microtasks, which run before any message: without
            // a task boundary here a search would wait for the whole file's compression.
            until_quiet().await?;
        }
        JsFuture::from(writer.close()).await?;
        Ok((hasher.id(), Uint8Array::new(&compressed.await?)))
    }

    /// Resolves `ms` from now, in a later task of the worker's event loop.
    async fn sleep_ms(ms: i32) -> Result<(), JsValue> {
        let mut schedule = Ok(0);
        let later = js_sys::Promise::new(&mut |resolve, _reject| {
            schedule = scope().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        });
        schedule?;
        JsFuture::from(later).await.map(|_| ())
    }

    /// [`post_remember`] for bytes already in a JS buffer (transferred, not copied).
    fn post_remember_js(file: u32, id: &str, bytes: &Uint8Array) {
        let msg = Object::new();
        let fields = [
            (envelope::REMEMBER, JsValue::from(bytes)),
            (envelope::ID, JsValue::from_str(id)),
            (envelope::FILE, JsValue::from(file)),
        ];
        if fields
            .iter()
            .all(|(k, v)| Reflect::set(&msg, &JsValue::from_str(k), v).is_ok())
        {
            let _ = scope().post_message_with_transfer(&msg, &Array::of1(&bytes.buffer()));
        }
    }

    pub(crate) fn progress(phase: Phase, done: u64, total: u64) {
        post_json(&Response::Progress { phase, done, total });
    }

    fn reply_error(message: String) {
        post_json(&Response::Error { message });
    }

    fn post_outgoing(out: Outgoing) {
        match out {
            Outgoing::Json(r) => post_json(&r),
            Outgoing::View(v) => post_bytes(envelope::VIEW, &v.encode()),
            Outgoing::Matches(m) => post_bytes(envelope::MATCHES, &m.encode()),
            Outgoing::Order(o) => post_bytes(envelope::ORDER, &o.encode()),
            Outgoing::Flame(f) => post_bytes(envelope::FLAME, &f.encode()),
            Outgoing::Export { name, bytes } => post_export(&name, &bytes),
            Outgoing::Remember { file, id, bytes } => post_remember(file, &id, &bytes),
        }
    }

    pub(crate) fn post_json(r: &Response) {
        let text = serde_json::to_string(r).unwrap_or_else(|e| {
            // Serialising our own types cannot fail; if it ever did, say so rather than hang.
            format!(r#"{{"Error":{{"message":"worker could not encode a reply: {e}"}}}}"#)
        });
        post_field(envelope::JSON, &JsValue::from_str(&text), None);
    }

    /// Copies the encoded bytes into a fresh JS buffer once and transfers it (no second copy
    /// on the way to the page).
    pub(crate) fn post_bytes(key: &str, bytes: &[u8]) {
        let arr = Uint8Array::from(bytes);
        let transfer = Array::of1(&arr.buffer());
        post_field(key, &arr, Some(&transfer));
    }

    /// `{ export: Uint8Array, name }`: the page turns the bytes into a download as they are.
    fn post_export(name: &str, bytes: &[u8]) {
        post_with_bytes(
            (envelope::EXPORT, bytes),
            &[(envelope::NAME, JsValue::from_str(name))],
        );
    }

    /// `{ remember: Uint8Array, id, file }`: the page stores the bytes in its library as they are.
    fn post_remember(file: u32, id: &str, bytes: &[u8]) {
        post_with_bytes(
            (envelope::REMEMBER, bytes),
            &[
                (envelope::ID, JsValue::from_str(id)),
                (envelope::FILE, JsValue::from(file)),
            ],
        );
    }

    /// Posts `{ key: Uint8Array, ...fields }`, transferring the buffer.
    fn post_with_bytes((key, bytes): (&str, &[u8]), fields: &[(&str, JsValue)]) {
        let arr = Uint8Array::from(bytes);
        let msg = Object::new();
        let all_set = std::iter::once((key, JsValue::from(&arr)))
            .chain(fields.iter().map(|(k, v)| (*k, v.clone())))
            .all(|(k, v)| Reflect::set(&msg, &JsValue::from_str(k), &v).is_ok());
        if all_set {
            let _ = scope().post_message_with_transfer(&msg, &Array::of1(&arr.buffer()));
        }
    }

    fn post_field(key: &str, value: &JsValue, transfer: Option<&Array>) {
        let msg = Object::new();
        if Reflect::set(&msg, &JsValue::from_str(key), value).is_err() {
            return;
        }
        let s = scope();
        // postMessage only throws for values that cannot be cloned, which these never are;
        // and if the channel to the page is gone there is nobody left to tell.
        let _ = match transfer {
            Some(t) => s.post_message_with_transfer(&msg, t),
            None => s.post_message(&msg),
        };
    }

    /// A JS exception as text for a message: its `message` when it is an Error.
    pub(crate) fn js_text(what: &str, e: &JsValue) -> String {
        let msg = e
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| e.as_string())
            .unwrap_or_else(|| format!("{e:?}"));
        format!("{what} failed: {msg}")
    }
}
