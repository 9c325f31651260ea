//! Precompressed copies of the build's text and wasm files (`x.br` and `x.gz` beside `x`), as
//! static hosts serve them and as `cargo xtask serve` does (tower-http's `ServeDir` picks the
//! copy the browser accepts). Brotli at its best quality: the work is done once per build, and
//! every visit downloads less.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::files::files_under;
use crate::run::Result;

/// The extensions worth compressing (images and archives are compressed already).
const COMPRESSIBLE: &[&str] = &[
    "html",
    "js",
    "mjs",
    "css",
    "wasm",
    "json",
    "svg",
    "txt",
    "xml",
    "webmanifest",
    "map",
];

/// Bytes before and after, to report.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Sizes {
    pub files: usize,
    pub raw: u64,
    pub brotli: u64,
    pub gzip: u64,
}

/// Writes `.br` and `.gz` beside every compressible file under `dir` (replacing older ones), on
/// every core (brotli's best quality takes most of a minute for the build on one). A copy no
/// smaller than its file is not kept. (Trunk empties `dist` before each build, so no copy
/// outlives its file.)
pub fn precompress(dir: &Path) -> Result<Sizes> {
    let files: Vec<PathBuf> = files_under(dir)?
        .into_iter()
        .filter(|f| is_compressible(f))
        .collect();
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let shares: Vec<Result<Sizes>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|k| {
                let share: Vec<&PathBuf> = files.iter().skip(k).step_by(workers).collect();
                scope.spawn(move || share.into_iter().map(|f| compress_one(f)).sum())
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err("a compression thread failed".into()))
            })
            .collect()
    });
    shares.into_iter().sum()
}

/// One file's copies, and its sizes.
fn compress_one(file: &Path) -> Result<Sizes> {
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let br = brotli_bytes(&bytes)?;
    let gz = gzip_bytes(&bytes)?;
    keep_if_smaller(file, "br", &br, bytes.len())?;
    keep_if_smaller(file, "gz", &gz, bytes.len())?;
    Ok(Sizes {
        files: 1,
        raw: bytes.len() as u64,
        brotli: br.len().min(bytes.len()) as u64,
        gzip: gz.len().min(bytes.len()) as u64,
    })
}

impl std::iter::Sum for Sizes {
    fn sum<I: Iterator<Item = Sizes>>(iter: I) -> Sizes {
        iter.fold(Sizes::default(), |a, b| Sizes {
            files: a.files + b.files,
            raw: a.raw + b.raw,
            brotli: a.brotli + b.brotli,
            gzip: a.gzip + b.gzip,
        })
    }
}

fn is_compressible(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| COMPRESSIBLE.contains(&e))
}

pub fn brotli_bytes(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        // Quality 11 (the best), a 4 MiB window (lgwin 22, what browsers accept).
        let mut w = brotli::CompressorWriter::new(&mut out, 64 * 1024, 11, 22);
        w.write_all(bytes)
            .map_err(|e| format!("brotli failed: {e}"))?;
    }
    Ok(out)
}

pub fn gzip_bytes(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut w = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    w.write_all(bytes)
        .map_err(|e| format!("gzip failed: {e}"))?;
    w.finish().map_err(|e| format!("gzip failed: {e}"))
}

fn keep_if_smaller(file: &Path, ext: &str, compressed: &[u8], raw: usize) -> Result {
    let mut copy = file.as_os_str().to_owned();
    copy.push(format!(".{ext}"));
    let copy = PathBuf::from(copy);
    if compressed.len() < raw {
        std::fs::write(&copy, compressed)
            .map_err(|e| format!("cannot write {}: {e}", copy.display()))
    } else if copy.exists() {
        std::fs::remove_file(&copy).map_err(|e| format!("cannot remove {}: {e}", copy.display()))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn text_and_wasm_get_copies_that_decompress_to_the_file() {
        let dir = std::env::temp_dir().join(format!("xtask-compress-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("talks/a")).unwrap();
        let page = "<p>GoSF at Heavybit</p>\n".repeat(200);
        std::fs::write(dir.join("talks/a/index.html"), &page).unwrap();
        std::fs::write(dir.join("app.wasm"), vec![0u8; 5000]).unwrap();
        std::fs::write(dir.join("photo.png"), vec![7u8; 5000]).unwrap();
        std::fs::write(dir.join("tiny.js"), "x").unwrap();
        std::fs::write(dir.join("trace.json.gz"), "a gzip trace").unwrap();
        let sizes = precompress(&dir).unwrap();
        assert_eq!(sizes.files, 3, "the page, the wasm and tiny.js");

        let mut text = String::new();
        let br = std::fs::read(dir.join("talks/a/index.html.br")).unwrap();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, page);
        let gz = std::fs::read(dir.join("app.wasm.gz")).unwrap();
        let mut wasm = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut wasm)
            .unwrap();
        assert_eq!(wasm, vec![0u8; 5000]);
        assert!(
            !dir.join("photo.png.br").exists(),
            "images are not compressed"
        );
        assert!(
            !dir.join("tiny.js.gz").exists(),
            "a copy no smaller is not kept"
        );
        assert!(dir.join("trace.json.gz").exists() && !dir.join("trace.json.gz.gz").exists());
        assert!(sizes.brotli < sizes.raw && sizes.gzip < sizes.raw);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
