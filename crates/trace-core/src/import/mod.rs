//! Import: bytes -> detected format -> `Trace`s plus warnings, or an error that says what was found.
//!
//! Dispatch order (detect.rs): gzip magic, UTF-8, then the JSON keys seen near the start of the
//! document. One file per format, each with a header naming its spec and the supported subset.

mod appdash;
mod chrome;
mod detect;
mod gzip;
mod jaeger;
mod lenient;
mod otlp;
mod parallel;
mod stream;
mod zipkin;

pub use appdash::permalink_payload as appdash_permalink_payload;
pub use detect::detect;
pub use parallel::{expected_speed_up, helper_targets, own_share, ReadPlan, ReadStep, SPLICE_COST};
pub use stream::{guess_span_start, ReadWhole, ScanEnd, ScannedSpans, SpanScan, StreamImport};

use crate::builder::ImportBuilder;
use crate::model::{SpanDetails, Trace, Warning, WarningKind};
use crate::source::Source;
use std::fmt;
use std::sync::Arc;

/// A supported trace file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Jaeger,
    Otlp,
    Zipkin,
    Chrome,
    Appdash,
}

impl Format {
    /// Short machine name: "jaeger", "otlp", "zipkin", "chrome".
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Jaeger => "jaeger",
            Format::Otlp => "otlp",
            Format::Zipkin => "zipkin",
            Format::Chrome => "chrome",
            Format::Appdash => "appdash",
        }
    }

    /// Human name used in messages.
    pub fn label(self) -> &'static str {
        match self {
            Format::Jaeger => "Jaeger JSON",
            Format::Otlp => "OTLP JSON",
            Format::Zipkin => "Zipkin JSON",
            Format::Chrome => "Chrome Trace Event JSON",
            Format::Appdash => "Appdash JSON",
        }
    }

    /// Share links store a format as its place here: append, never reorder.
    pub const ALL: [Format; 5] = [
        Format::Jaeger,
        Format::Otlp,
        Format::Zipkin,
        Format::Chrome,
        Format::Appdash,
    ];
}

/// The result of reading one file.
#[derive(Clone, Debug)]
pub struct Import {
    pub format: Format,
    /// In order of first appearance in the file.
    pub traces: Vec<Trace>,
    /// Warnings about the file rather than one trace (skipped lines, ignored events): all
    /// counted, the first of each kind with their text.
    pub warnings: crate::warnings::Warnings,
    /// True when import parsed the input's own bytes (not a decompressed copy): the offsets
    /// the traces keep for their details are then offsets in the input, which can be read back
    /// from it instead of kept in memory (`Trace::set_source`).
    pub parsed_the_input_as_is: bool,
    /// How many workers parsed it: 1, plus each helper whose spans were spliced in
    /// (`StreamImport::splice`).
    pub parsed_by: u32,
}

/// Input that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    /// The format that was tried, if one was recognised.
    pub format: Option<Format>,
    pub kind: ErrorKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Nothing but whitespace.
    Empty,
    /// Not UTF-8 text: probably a binary (protobuf, thrift) file.
    NotText { offset: usize },
    /// Text, but not JSON; `found` describes the start.
    NotJson { found: String },
    /// JSON syntax error (or a structure the format does not allow) at a position (1-based).
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    /// Valid JSON, but not a trace format we know; `hint` says what it looks like.
    UnknownJson { hint: String },
    /// The format was recognised but the file breaks one of its hard rules.
    Invalid { reason: String },
    /// gzip header found but the stream is broken.
    Gzip { message: String },
    /// gzip that expands past `limit` bytes (`gzip::expansion_limit`): a likely bomb.
    GzipTooLarge { limit: usize },
    /// Compressed with something other than gzip (zstd, zip, xz, bzip2); `what` names it and
    /// says how to decompress it.
    Compressed { what: String },
}

impl ImportError {
    pub(crate) fn new(format: Option<Format>, kind: ErrorKind) -> Self {
        ImportError { format, kind }
    }

    /// Converts a serde_json error, shifting its position by where the parsed slice starts.
    pub(crate) fn json(format: Option<Format>, e: &serde_json::Error, at: Pos) -> Self {
        let msg = e.to_string();
        // serde_json appends " at line L column C"; we print our own position.
        let message = match msg.rfind(" at line ") {
            Some(k) => msg[..k].to_string(),
            None => msg,
        };
        let (line, column) = at.shift(e.line(), e.column());
        ImportError::new(
            format,
            ErrorKind::Syntax {
                line,
                column,
                message,
            },
        )
    }

