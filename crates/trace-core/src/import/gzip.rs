//! gzip-compressed input of any format, recognised by its magic bytes (RFC 1952), decoded with
//! flate2's pure-Rust backend so the crate builds for wasm32 too. Concatenated members are read.

use super::{ErrorKind, ImportError};
use std::io::Read;

pub(crate) fn is_gzip(b: &[u8]) -> bool {
    b.starts_with(&[0x1f, 0x8b])
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
