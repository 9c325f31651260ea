//! The library's storage: IndexedDB database `gosf-trace-library` with two stores, `entries`
//! (one `LibraryEntry` per file, key `id`) and `blobs` (the stored bytes as a `Blob`, under the
//! same id). IndexedDB's callbacks become futures here; every failure is a message, never a
//! panic (private browsing and full disks make IndexedDB fail in ordinary use).

use js_sys::{Array, Promise};
use viewer_session::library::LibraryEntry;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, IdbDatabase, IdbObjectStoreParameters, IdbOpenDbRequest, IdbRequest, IdbTransaction,
    IdbTransactionMode,
};

const DB_NAME: &str = "gosf-trace-library";
const DB_VERSION: u32 = 1;
const ENTRIES: &str = "entries";
const BLOBS: &str = "blobs";

fn js_message(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.dyn_ref::<web_sys::DomException>().map(|e| e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".to_string())
}

/// Resolves with the request's result, or rejects with its error's message.
async fn finished(req: &IdbRequest) -> Result<JsValue, String> {
    let promise = Promise::new(&mut |resolve, reject| {
        let ok_req = req.clone();
        let ok = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = resolve.call1(&JsValue::NULL, &ok_req.result().unwrap_or(JsValue::NULL));
        });
        let err_req = req.clone();
        let fail = Closure::once_into_js(move |_: web_sys::Event| {
            let msg = err_req
                .error()
                .ok()
                .flatten()
                .map(|e| e.message())
                .unwrap_or_else(|| "request failed".to_string());
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(&msg));
        });
        req.set_onsuccess(Some(ok.unchecked_ref()));
        req.set_onerror(Some(fail.unchecked_ref()));
    });
    JsFuture::from(promise).await.map_err(|e| js_message(&e))
}

/// Resolves once the transaction has committed; a quota error arrives here, as an abort.
async fn committed(tx: &IdbTransaction) -> Result<(), String> {
    let promise = Promise::new(&mut |resolve, reject| {
        let done = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let err_tx = tx.clone();
        let reject_again = reject.clone();
        let aborted_tx = tx.clone();
        let fail = Closure::once_into_js(move |_: web_sys::Event| {
            let msg = err_tx
                .error()
                .map(|e| e.message())
                .unwrap_or_else(|| "the browser refused to store the data".to_string());
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(&msg));
        });
        let abort = Closure::once_into_js(move |_: web_sys::Event| {
            let msg = aborted_tx
                .error()
                .map(|e| e.message())
                .unwrap_or_else(|| "storing was aborted".to_string());
            let _ = reject_again.call1(&JsValue::NULL, &JsValue::from_str(&msg));
        });
        tx.set_oncomplete(Some(done.unchecked_ref()));
        tx.set_onerror(Some(fail.unchecked_ref()));
        tx.set_onabort(Some(abort.unchecked_ref()));
    });
    JsFuture::from(promise)
        .await
        .map(|_| ())
        .map_err(|e| js_message(&e))
}

async fn open() -> Result<IdbDatabase, String> {
    let factory = web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or("this browser offers no IndexedDB (private browsing?)")?;
    let req: IdbOpenDbRequest = factory
        .open_with_u32(DB_NAME, DB_VERSION)
        .map_err(|e| js_message(&e))?;
    let upgrade_req = req.clone();
    let upgrade = Closure::once_into_js(move |_: web_sys::Event| {
        let Ok(db) = upgrade_req
            .result()
            .and_then(|r| r.dyn_into::<IdbDatabase>())
        else {
            return;
        };
        let names = db.object_store_names();
        if !names.contains(ENTRIES) {
            let params = IdbObjectStoreParameters::new();
            params.set_key_path(&JsValue::from_str("id"));
            let _ = db.create_object_store_with_optional_parameters(ENTRIES, &params);
        }
        if !names.contains(BLOBS) {
            let _ = db.create_object_store(BLOBS);
        }
    });
    req.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    let db = finished(&req).await?;
    db.dyn_into::<IdbDatabase>()
        .map_err(|_| "IndexedDB gave no database".to_string())
}