    /// Line and column, when the error has a position.
    pub fn position(&self) -> Option<(usize, usize)> {
        match self.kind {
            ErrorKind::Syntax { line, column, .. } => Some((line, column)),
            _ => None,
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = self.format.map(Format::label).unwrap_or("invalid JSON");
        match &self.kind {
            ErrorKind::Empty => f.write_str("empty input: no trace data"),
            ErrorKind::NotText { offset } => write!(
                f,
                "not a text file (byte {offset} is not UTF-8): binary trace formats such as OTLP protobuf or Jaeger thrift are not supported; export JSON instead"
            ),
            ErrorKind::NotJson { found } => write!(
                f,
                "not JSON: the file starts with {found}; expected Jaeger, OTLP, Zipkin, Chrome or Appdash trace JSON"
            ),
            ErrorKind::Syntax { line, column, message } => {
                write!(f, "{label}: {message} at line {line}, column {column}")
            }
            ErrorKind::UnknownJson { hint } => write!(f, "JSON, but not a known trace format: {hint}"),
            ErrorKind::Invalid { reason } => write!(f, "{label}: {reason}"),
            ErrorKind::Gzip { message } => write!(f, "gzip-compressed input could not be decompressed: {message}"),
            ErrorKind::GzipTooLarge { limit } => write!(
                f,
                "gzip-compressed input decompresses to more than {} MB (over {}x its size or {} MB): refused as a likely decompression bomb; if the trace is real, decompress it first",
                limit >> 20,
                gzip::MAX_GZIP_RATIO,
                gzip::GZIP_FLOOR_BYTES >> 20
            ),
            ErrorKind::Compressed { what } => write!(f, "{what}; only gzip is decompressed here: decompress the file first"),
        }
    }
}

impl std::error::Error for ImportError {}

/// Start of a parsed slice within the whole file, as a 1-based line and column.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    pub const START: Pos = Pos { line: 1, column: 1 };

    /// Position of byte `offset` of `text`.
    pub fn of(text: &str, offset: usize) -> Pos {
        let before = text.as_bytes().get(..offset).unwrap_or(text.as_bytes());
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |k| k + 1);
        Pos {
            line,
            column: 1 + before.len() - line_start,
        }
    }

    /// Position of `sub` (a slice of `doc`) in the file, given where `doc` starts.
    pub fn within(self, doc: &str, sub: &str) -> Pos {
        let off = (sub.as_ptr() as usize).saturating_sub(doc.as_ptr() as usize);
        let p = Pos::of(doc, off);
        let (line, column) = self.shift(p.line, p.column);
        Pos { line, column }
    }

    /// Maps a (line, column) inside the slice to the whole file.
    pub(crate) fn shift(self, line: usize, column: usize) -> (usize, usize) {
        if line <= 1 {
            (self.line, self.column + column.saturating_sub(1))
        } else {
            (self.line + line - 1, column)
        }
    }
}

/// Positions of slices of one document met in increasing order (the elements of an array),
/// each found by scanning only from the previous one: a file of many skipped elements costs
/// one pass, not one pass per element.
pub(crate) struct PosCursor<'d> {
    doc: &'d str,
    /// Where `doc` starts in the file.
    base: Pos,
    offset: usize,
    /// Line (1-based, within `doc`) at `offset`, and the byte where that line starts.
    line: usize,
    line_start: usize,
}

impl<'d> PosCursor<'d> {
    pub fn new(doc: &'d str, base: Pos) -> Self {
        PosCursor {
            doc,
            base,
            offset: 0,
            line: 1,
            line_start: 0,
        }
    }

    /// Position of `sub` (a slice of the document) in the file.
    pub fn of(&mut self, sub: &str) -> Pos {
        let off = (sub.as_ptr() as usize)
            .saturating_sub(self.doc.as_ptr() as usize)
            .min(self.doc.len());
        if off < self.offset {
            // Out of order: start again (never the case for array elements).
            *self = PosCursor::new(self.doc, self.base);
        }
        let bytes = self.doc.as_bytes().get(self.offset..off).unwrap_or(&[]);
        for (k, _) in bytes.iter().enumerate().filter(|(_, &b)| b == b'\n') {
            self.line += 1;
            self.line_start = self.offset + k + 1;
        }
        self.offset = off;
        let (line, column) = self.base.shift(self.line, 1 + off - self.line_start);
        Pos { line, column }
    }
}

