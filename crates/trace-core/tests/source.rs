//! Details read back from the file by block (what the browser's worker does once it lets go of
//! a big file's bytes) are the details import's own buffer gives, whatever the block size.

mod common;

use common::FileLike;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use trace_core::source::{BlockSource, Source};
use trace_core::{import_owned, Trace};

fn read_back(t: &Trace, file: &[u8], block: u64) -> (Trace, Arc<AtomicUsize>) {
    let reads = Arc::new(AtomicUsize::new(0));
    let reader = FileLike {
        bytes: file.to_vec(),
        reads: Arc::clone(&reads),
    };
    let mut back = t.clone();
    back.set_source(Arc::new(BlockSource::with_block(reader, block)));
    (back, reads)
}

fn assert_same_details(name: &str, file: &[u8], block: u64) {
    let import = import_owned(file.to_vec(), None).unwrap();
    assert!(import.parsed_the_input_as_is, "{name}");
    for t in &import.traces {
        let (back, _) = read_back(t, file, block);
        for i in t.spans() {
            // Compared as text: a NaN value is not equal to itself.
            assert_eq!(
                format!("{:?}", t.span_details(i)),
                format!("{:?}", back.span_details(i)),
                "{name}, span {i}, blocks of {block} bytes"
            );
        }
    }
}

#[test]
fn every_fixture_reads_the_same_details_back_from_the_file() {
    let mut checked = 0;
    for (name, bytes) in common::ok_fixtures() {
        // Compressed input (gzip, or an Appdash permalink's gzip in an address) is parsed
        // from its decompressed copy, which is what details are then read from.
        if name.ends_with(".gz") || name.contains("permalink-address") {
            continue;
        }
        for block in [1, 7, 64, 4096, Blocks::BLOCK] {
            assert_same_details(&name, &bytes, block);
        }
        checked += 1;
    }
    assert!(checked > 100, "{checked} fixtures");
}

#[test]
fn a_byte_order_mark_and_lone_surrogates_read_back_as_import_read_them() {
    let mut file = vec![0xEF, 0xBB, 0xBF];
    file.extend_from_slice(
        br#"{"traceID":"1","spans":[{"traceID":"1","spanID":"2","operationName":"op","startTime":1,"duration":2,"processID":"p1","tags":[{"key":"cut","type":"string","value":"a\ud83d"},{"key":"pair","type":"string","value":"\ud83d\ude00"}]}],"processes":{"p1":{"serviceName":"svc","tags":[{"key":"lone","type":"string","value":"\udc00"}]}}}"#,
    );
    let import = import_owned(file.clone(), None).unwrap();
    let details = import.traces[0].span_details(0);
    let value = |k: &str| {
        details
            .attributes
            .iter()
            .chain(&details.resource)
            .find(|a| a.key == k)
            .and_then(|a| a.value.as_str().map(str::to_string))
    };
    assert_eq!(value("cut").as_deref(), Some("a\u{fffd}"));
    assert_eq!(value("pair").as_deref(), Some("\u{1f600}"));
    assert_eq!(value("lone").as_deref(), Some("\u{fffd}"));
    for block in [1, 2, 5, 1 << 20] {
        assert_same_details("bom and surrogates", &file, block);
    }
}

type Blocks = BlockSource<FileLike>;

#[test]
fn reading_every_span_in_file_order_reads_ahead() {
    let file = common::generate::jaeger_tree(5_000, |i| i.checked_sub(1).map(|p| p / 4));
    let import = import_owned(file.clone(), None).unwrap();
    let t = &import.traces[0];
    let block = 4096;
    let (back, reads) = read_back(t, &file, block);
    for i in t.spans() {
        back.span_details(i);
    }
    let blocks = file.len().div_ceil(block as usize);
    let reads = reads.load(Ordering::Relaxed);
    assert!(
        reads <= blocks / Blocks::READ_AHEAD as usize + 4,
        "{reads} reads for {blocks} blocks of a {} byte file",
        file.len()
    );
}

#[test]
fn one_span_s_details_read_one_block() {
    let file = common::generate::jaeger_tree(5_000, |i| i.checked_sub(1).map(|p| p / 4));
    let import = import_owned(file.clone(), None).unwrap();
    let t = &import.traces[0];
    let (back, reads) = read_back(t, &file, Blocks::BLOCK);
    back.span_details(2_500);
    // The span's own parts, and its process (kept at the end of the file).
    assert!(reads.load(Ordering::Relaxed) <= 2);
    let before = reads.load(Ordering::Relaxed);
    back.span_details(2_501);
    assert_eq!(
        reads.load(Ordering::Relaxed),
        before,
        "its neighbour is in a kept block"
    );
}

#[test]
fn a_range_past_the_end_reads_nothing() {
    let reader = FileLike {
        bytes: b"0123456789".to_vec(),
        reads: Arc::default(),
    };
    let src = BlockSource::with_block(reader, 4);
    assert_eq!(src.read(2, 5).as_deref(), Some(&b"23456"[..]));
    assert_eq!(src.read(8, 2).as_deref(), Some(&b"89"[..]));
    assert_eq!(src.read(8, 3), None);
    assert_eq!(src.read(u64::MAX, 1), None);
    assert_eq!(b"abc".to_vec().read(1, 5), None);
}
