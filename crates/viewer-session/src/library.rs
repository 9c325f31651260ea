//! The local library: every trace a person opens is kept in the browser (IndexedDB), so it can
//! be reopened with one click. This is its model and policy, without the browser: what an
//! entry records, the content id that names it, how its bytes are stored, the order of the
//! list, and which entries make room when the space limit is passed.

use serde::{Deserialize, Serialize};
use std::io::Write;

/// Where a remembered trace came from; it decides how the entry is reopened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SourceKind {
    File,
    Paste,
    Url,
    /// A share link: the stored bytes are the link's trace data, reopened as a link.
    Link,
}

impl SourceKind {
    pub fn label(self) -> &'static str {
        match self {
            SourceKind::File => "file",
            SourceKind::Paste => "pasted",
            SourceKind::Url => "URL",
            SourceKind::Link => "shared link",
        }
    }
}

/// One remembered trace file. The bytes live beside it, under the same id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LibraryEntry {
    /// Content id of the file's bytes (see [`content_id`]).
    pub id: String,
    pub name: String,
    pub format_label: String,
    /// Size of the file as opened.
    pub bytes: u64,
    /// Size as stored (compressed).
    pub stored_bytes: u64,
    pub spans: u64,
    pub traces: u32,
    pub kind: SourceKind,
    /// The address it was fetched from, for `SourceKind::Url`.
    pub url: Option<String>,
    /// When it was last opened, ms since the Unix epoch.
    pub opened_ms: f64,
    pub pinned: bool,
}

/// The library's settings, chosen by the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibrarySettings {
    pub enabled: bool,
    /// Stored bytes past which the oldest unpinned entries are forgotten.
    pub limit_bytes: u64,
}

impl Default for LibrarySettings {
    fn default() -> Self {
        LibrarySettings {
            enabled: true,
            limit_bytes: 500 << 20,
        }
    }
}

/// The limits offered in the settings.
pub const LIMIT_CHOICES: [u64; 5] = [50 << 20, 200 << 20, 500 << 20, 1 << 30, 4 << 30];

/// A name for the content of a file: 128-bit xxh3 as hex. Not a security hash; a collision
/// between two traces of one browser is not a practical concern at 128 bits.
pub fn content_id(bytes: &[u8]) -> String {
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(bytes))
}

/// [`content_id`] computed a piece at a time (the same id): a gigabyte is hashed between the
/// page's requests instead of in one step.
pub struct ContentHasher(Box<xxhash_rust::xxh3::Xxh3>);

impl Default for ContentHasher {
    fn default() -> Self {
        ContentHasher(Box::new(xxhash_rust::xxh3::Xxh3::new()))
    }
}

impl ContentHasher {
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
    pub fn id(&self) -> String {
        format!("{:032x}", self.0.digest128())
    }
}

/// True when the bytes are stored as they are: already gzip, or a link's compressed data.
pub fn stored_as_is(bytes: &[u8], kind: SourceKind) -> bool {
    kind == SourceKind::Link || bytes.starts_with(&[0x1f, 0x8b])
}

/// The bytes to store: gzip at a fast level (reopening detects gzip by its magic bytes), or
/// the bytes as they are when they are already gzip or a link's compressed data.
pub fn stored_form(bytes: &[u8], kind: SourceKind) -> Vec<u8> {
    if stored_as_is(bytes, kind) {
        return bytes.to_vec();
    }
    let mut z = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 8),
        flate2::Compression::fast(),
    );
    // Writing into a Vec cannot fail; on an allocation failure store the plain bytes.
    match z.write_all(bytes).and_then(|_| z.finish()) {
        Ok(gz) => gz,
        Err(_) => bytes.to_vec(),
    }
}

/// Newest first.
pub fn newest_first(entries: &mut [LibraryEntry]) {
    entries.sort_by(|a, b| b.opened_ms.total_cmp(&a.opened_ms).then(a.id.cmp(&b.id)));
}

/// Stored bytes of all entries.
pub fn usage(entries: &[LibraryEntry]) -> u64 {
    entries.iter().map(|e| e.stored_bytes).sum()
}

/// The ids to forget so that the library fits `limit`: the oldest unpinned entries first,
/// never `keep` (the trace just opened).
pub fn evictions(entries: &[LibraryEntry], limit: u64, keep: &str) -> Vec<String> {
    let mut used = usage(entries);
    let mut candidates: Vec<&LibraryEntry> = entries
        .iter()
        .filter(|e| !e.pinned && e.id != keep)
        .collect();
    candidates.sort_by(|a, b| a.opened_ms.total_cmp(&b.opened_ms));
    let mut out = Vec::new();
    for e in candidates {
        if used <= limit {
            break;
        }
        used = used.saturating_sub(e.stored_bytes);
        out.push(e.id.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, opened_ms: f64, stored_bytes: u64, pinned: bool) -> LibraryEntry {
        LibraryEntry {
            id: id.into(),
            name: format!("{id}.json"),
            format_label: "Jaeger JSON".into(),
            bytes: stored_bytes * 10,
            stored_bytes,
            spans: 1,
            traces: 1,
            kind: SourceKind::File,
            url: None,
            opened_ms,
            pinned,
        }
    }

    #[test]
    fn content_ids_name_content_not_names() {
        let a = content_id(b"{\"data\":[]}");
        assert_eq!(a.len(), 32);
        assert_eq!(a, content_id(b"{\"data\":[]}"));
        assert_ne!(a, content_id(b"{\"data\":[ ]}"));
    }

    #[test]
    fn an_id_hashed_in_pieces_is_the_id_hashed_at_once() {
        let bytes: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
        for piece in [1, 63, 64, 1000, 65_536, 300_000] {
            let mut h = ContentHasher::default();
            for chunk in bytes.chunks(piece) {
                h.update(chunk);
            }
            assert_eq!(h.id(), content_id(&bytes), "pieces of {piece}");
        }
        assert_eq!(ContentHasher::default().id(), content_id(b""));
    }

    #[test]
    fn stored_form_is_gzip_that_imports_again() {
        let text = br#"{"data":[{"traceID":"t1","spans":[{"traceID":"t1","spanID":"a1","operationName":"op","startTime":1,"duration":2,"processID":"p1"}],"processes":{"p1":{"serviceName":"s"}}}]}"#;
        let stored = stored_form(text, SourceKind::File);
        assert!(stored.starts_with(&[0x1f, 0x8b]));
        let back = trace_core::import(&stored, None).expect("gzip imports");
        assert_eq!(back.traces[0].len(), 1);
        assert_eq!(
            stored_form(&stored, SourceKind::File),
            stored,
            "gzip kept as is"
        );
        assert_eq!(stored_form(b"AQxyz", SourceKind::Link), b"AQxyz");
    }

    #[test]
    fn eviction_takes_the_oldest_unpinned_and_spares_the_new_one() {
        let entries = vec![
            entry("old-pinned", 1.0, 40, true),
            entry("old", 2.0, 40, false),
            entry("middle", 3.0, 40, false),
            entry("new", 4.0, 40, false),
        ];
        assert_eq!(evictions(&entries, 100, "new"), ["old", "middle"]);
        assert!(evictions(&entries, 200, "new").is_empty());
        // Nothing else can go: the pinned and the new entry stay even over the limit.
        assert_eq!(evictions(&entries, 0, "new"), ["old", "middle"]);
        let mut sorted = entries.clone();
        newest_first(&mut sorted);
        assert_eq!(sorted[0].id, "new");
        assert_eq!(usage(&entries), 160);
    }
}