/// Reads a trace file from borrowed bytes (copies them: details are decoded lazily from a retained
/// buffer). Use [`import_owned`] to hand over a buffer without the copy.
pub fn import(bytes: &[u8], name_hint: Option<&str>) -> Result<Import, ImportError> {
    import_owned(bytes.to_vec(), name_hint)
}

/// JavaScript tracers write strings cut in the middle of a character (an emoji split by a
/// length limit) as a lone UTF-16 surrogate escape, `"\ud83d"`, which JSON parsers reject: a
/// span or a value would be lost. Each one becomes `\ufffd` (the replacement character), the
/// same six bytes, so every byte offset kept for lazy details stays valid. Returns how many
/// were replaced.
pub(crate) fn replace_lone_surrogates(bytes: &mut [u8]) -> usize {
    replace_lone_surrogates_before(bytes, 0, bytes.len()).0
}

/// [`replace_lone_surrogates`] for the escapes that start in `from..limit` (`from` where a
/// previous call stopped, or where a JSON token starts): the count, and where to go on from.
pub(crate) fn replace_lone_surrogates_before(
    bytes: &mut [u8],
    from: usize,
    limit: usize,
) -> (usize, usize) {
    let mut replaced = 0;
    let mut i = from;
    while i < limit && i + 1 < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        // An escape: `\uXXXX` is looked at, any other (`\\`, `\"`) is passed over whole.
        let Some(unit) = (bytes[i + 1] == b'u').then(|| hex4(bytes, i + 2)).flatten() else {
            i += 2;
            continue;
        };
        match unit {
            0xD800..=0xDBFF => {
                let trail = (bytes.get(i + 6) == Some(&b'\\') && bytes.get(i + 7) == Some(&b'u'))
                    .then(|| hex4(bytes, i + 8))
                    .flatten();
                if trail.is_some_and(|t| (0xDC00..=0xDFFF).contains(&t)) {
                    i += 12;
                } else {
                    bytes[i + 2..i + 6].copy_from_slice(b"fffd");
                    replaced += 1;
                    i += 6;
                }
            }
            0xDC00..=0xDFFF => {
                bytes[i + 2..i + 6].copy_from_slice(b"fffd");
                replaced += 1;
                i += 6;
            }
            _ => i += 6,
        }
    }
    // Only a lone last byte is left when the loop ran to the end: it starts no escape.
    let settled = if i + 1 >= bytes.len() {
        bytes.len().max(i)
    } else {
        i
    };
    (replaced, settled)
}

/// The four hex digits at `at` as a number, if they are four hex digits.
fn hex4(bytes: &[u8], at: usize) -> Option<u16> {
    let digits = std::str::from_utf8(bytes.get(at..at + 4)?).ok()?;
    u16::from_str_radix(digits, 16).ok()
}

/// Editors and tools on Windows often start UTF-8 files with a byte-order mark, which JSON
/// parsers reject. It becomes three spaces (JSON whitespace), so every byte offset kept for
/// lazy details stays valid.
fn blank_byte_order_mark(bytes: &mut [u8]) {
    if let Some(bom) = bytes.get_mut(..3) {
        if bom == [0xEF, 0xBB, 0xBF] {
            bom.fill(b' ');
        }
    }
}

/// Reads a trace file, keeping `bytes` (or their decompressed form) as the buffer that every
/// returned `Trace` shares through an `Arc` for lazy `span_details`.
pub fn import_owned(bytes: Vec<u8>, name_hint: Option<&str>) -> Result<Import, ImportError> {
    read(bytes, |text| detect::detect(text, name_hint))
}

/// Reads a trace file as `format`, whatever its content looks like (for callers that know, and
/// for fuzzing one importer at a time).
pub fn import_as(bytes: Vec<u8>, format: Format) -> Result<Import, ImportError> {
    read(bytes, |_| Ok(format))
}

