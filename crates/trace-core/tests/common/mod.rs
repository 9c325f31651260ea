//! Helpers shared by the share-link tests: the fixtures, and link text made from hand-built or
//! damaged bodies (the version byte and compression of the spec in `trace_core::packed`).
#![allow(dead_code)] // each test binary uses a different part

pub mod generate;

use base64::Engine;
use std::io::{Read, Write};
use trace_core::packed;
use trace_core::scope::Scope;

/// A file in memory read by range, as the worker reads a `File`; counts its reads.
#[derive(Debug)]
pub struct FileLike {
    pub bytes: Vec<u8>,
    pub reads: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl FileLike {
    pub fn new(bytes: Vec<u8>) -> Self {
        FileLike {
            bytes,
            reads: Default::default(),
        }
    }
}

impl trace_core::source::BlockReader for FileLike {
    fn len(&self) -> u64 {
        self.bytes.len() as u64
    }
    fn read_at(&self, start: u64, len: usize) -> Option<Vec<u8>> {
        self.reads
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let start = start as usize;
        self.bytes.get(start..start + len).map(<[u8]>::to_vec)
    }
}

/// (path, bytes) of every fixture that must import.
pub fn ok_fixtures() -> Vec<(String, Vec<u8>)> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let mut out = Vec::new();
    for format in std::fs::read_dir(root).expect("fixtures dir").flatten() {
        let Ok(files) = std::fs::read_dir(format.path().join("ok")) else {
            continue;
        };
        for f in files.flatten() {
            let path = f.path();
            let bytes = std::fs::read(&path).expect("fixture readable");
            out.push((path.display().to_string(), bytes));
        }
    }
    out.sort();
    out
}

/// Link text for `body`: version 1, raw DEFLATE, base64url.
pub fn body_link(body: &[u8]) -> String {
    let mut z = flate2::write::DeflateEncoder::new(vec![1u8], flate2::Compression::fast());
    z.write_all(body).expect("deflate");
    let framed = z.finish().expect("deflate");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(framed)
}

/// The decompressed body of a link.
pub fn link_body(link: &str) -> Vec<u8> {
    let framed = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(link)
        .expect("base64");
    let mut body = Vec::new();
    flate2::read::DeflateDecoder::new(&framed[1..])
        .read_to_end(&mut body)
        .expect("inflate");
    body
}

/// The body of the bundled shop sample's whole-trace link.
pub fn shop_body() -> Vec<u8> {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../public/samples/graph-testTrace.json"
    ))
    .expect("sample");
    let t = trace_core::import(&bytes, None)
        .expect("imports")
        .traces
        .remove(0);
    link_body(
        &packed::encode(&t, &Scope::Whole, usize::MAX / 2)
            .expect("encodes")
            .text,
    )
}

/// Writes bodies by hand, field by field, as the spec in `trace_core::packed` lays them out.
pub struct Body(Vec<u8>);

impl Body {
    pub fn new() -> Body {
        Body(Vec::new())
    }

    fn uv(mut self, mut v: u64) -> Body {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
        self
    }

    fn literal(self, s: &str) -> Body {
        let mut b = self.uv(0).uv(s.len() as u64);
        b.0.extend_from_slice(s.as_bytes());
        b
    }

    /// Format Jaeger, trace id "t1", start 0, then the span count.
    pub fn header(mut self, spans: u64) -> Body {
        self.0.push(0);
        self.literal("t1").uv(0).uv(spans)
    }

    /// Two spans whose parent fields hold these raw values (0 = root, else zigzag(i - p)).
    pub fn two_spans_with_parents(self, p0: u64, p1: u64) -> Body {
        let mut b = self.header(2).uv(p0).uv(p1);
        b = b.uv(0).uv(10).uv(5).uv(1); // starts 0 and 10, durations 5 and 1
        b = b.literal("op").uv(1); // names: define "op", then refer to it
        b = b.literal("svc").uv(2); // services
        b.0.extend_from_slice(&[2, 1]); // flags: server, internal
        b.0.extend_from_slice(&1u64.to_be_bytes());
        b.0.extend_from_slice(&2u64.to_be_bytes());
        b = b.uv(0); // no odd ids
        for _ in 0..2 {
            // Each record defines a new empty context (empty resource, no scope); no attrs,
            // events, links, status message or reported warnings.
            b.0.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0]);
        }
        b.uv(0) // no warnings
    }

    pub fn finish(self) -> Vec<u8> {
        self.0
    }
}
