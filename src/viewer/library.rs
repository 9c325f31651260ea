//! The local library on the viewer's start page: every trace opened (file, paste, URL, link)
//! is kept in this browser's IndexedDB, listed newest first, and reopens with one click. The
//! worker hands over each file's content id and compressed bytes; this module stores them,
//! applies the space limit, and lists, renames, pins and forgets entries. A failing IndexedDB
//! (private browsing, a full disk) is reported once and never breaks loading.

use std::collections::HashMap;

use leptos::prelude::*;
use viewer_session::library::{
    evictions, newest_first, usage, LibraryEntry, LibrarySettings, SourceKind, LIMIT_CHOICES,
};
use viewer_session::protocol::FileSummary;

use crate::library_db;
use crate::viewer::controller::{use_controller, Controller};
use crate::viewer::state::{use_viewer, Viewer};

/// Entries waiting for their bytes from the worker, by file index of the current load.
pub type Pending = HashMap<u32, LibraryEntry>;

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Reports a library failure once per page: the trace itself is open regardless.
fn report(viewer: Viewer, message: String) {
    viewer.report_library_problem(format!("The library could not keep this trace: {message}"));
}

/// Reloads the list from IndexedDB.
pub fn refresh(viewer: Viewer) {
    wasm_bindgen_futures::spawn_local(async move {
        match library_db::list().await {
            Ok(mut entries) => {
                newest_first(&mut entries);
                viewer.set_library(entries);
            }
            Err(e) => report(viewer, e),
        }
    });
}

/// The entries a successful load will store, one per file, still without id and bytes.
pub fn pending_entries(kind: SourceKind, url: Option<String>, files: &[FileSummary]) -> Pending {
    files
        .iter()
        .enumerate()
        .map(|(k, f)| {
            let entry = LibraryEntry {
                id: String::new(),
                name: f.name.clone(),
                format_label: f.format_label.clone(),
                bytes: f.bytes,
                stored_bytes: 0,
                spans: f.spans,
                traces: f.traces,
                kind,
                url: url.clone(),
                opened_ms: now_ms(),
                pinned: false,
            };
            (k as u32, entry)
        })
        .collect()
}

/// Stores one file the worker prepared: keeps a renamed name and the pin of an entry with the
/// same content, then forgets the oldest unpinned entries past the limit.
pub fn store(viewer: Viewer, mut entry: LibraryEntry, bytes: js_sys::Uint8Array) {
    entry.stored_bytes = u64::from(bytes.length());
    wasm_bindgen_futures::spawn_local(async move {
        if let Ok(Some(old)) = library_db::get(&entry.id).await {
            entry.name = old.name;
            entry.pinned = old.pinned;
        }
        let parts = js_sys::Array::of1(&bytes);
        let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence(&parts) else {
            return report(viewer, "no Blob".to_string());
        };
        if let Err(e) = library_db::put(&entry, Some(&blob)).await {
            return report(viewer, e);
        }
        let limit = viewer.library_settings.get_untracked().limit_bytes;
        if let Ok(all) = library_db::list().await {
            let gone = evictions(&all, limit, &entry.id);
            if !gone.is_empty() {
                if let Err(e) = library_db::delete(&gone).await {
                    report(viewer, e);
                }
            }
        }
        refresh(viewer);
    });
}

/// Opens a remembered trace from its stored bytes. The page says "loading" at once: reading
/// IndexedDB comes before the worker's own progress.
pub fn open(viewer: Viewer, controller: Controller, entry: LibraryEntry) {
    viewer.start_loading();
    wasm_bindgen_futures::spawn_local(async move {
        let blob = match library_db::blob(&entry.id).await {
            Ok(b) => b,
            Err(e) => {
                viewer.show_error(format!("{}: could not be read back: {e}", entry.name));
                return;
            }
        };
        if entry.kind == SourceKind::Link {
            match wasm_bindgen_futures::JsFuture::from(blob.text()).await {
                Ok(text) => controller.open_link(&text.as_string().unwrap_or_default()),
                // Shown as a failure: the page would otherwise stay "loading".
                Err(_) => viewer.show_error(format!("{}: unreadable", entry.name)),
            }
            return;
        }
        let parts = js_sys::Array::of1(&blob);
        match web_sys::File::new_with_blob_sequence(&parts, &entry.name) {
            Ok(file) => controller.open_remembered(file, entry.kind, entry.url.clone()),
            Err(_) => viewer.show_error(format!("{}: unreadable", entry.name)),
        }
    });
}

/// Opens the library entry a link names; in another browser it is not there, and the person is
/// told what to ask for instead.
pub fn open_by_id(viewer: Viewer, controller: Controller, id: String) {
    viewer.start_loading();
    wasm_bindgen_futures::spawn_local(async move {
        match library_db::get(&id).await {
            Ok(Some(entry)) => open(viewer, controller, entry),
            _ => {
                // Nothing failed: the view waits for the file, as links to files always have.
                viewer.show_notice(
                    "This link names a trace that was opened from a file in another browser, \
                     so it is not kept in this one. Ask its sender for \"Copy link with the \
                     trace\", which carries the trace itself, or open the same file here: the \
                     linked view then applies."
                        .to_string(),
                );
            }
        }
    });
}

