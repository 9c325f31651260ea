//! gzip-compressed input of any format, recognised by its magic bytes (RFC 1952), decoded with
//! flate2's pure-Rust backend so the crate builds for wasm32 too. Concatenated members are read.

use super::{ErrorKind, ImportError};
use std::io::Read;

pub(crate) fn is_gzip(b: &[u8]) -> bool {
    b.starts_with(&[0x1f, 0x8b])
}

/// Other compressions recognised by their magic bytes, to say what the file is: none of them can
/// be decoded by a pure-Rust dependency we carry.
pub(crate) fn other_compression(b: &[u8]) -> Option<&'static str> {
    const KNOWN: [(&[u8], &str); 4] = [
        // The OpenTelemetry Collector's file exporter writes this with `compression: zstd`.
        (
            &[0x28, 0xb5, 0x2f, 0xfd],
            "zstd-compressed (the OpenTelemetry Collector file exporter's `compression: zstd`; `zstd -d FILE`)",
        ),
        (&[b'P', b'K', 3, 4], "a zip archive (unzip it and open the trace file inside)"),
        (&[0xfd, b'7', b'z', b'X', b'Z', 0], "xz-compressed (`xz -d FILE`)"),
        (b"BZh", "bzip2-compressed (`bzip2 -d FILE`)"),
    ];
    KNOWN
        .iter()
        .find(|(magic, _)| b.starts_with(magic))
        .map(|&(_, what)| what)
}

/// The most a gzip file may expand, as a multiple of its size: trace JSON compresses about
/// 8-20x (random ids do not compress), very repetitive generated traces about 50x; a thousand
/// times is a decompression bomb.
pub const MAX_GZIP_RATIO: usize = 100;
/// Small files may always expand this far, whatever the ratio.
pub const GZIP_FLOOR_BYTES: usize = 64 << 20;
/// Never more than this: wasm32 addresses 4 GB, and the parser needs room beside the text.
pub const GZIP_CEILING_BYTES: usize = 3 << 30;

/// How far `compressed_len` bytes of gzip may expand.
pub fn expansion_limit(compressed_len: usize) -> usize {
    compressed_len
        .saturating_mul(MAX_GZIP_RATIO)
        .clamp(GZIP_FLOOR_BYTES, GZIP_CEILING_BYTES)
}

/// Decompresses every member, stopping as soon as the output passes `expansion_limit`: a bomb
/// is refused after inflating at most the limit, not its whole claim.
pub(crate) fn decompress(b: &[u8]) -> Result<Vec<u8>, ImportError> {
    let limit = expansion_limit(b.len());
    let mut out = Vec::with_capacity(b.len().saturating_mul(4).min(limit));
    let read = flate2::read::MultiGzDecoder::new(b)
        .take(limit as u64 + 1)
        .read_to_end(&mut out);
    if let Err(e) = read {
        return Err(ImportError::new(
            None,
            ErrorKind::Gzip {
                message: e.to_string(),
            },
        ));
    }
    if out.len() > limit {
        return Err(ImportError::new(None, ErrorKind::GzipTooLarge { limit }));
    }
    out.shrink_to_fit();
    Ok(out)
}
