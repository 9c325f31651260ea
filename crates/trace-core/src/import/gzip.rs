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

pub(crate) fn decompress(b: &[u8]) -> Result<Vec<u8>, ImportError> {
    let mut out = Vec::with_capacity(b.len().saturating_mul(4));
    match flate2::read::MultiGzDecoder::new(b).read_to_end(&mut out) {
        Ok(_) => {
            out.shrink_to_fit();
            Ok(out)
        }
        Err(e) => Err(ImportError::new(
            None,
            ErrorKind::Gzip {
                message: e.to_string(),
            },
        )),
    }
}