fn update(viewer: Viewer, entry: LibraryEntry) {
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(e) = library_db::put(&entry, None).await {
            report(viewer, e);
        }
        refresh(viewer);
    });
}

fn forget(viewer: Viewer, ids: Option<Vec<String>>) {
    wasm_bindgen_futures::spawn_local(async move {
        let done = match ids {
            Some(ids) => library_db::delete(&ids).await,
            None => library_db::clear().await,
        };
        if let Err(e) = done {
            report(viewer, e);
        }
        refresh(viewer);
    });
}

fn mb(bytes: u64) -> String {
    if bytes < 10 << 20 {
        format!("{:.1} MB", bytes as f64 / 1048576.0)
    } else {
        format!("{} MB", bytes >> 20)
    }
}

fn set_settings(viewer: Viewer, settings: LibrarySettings) {
    viewer.set_library_settings(settings);
    crate::browser::store_library_settings(&settings);
}

/// The start page's list of remembered traces and the library's settings.
#[component]
pub fn Library() -> impl IntoView {
    let viewer = use_viewer();
    let controller = use_controller();
    // Opening IndexedDB is the slowest part of showing the start page: in a task of its own.
    crate::browser::in_next_task(move || refresh(viewer));
    let settings = move || viewer.library_settings.get();
    let used = Memo::new(move |_| viewer.library.with(|e| usage(e)));
    view! {
        <section class="library card" data-testid="library" aria-label="Traces kept in this browser">
            <h2>"Recent traces"</h2>
            <p class="muted">
                "Kept only in this browser, compressed: " {move || mb(used.get())} " of " {move || mb(settings().limit_bytes)} "."
            </p>
            <div class="library-settings">
                <label>
                    <input type="checkbox" data-testid="library-enabled" prop:checked=move || settings().enabled
                        on:change=move |ev| set_settings(viewer, LibrarySettings { enabled: event_target_checked(&ev), ..settings() })/>
                    " Keep the traces I open"
                </label>
                " "
                <label>"Space limit "
                    <select data-testid="library-limit" on:change=move |ev| {
                        if let Ok(limit_bytes) = event_target_value(&ev).parse::<u64>() {
                            set_settings(viewer, LibrarySettings { limit_bytes, ..settings() });
                        }
                    }>
                        {LIMIT_CHOICES.into_iter().map(|l| view! {
                            <option value=l.to_string() selected=move || settings().limit_bytes == l>{mb(l)}</option>
                        }).collect_view()}
                    </select>
                </label>
                " "
                <button type="button" class="copy" data-testid="library-forget-all"
                    on:click=move |_| forget(viewer, None)>"Forget all"</button>
            </div>
            {move || viewer.library_problem.get().map(|p| view! { <p class="search-error" role="status" data-testid="library-problem">{p}</p> })}
            <ul class="library-list">
                <For each=move || viewer.library.get() key=|e| (e.id.clone(), e.name.clone(), e.pinned) let:entry>
                    <LibraryRow entry=entry controller=controller/>
                </For>
            </ul>
        </section>
    }
}

#[component]
fn LibraryRow(entry: LibraryEntry, controller: Controller) -> impl IntoView {
    let viewer = use_viewer();
    let opened = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(entry.opened_ms))
        .to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED)
        .as_string()
        .unwrap_or_default();
    let facts = format!(
        "{} · {} spans · {} trace{} · {} · {} · {}",
        entry.format_label,
        entry.spans,
        entry.traces,
        if entry.traces == 1 { "" } else { "s" },
        mb(entry.bytes),
        entry.kind.label(),
        opened
    );
    let (for_open, for_rename, for_pin, for_delete) = (
        entry.clone(),
        entry.clone(),
        entry.clone(),
        entry.id.clone(),
    );
    let rename = move |_| {
        let Some(w) = web_sys::window() else { return };
        if let Ok(Some(name)) = w.prompt_with_message_and_default("New name", &for_rename.name) {
            if !name.trim().is_empty() {
                update(
                    viewer,
                    LibraryEntry {
                        name: name.trim().to_string(),
                        ..for_rename.clone()
                    },
                );
            }
        }
    };
    view! {
        <li class="library-row">
            <button type="button" class="linklike library-open" data-library-entry=entry.id.clone()
                on:click=move |_| open(viewer, controller, for_open.clone())>
                {entry.pinned.then_some("📌 ")} {entry.name.clone()}
            </button>
            <span class="muted">" " {facts} " "</span>
            <button type="button" class="copy" data-testid="library-rename" on:click=rename>"Rename"</button>
            <button type="button" class="copy" data-testid="library-pin" aria-pressed=entry.pinned.to_string()
                on:click=move |_| update(viewer, LibraryEntry { pinned: !for_pin.pinned, ..for_pin.clone() })>
                {if entry.pinned { "Unpin" } else { "Pin" }}
            </button>
            <button type="button" class="copy" data-testid="library-delete"
                on:click=move |_| forget(viewer, Some(vec![for_delete.clone()]))>"Delete"</button>
        </li>
    }
}