fn transaction(db: &IdbDatabase, stores: &[&str], write: bool) -> Result<IdbTransaction, String> {
    let names: Array = stores.iter().map(|s| JsValue::from_str(s)).collect();
    let mode = if write {
        IdbTransactionMode::Readwrite
    } else {
        IdbTransactionMode::Readonly
    };
    db.transaction_with_str_sequence_and_mode(&names, mode)
        .map_err(|e| js_message(&e))
}

fn to_js(entry: &LibraryEntry) -> Result<JsValue, String> {
    let text = serde_json::to_string(entry).map_err(|e| e.to_string())?;
    js_sys::JSON::parse(&text).map_err(|e| js_message(&e))
}

fn from_js(value: &JsValue) -> Option<LibraryEntry> {
    let text = js_sys::JSON::stringify(value).ok()?.as_string()?;
    serde_json::from_str(&text).ok()
}

/// Every entry (unreadable ones are skipped: written by another version).
pub async fn list() -> Result<Vec<LibraryEntry>, String> {
    let db = open().await?;
    let tx = transaction(&db, &[ENTRIES], false)?;
    let store = tx.object_store(ENTRIES).map_err(|e| js_message(&e))?;
    let all = finished(&store.get_all().map_err(|e| js_message(&e))?).await?;
    let all: Array = all.dyn_into().map_err(|_| "entries are not a list")?;
    Ok(all.iter().filter_map(|v| from_js(&v)).collect())
}

pub async fn get(id: &str) -> Result<Option<LibraryEntry>, String> {
    let db = open().await?;
    let tx = transaction(&db, &[ENTRIES], false)?;
    let store = tx.object_store(ENTRIES).map_err(|e| js_message(&e))?;
    let value = finished(
        &store
            .get(&JsValue::from_str(id))
            .map_err(|e| js_message(&e))?,
    )
    .await?;
    Ok(from_js(&value))
}

/// Stores an entry and, when given, its bytes, in one transaction.
pub async fn put(entry: &LibraryEntry, bytes: Option<&Blob>) -> Result<(), String> {
    let db = open().await?;
    let stores: &[&str] = if bytes.is_some() {
        &[ENTRIES, BLOBS]
    } else {
        &[ENTRIES]
    };
    let tx = transaction(&db, stores, true)?;
    let entries = tx.object_store(ENTRIES).map_err(|e| js_message(&e))?;
    entries.put(&to_js(entry)?).map_err(|e| js_message(&e))?;
    if let Some(blob) = bytes {
        let blobs = tx.object_store(BLOBS).map_err(|e| js_message(&e))?;
        blobs
            .put_with_key(blob, &JsValue::from_str(&entry.id))
            .map_err(|e| js_message(&e))?;
    }
    committed(&tx).await
}

/// The stored bytes of entry `id`.
pub async fn blob(id: &str) -> Result<Blob, String> {
    let db = open().await?;
    let tx = transaction(&db, &[BLOBS], false)?;
    let store = tx.object_store(BLOBS).map_err(|e| js_message(&e))?;
    let value = finished(
        &store
            .get(&JsValue::from_str(id))
            .map_err(|e| js_message(&e))?,
    )
    .await?;
    value
        .dyn_into::<Blob>()
        .map_err(|_| "the stored trace is missing".to_string())
}

pub async fn delete(ids: &[String]) -> Result<(), String> {
    let db = open().await?;
    let tx = transaction(&db, &[ENTRIES, BLOBS], true)?;
    for store in [ENTRIES, BLOBS] {
        let s = tx.object_store(store).map_err(|e| js_message(&e))?;
        for id in ids {
            s.delete(&JsValue::from_str(id))
                .map_err(|e| js_message(&e))?;
        }
    }
    committed(&tx).await
}

pub async fn clear() -> Result<(), String> {
    let db = open().await?;
    let tx = transaction(&db, &[ENTRIES, BLOBS], true)?;
    for store in [ENTRIES, BLOBS] {
        let s = tx.object_store(store).map_err(|e| js_message(&e))?;
        s.clear().map_err(|e| js_message(&e))?;
    }
    committed(&tx).await
}