/// Decompresses, checks the text, picks the format with `choose` and parses.
fn read(
    bytes: Vec<u8>,
    choose: impl FnOnce(&str) -> Result<Format, ImportError>,
) -> Result<Import, ImportError> {
    // An Appdash permalink carries its trace in the address, gzip-compressed.
    let permalink = appdash::permalink_payload(&bytes).transpose()?;
    let from_permalink = permalink.is_some();
    let bytes = permalink.unwrap_or(bytes);
    let compressed = gzip::is_gzip(&bytes);
    let mut bytes = if compressed {
        gzip::decompress(&bytes)?
    } else {
        bytes
    };
    if let Some(what) = gzip::other_compression(&bytes) {
        return Err(ImportError::new(
            None,
            ErrorKind::Compressed {
                what: what.to_string(),
            },
        ));
    }
    blank_byte_order_mark(&mut bytes);
    let lone_surrogates = replace_lone_surrogates(&mut bytes);
    let src: Arc<Vec<u8>> = Arc::new(bytes);
    let text = match std::str::from_utf8(&src) {
        Ok(t) => t,
        Err(e) => {
            return Err(ImportError::new(
                None,
                ErrorKind::NotText {
                    offset: e.valid_up_to(),
                },
            ))
        }
    };
    let format = choose(text)?;
    let mut b = ImportBuilder::new(text);
    match format {
        Format::Jaeger => jaeger::parse(text, &mut b)?,
        Format::Otlp => otlp::parse(text, &mut b)?,
        Format::Zipkin => zipkin::parse(text, &mut b)?,
        Format::Chrome => chrome::parse(text, &mut b)?,
        Format::Appdash => appdash::parse(text, &mut b)?,
    }
    if lone_surrogates > 0 {
        b.warnings.push(lone_surrogates_warning(lone_surrogates));
    }
    let (traces, warnings) = b.finish(format, &(Arc::clone(&src) as Arc<dyn Source>));
    Ok(Import {
        parsed_by: 1,
        format,
        traces,
        warnings,
        parsed_the_input_as_is: !compressed && !from_permalink,
    })
}

fn lone_surrogates_warning(count: usize) -> Warning {
    Warning::new(
        WarningKind::BadValue,
        format!(
            "{count} lone UTF-16 surrogate escape{} (a character cut in two) shown as U+FFFD",
            if count == 1 { "" } else { "s" }
        ),
    )
}

/// Fills the details of span `i` from its retained raw JSON.
pub(crate) fn details(t: &Trace, i: u32, d: &mut SpanDetails) {
    match t.format {
        Format::Jaeger => jaeger::details(t, i, d),
        Format::Otlp => otlp::details(t, i, d),
        Format::Zipkin => zipkin::details(t, i, d),
        Format::Chrome => chrome::details(t, i, d),
        Format::Appdash => appdash::details(t, i, d),
    }
}

/// Parses `text` as one document with `parse_doc`. When serde_json reports trailing characters
/// after the first value, the file is JSON Lines (the OTel Collector's file exporter: one document
/// per line): the first value has already been imported, and the rest is read line by line. No
/// pre-scan of the file is needed. A bad line is skipped with a warning unless no line can be read.
pub(crate) fn single_or_lines<'a>(
    text: &'a str,
    b: &mut ImportBuilder<'a>,
    mut parse_doc: impl FnMut(&'a str, Pos, &mut ImportBuilder<'a>) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let (line, column) = match parse_doc(text, Pos::START, b) {
        Err(e) if is_trailing(&e) => e.position().unwrap_or((1, 1)),
        other => return other,
    };
    // Byte offset of the trailing character: the start of its line plus the (byte) column.
    let line_start = if line <= 1 {
        0
    } else {
        text.bytes()
            .enumerate()
            .filter(|&(_, c)| c == b'\n')
            .nth(line - 2)
            .map_or(text.len(), |(k, _)| k + 1)
    };
    let mut offset = (line_start + column.saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let rest = text.get(offset..).unwrap_or("");
    for (k, piece) in rest.split('\n').enumerate() {
        if piece.trim().is_empty() {
            continue;
        }
        let at = Pos {
            line: line + k,
            column: if k == 0 { column } else { 1 },
        };
        if let Err(e) = parse_doc(piece, at, b) {
            let n = at.line;
            // The first line was read, so a bad later line is only a warning.
            b.warnings.push_with(WarningKind::Skipped, || {
                Warning::new(
                    WarningKind::Skipped,
                    format!("JSON Lines: line {n} skipped: {e}"),
                )
            });
        }
    }
    Ok(())
}

fn is_trailing(e: &ImportError) -> bool {
    matches!(&e.kind, ErrorKind::Syntax { message, .. } if message.starts_with("trailing characters"))
}
