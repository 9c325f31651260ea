//! The URL view-state codec for shareable links (after speedscope's `hash-params.ts` and
//! Perfetto's `route_schema.ts`).
//!
//! `v=1&trace=abc&span=def&t=1000-2000&q=service%3Dapi&depth=2&view=stats&skew=1&fold=3,7-9&data=AQ…`
//!
//! `fold` lists collapsed spans by index (ranges allowed); `data` carries the trace itself
//! (base64url, see `trace_core::packed`) so the link opens with no file, and comes last
//! because it is long.
//!
//! Parsed key by key: a bad value drops only that key and adds a [`ShareWarning`], so a link
//! mangled by a chat client still opens the trace. Unknown keys are ignored (links from a newer
//! viewer degrade gracefully); a newer `v` is read best-effort with a warning. Rule for future
//! versions: only add keys; changing a key's meaning needs a new key name or a version bump.
//!
//! The percent-encoding here (with the `percent-encoding` crate) is the only one in the viewer:
//! it encodes every byte outside the RFC 3986 unreserved set, so values survive both the query
//! string and the fragment.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::fmt;

/// The version this viewer writes.
pub const SHARE_VERSION: u32 = 1;

/// Longest accepted trace/span id.
const MAX_ID_LEN: usize = 128;
/// Longest accepted filter text.
const MAX_FILTER_LEN: usize = 2_000;
/// Most trace data a link gets when sharing: Chromium and Firefox take URLs of about 2 MB, and
/// chat clients and mail cut far shorter ones, so stay well below.
pub const MAX_TRACE_DATA_CHARS: usize = 1_000_000;
/// Longest `data=` value read from a link (links written by other builds may be longer).
const MAX_DATA_READ: usize = 2_500_000;
/// Most collapsed spans a link can name (ranges are expanded).
const MAX_FOLD: usize = 1 << 20;

/// Which pane is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewTab {
    /// The timeline (default).
    Timeline,
    /// Statistics charts.
    Stats,
    /// Data-quality warnings.
    Quality,
    /// One row per span, sortable.
    Table,
    /// Flame graph (icicle): merged by path, or each span at its time.
    Flame,
    /// Services and the calls between them.
    Map,
    /// Two traces side by side, aligned by path.
    Compare,
}

impl ViewTab {
    /// In the order the tabs are shown (and numbered by their keyboard shortcuts).
    pub const ALL: [ViewTab; 7] = [
        ViewTab::Timeline,
        ViewTab::Stats,
        ViewTab::Quality,
        ViewTab::Table,
        ViewTab::Flame,
        ViewTab::Map,
        ViewTab::Compare,
    ];

    /// The URL spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ViewTab::Timeline => "timeline",
            ViewTab::Stats => "stats",
            ViewTab::Quality => "quality",
            ViewTab::Table => "table",
            ViewTab::Flame => "flame",
            ViewTab::Map => "map",
            ViewTab::Compare => "compare",
        }
    }

    /// The tab's name.
    pub fn label(self) -> &'static str {
        match self {
            ViewTab::Timeline => "Timeline",
            ViewTab::Stats => "Statistics",
            ViewTab::Quality => "Data quality",
            ViewTab::Table => "Span table",
            ViewTab::Flame => "Flame graph",
            ViewTab::Map => "Service map",
            ViewTab::Compare => "Compare",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// Everything a link restores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewState {
    /// Version the link was written with (always [`SHARE_VERSION`] when encoding).
    pub version: u32,
    /// Trace id.
    pub trace: Option<String>,
    /// Selected span id.
    pub span: Option<String>,
    /// Visible window, ns from trace start, `start < end`.
    pub window: Option<(u64, u64)>,
    /// Filter text (parsed by the filter module, not here).
    pub filter: Option<String>,
    /// "Collapse to level N".
    pub collapsed_depth: Option<u16>,
    /// Pane.
    pub view: Option<ViewTab>,
    /// Clock-skew correction on.
    pub skew: bool,
    /// Name of a bundled sample trace.
    pub sample: Option<String>,
    /// Collapsed spans, by span index, sorted.
    pub fold: Vec<u32>,
    /// The trace itself, packed (base64url).
    pub data: Option<String>,
    /// An http(s) URL to fetch the trace from.
    pub url: Option<String>,
    /// The content id of a file kept in the browser's trace library (32 hex digits).
    pub lib: Option<String>,
}

impl Default for ViewState {
    fn default() -> Self {
        ViewState {
            version: SHARE_VERSION,
            trace: None,
            span: None,
            window: None,
            filter: None,
            collapsed_depth: None,
            view: None,
            skew: false,
            sample: None,
            fold: Vec::new(),
            data: None,
            url: None,
            lib: None,
        }
    }
}

/// Something in a link that was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareWarning {
    /// A key's value was invalid; the key was dropped.
    InvalidValue {
        /// The key.
        key: String,
        /// The raw value (still percent-encoded, truncated to 100 chars).
        value: String,
        /// What was expected.
        expected: &'static str,
    },
    /// The link is from a newer viewer; known keys were read anyway.
    NewerVersion {
        /// The version in the link.
        found: u32,
    },
    /// A key appeared more than once; the last value wins.
    Duplicate {
        /// The key.
        key: String,
    },
    /// More problems than are worth listing: `count` were left out.
    More {
        /// How many.
        count: usize,
    },
}

/// The most warnings one link reports: a hand-made link may repeat a bad key a million times.
pub const MAX_SHARE_WARNINGS: usize = 16;

/// Warnings, the first `MAX_SHARE_WARNINGS` kept and the rest counted.
#[derive(Default)]
struct Bounded {
    kept: Vec<ShareWarning>,
    left_out: usize,
}

impl Bounded {
    fn push(&mut self, w: ShareWarning) {
        if self.kept.len() < MAX_SHARE_WARNINGS {
            self.kept.push(w);
        } else {
            self.left_out += 1;
        }
    }

    fn finish(mut self) -> Vec<ShareWarning> {
        if self.left_out > 0 {
            self.kept.push(ShareWarning::More {
                count: self.left_out,
            });
        }
        self.kept
    }
}

impl fmt::Display for ShareWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShareWarning::InvalidValue {
                key,
                value,
                expected,
            } => write!(f, "ignored `{key}={value}`: expected {expected}"),
            ShareWarning::NewerVersion { found } => write!(
                f,
                "link is from a newer viewer (v={found}, this one reads v={SHARE_VERSION}); \
                 some settings may be missing"
            ),
            ShareWarning::Duplicate { key } => write!(f, "`{key}` given twice; the last one wins"),
            ShareWarning::More { count } => write!(f, "and {count} more problems in the link"),
        }
    }
}

/// Every byte outside the RFC 3986 unreserved set `A-Z a-z 0-9 - _ . ~` is escaped.
const ESCAPED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes every byte outside `A-Z a-z 0-9 - _ . ~` (uppercase hex).
pub fn percent_encode(s: &str) -> String {
    utf8_percent_encode(s, ESCAPED).to_string()
}

/// Decodes `%XX` escapes and `+` as a space (form encoding, as browsers may produce). A `%` not
/// followed by two hex digits stays as it is, as `URLSearchParams` reads it. `None` when the
/// bytes are not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let spaced = s.replace('+', " ");
    percent_decode_str(&spaced)
        .decode_utf8()
        .ok()
        .map(|text| text.into_owned())
}

/// Encodes the state as `k=v&...` (no leading `?`/`#`), keys in a fixed order, absent
/// values omitted, always with `v=` first.
pub fn encode(state: &ViewState) -> String {
    let mut parts = vec![format!("v={SHARE_VERSION}")];
    let mut push = |k: &str, v: &str| parts.push(format!("{k}={}", percent_encode(v)));
    if let Some(s) = &state.sample {
        push("sample", s);
    }
    if let Some(u) = &state.url {
        push("url", u);
    }
    if let Some(l) = &state.lib {
        push("lib", l);
    }
    if let Some(t) = &state.trace {
        push("trace", t);
    }
    if let Some(s) = &state.span {
        push("span", s);
    }
    if let Some((a, b)) = state.window {
        push("t", &format!("{a}-{b}"));
    }
    if let Some(q) = &state.filter {
        push("q", q);
    }
    if let Some(d) = state.collapsed_depth {
        push("depth", &d.to_string());
    }
    if let Some(v) = state.view {
        push("view", v.as_str());
    }
    if state.skew {
        push("skew", "1");
    }
    if !state.fold.is_empty() {
        push("fold", &encode_fold(&state.fold));
    }
    if let Some(d) = &state.data {
        push("data", d);
    }
    parts.join("&")
}

fn valid_id(s: &str) -> bool {
    !s.is_empty() && s.chars().count() <= MAX_ID_LEN && !s.chars().any(char::is_control)
}

/// Sample names become a path (`samples/NAME.json`): no separators, no leading dot.
fn valid_sample(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && !s.starts_with('.')
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Sorted span indexes as `a,b-c,...` (runs of consecutive indexes become ranges).
fn encode_fold(spans: &[u32]) -> String {
    let mut sorted = spans.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut parts: Vec<String> = Vec::new();
    let mut k = 0;
    while k < sorted.len() {
        let first = sorted[k];
        let mut last = first;
        while sorted.get(k + 1) == Some(&(last.wrapping_add(1))) {
            last += 1;
            k += 1;
        }
        parts.push(if first == last {
            first.to_string()
        } else {
            format!("{first}-{last}")
        });
        k += 1;
    }
    parts.join(",")
}

fn parse_fold(s: &str) -> Option<Vec<u32>> {
    let mut out = Vec::new();
    for part in s.split(',') {
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (a.parse::<u32>().ok()?, b.parse::<u32>().ok()?),
            None => {
                let a = part.parse::<u32>().ok()?;
                (a, a)
            }
        };
        if a > b || out.len() + (b - a) as usize >= MAX_FOLD {
            return None;
        }
        out.extend(a..=b);
    }
    out.sort_unstable();
    out.dedup();
    Some(out)
}

/// base64url without padding, as `trace_core::packed` writes it.
fn valid_data(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_DATA_READ
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'=')
}

/// Longest URL a link may name.
pub const MAX_URL_LEN: usize = 8_192;

/// A URL the viewer may fetch: http or https, no spaces or control characters.
pub fn is_fetchable(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://"))
        && url.len() <= MAX_URL_LEN
        && host(url).is_some_and(|h| !h.is_empty())
        && !url.chars().any(|c| c.is_control() || c == ' ')
}

/// The host (and port) of an http(s) URL.
pub fn host(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    // Credentials in a URL are never shown.
    Some(authority.rsplit('@').next().unwrap_or(authority))
}

fn parse_window(s: &str) -> Option<(u64, u64)> {
    let (a, b) = s.split_once('-')?;
    let (a, b) = (a.parse::<u64>().ok()?, b.parse::<u64>().ok()?);
    (a < b).then_some((a, b))
}

/// Decodes a query string or hash fragment (one leading `#` and/or `?` is skipped). Never
/// fails: invalid values are dropped with a warning each, unknown keys ignored.
pub fn decode(input: &str) -> (ViewState, Vec<ShareWarning>) {
    let s = input.strip_prefix('#').unwrap_or(input);
    let s = s.strip_prefix('?').unwrap_or(s);
    let mut st = ViewState::default();
    let mut warnings = Bounded::default();
    let mut seen: Vec<String> = Vec::new();
    for pair in s.split('&').filter(|p| !p.is_empty()) {
        let (raw_k, raw_v) = pair.split_once('=').unwrap_or((pair, ""));
        let Some(key) = percent_decode(raw_k) else {
            continue; // an undecodable key cannot be one of ours
        };
        const KNOWN: [&str; 13] = [
            "v", "trace", "span", "t", "q", "depth", "view", "skew", "sample", "fold", "data",
            "url", "lib",
        ];
        if !KNOWN.contains(&key.as_str()) {
            continue;
        }
        if seen.contains(&key) {
            warnings.push(ShareWarning::Duplicate { key: key.clone() });
        } else {
            seen.push(key.clone());
        }
        let mut invalid = |expected: &'static str| {
            warnings.push(ShareWarning::InvalidValue {
                key: key.clone(),
                value: raw_v.chars().take(100).collect(),
                expected,
            })
        };
        let Some(value) = percent_decode(raw_v) else {
            invalid("valid percent-encoded UTF-8");
            continue;
        };
        match key.as_str() {
            "v" => match value.parse::<u32>() {
                Ok(v) if v >= 1 => st.version = v,
                _ => invalid("a version number >= 1"),
            },
            "trace" if valid_id(&value) => st.trace = Some(value),
            "trace" => invalid("a trace id (1-128 printable characters)"),
            "span" if valid_id(&value) => st.span = Some(value),
            "span" => invalid("a span id (1-128 printable characters)"),
            "t" => match parse_window(&value) {
                Some(w) => st.window = Some(w),
                None => invalid("START-END in ns with START < END"),
            },
            "q" if value.chars().count() <= MAX_FILTER_LEN => st.filter = Some(value),
            "q" => invalid("a filter of at most 2000 characters"),
            "depth" => match value.parse::<u16>() {
                Ok(d) => st.collapsed_depth = Some(d),
                Err(_) => invalid("a depth 0-65535"),
            },
            "view" => match ViewTab::parse(&value) {
                Some(v) => st.view = Some(v),
                None => invalid("timeline, stats, quality, table, flame, map or compare"),
            },
            "skew" => match value.as_str() {
                // A bare `skew` (no `=`) switches it on.
                "" | "1" | "true" | "on" => st.skew = true,
                "0" | "false" | "off" => st.skew = false,
                _ => invalid("1 or 0"),
            },
            "sample" if valid_sample(&value) => st.sample = Some(value),
            "sample" => invalid("a sample name (letters, digits, - _ .)"),
            "fold" => match parse_fold(&value) {
                Some(f) => st.fold = f,
                None => invalid("span indexes and ranges, e.g. 3,7-9"),
            },
            "data" if valid_data(&value) => st.data = Some(value),
            "data" => invalid("trace data (base64url, at most 2.5 million characters)"),
            "url" if is_fetchable(&value) => st.url = Some(value),
            "url" => invalid("an http:// or https:// address"),
            "lib" if value.len() == 32 && value.bytes().all(|b| b.is_ascii_hexdigit()) => {
                st.lib = Some(value.to_ascii_lowercase())
            }
            "lib" => invalid("a library id (32 hexadecimal digits)"),
            _ => {}
        }
    }
    if st.version > SHARE_VERSION {
        warnings.push(ShareWarning::NewerVersion { found: st.version });
    }
    (st, warnings.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> ViewState {
        ViewState {
            version: 1,
            trace: Some("4bf92f3577b34da6a3ce929d0e0e4736".into()),
            span: Some("00f067aa0ba902b7".into()),
            window: Some((1000, 2000)),
            filter: Some("service=api duration>10ms http.url=\"/a b\"".into()),
            collapsed_depth: Some(3),
            view: Some(ViewTab::Stats),
            skew: true,
            sample: Some("hotrod-1.json".into()),
            fold: vec![0, 3, 4, 5, 9],
            data: Some("AQ-_xy".into()),
            url: Some("https://h.example/t.json?a=1&b=2#x".into()),
            lib: Some("0123456789abcdef0123456789abcdef".into()),
        }
    }

    #[test]
    fn encodes_the_documented_shape() {
        let s = ViewState {
            trace: Some("abc".into()),
            span: Some("def".into()),
            window: Some((1000, 2000)),
            filter: Some("service=api".into()),
            view: Some(ViewTab::Stats),
            ..ViewState::default()
        };
        assert_eq!(
            encode(&s),
            "v=1&trace=abc&span=def&t=1000-2000&q=service%3Dapi&view=stats"
        );
        assert_eq!(encode(&ViewState::default()), "v=1");
    }

    #[test]
    fn hand_written_round_trips() {
        let cases = [
            ViewState::default(),
            full(),
            ViewState {
                filter: Some("ü & = % + # ? \"quoted\" 🚀".into()),
                ..ViewState::default()
            },
            ViewState {
                collapsed_depth: Some(0),
                view: Some(ViewTab::Quality),
                ..ViewState::default()
            },
            ViewState {
                window: Some((0, u64::MAX)),
                ..ViewState::default()
            },
        ];
        for c in cases {
            let enc = encode(&c);
            let (dec, w) = decode(&enc);
            assert_eq!(dec, c, "{enc}");
            assert!(w.is_empty(), "{enc}: {w:?}");
        }
    }

    /// 1 to `max` characters from `alphabet`.
    fn text(r: &mut fastrand::Rng, max: usize, alphabet: &[char]) -> String {
        let len = r.usize(1..=max);
        (0..len)
            .map(|_| alphabet[r.usize(..alphabet.len())])
            .collect()
    }

    #[test]
    fn generated_round_trips() {
        let alphabet: Vec<char> = "aZ09-_.~ &=%+#?/\\\"'é€🚀\n\t;:,".chars().collect();
        let printable: Vec<char> = alphabet
            .iter()
            .copied()
            .filter(|c| !c.is_control())
            .collect();
        let base64url: Vec<char> = ('A'..='Z')
            .chain('a'..='z')
            .chain('0'..='9')
            .chain(['-', '_'])
            .collect();
        // Seeded, so the generated cases are reproducible.
        let mut r = fastrand::Rng::with_seed(0x9E37_79B9_7F4A_7C15);
        for _ in 0..2_000 {
            let a = r.u64(..1_000_000_000);
            let st = ViewState {
                version: SHARE_VERSION,
                trace: Some(text(&mut r, 40, &printable)),
                span: if r.bool() {
                    Some(text(&mut r, 20, &printable))
                } else {
                    None
                },
                window: if r.bool() {
                    Some((a, a + 1 + r.u64(..1_000_000)))
                } else {
                    None
                },
                filter: if r.bool() {
                    Some(text(&mut r, 60, &alphabet))
                } else {
                    None
                },
                collapsed_depth: if r.bool() {
                    Some((r.u64(..65_536)) as u16)
                } else {
                    None
                },
                view: [None, Some(ViewTab::Timeline), Some(ViewTab::Stats)][(r.u64(..3)) as usize],
                skew: r.bool(),
                sample: if r.bool() {
                    Some("sample-1".to_string())
                } else {
                    None
                },
                fold: (0..r.u64(..5)).map(|_| (r.u64(..50)) as u32).collect(),
                data: if r.bool() {
                    Some(text(&mut r, 80, &base64url))
                } else {
                    None
                },
                url: if r.bool() {
                    Some(format!(
                        "https://h.example/{}",
                        text(&mut r, 30, &base64url)
                    ))
                } else {
                    None
                },
                lib: r
                    .bool()
                    .then(|| format!("{:016x}{:016x}", r.u64(..), r.u64(..))),
            };
            let mut st = st;
            st.fold.sort_unstable();
            st.fold.dedup();
            let enc = encode(&st);
            assert!(
                enc.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.~%&=".contains(&b)),
                "{enc}"
            );
            let (dec, w) = decode(&enc);
            assert_eq!(dec, st, "{enc}");
            assert!(w.is_empty(), "{w:?}");
        }
    }

    #[test]
    fn one_bad_key_does_not_break_the_link() {
        let (st, w) = decode("?v=1&trace=abc&t=2000-1000&depth=-1&view=banana&span=def&skew=maybe");
        assert_eq!(st.trace.as_deref(), Some("abc"));
        assert_eq!(st.span.as_deref(), Some("def"));
        assert_eq!(st.window, None);
        assert_eq!(st.collapsed_depth, None);
        assert_eq!(st.view, None);
        assert!(!st.skew);
        let keys: Vec<&str> = w
            .iter()
            .filter_map(|w| match w {
                ShareWarning::InvalidValue { key, .. } => Some(key.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(keys, ["t", "depth", "view", "skew"]);
        assert!(w[0].to_string().contains("START-END"));
    }

    #[test]
    fn bad_encoding_and_path_traversal_are_rejected_per_key() {
        let (st, w) = decode("#trace=%FF&q=%E2%82&sample=..%2Fetc%2Fpasswd&span=ok");
        assert_eq!(st.trace, None);
        assert_eq!(st.filter, None);
        assert_eq!(st.sample, None);
        assert_eq!(st.span.as_deref(), Some("ok"));
        assert_eq!(w.len(), 3);
        let (st, w) = decode("trace=&span=a%00b");
        assert_eq!((st.trace, st.span), (None, None));
        assert_eq!(w.len(), 2);
    }

    #[test]
    fn unknown_keys_ignored_and_future_version_read_best_effort() {
        let (st, w) = decode("v=7&trace=abc&newthing=42&view=timeline");
        assert_eq!(st.version, 7);
        assert_eq!(st.trace.as_deref(), Some("abc"));
        assert_eq!(st.view, Some(ViewTab::Timeline));
        assert_eq!(w, [ShareWarning::NewerVersion { found: 7 }]);
        let (st, w) = decode("v=banana&trace=abc");
        assert_eq!(st.version, SHARE_VERSION);
        assert_eq!(w.len(), 1);
        let (st, w) = decode("");
        assert_eq!((st, w.len()), (ViewState::default(), 0));
    }

    #[test]
    fn plus_is_space_bare_skew_and_duplicates() {
        let (st, w) = decode("q=service%3Dapi+dur>1ms&skew&trace=a&trace=b");
        assert_eq!(st.filter.as_deref(), Some("service=api dur>1ms"));
        assert!(st.skew);
        assert_eq!(st.trace.as_deref(), Some("b"));
        assert_eq!(
            w,
            [ShareWarning::Duplicate {
                key: "trace".into()
            }]
        );
    }

    #[test]
    fn fold_ranges_round_trip_and_absurd_ranges_are_refused() {
        let st = ViewState {
            fold: vec![1, 2, 3, 7, 9, 10],
            ..ViewState::default()
        };
        assert_eq!(encode(&st), "v=1&fold=1-3%2C7%2C9-10");
        assert_eq!(decode(&encode(&st)).0.fold, st.fold);
        let (st, w) = decode("fold=0-4294967295&trace=a");
        assert!(st.fold.is_empty());
        assert_eq!(st.trace.as_deref(), Some("a"));
        assert_eq!(w.len(), 1);
        assert!(decode("fold=5-2").0.fold.is_empty());
        assert!(decode("fold=x").0.fold.is_empty());
    }

    #[test]
    fn data_takes_base64url_only_and_comes_last() {
        let st = ViewState {
            trace: Some("abc".into()),
            data: Some("AQ_-z9".into()),
            ..ViewState::default()
        };
        assert_eq!(encode(&st), "v=1&trace=abc&data=AQ_-z9");
        let (st, w) = decode("data=AQ%3Cscript%3E&trace=a");
        assert_eq!(st.data, None);
        assert_eq!(w.len(), 1);
    }

    #[test]
    fn only_http_urls_are_fetched() {
        assert!(is_fetchable("https://example.com/t.json"));
        assert!(is_fetchable("HTTP://127.0.0.1:9000/x"));
        for bad in [
            "file:///etc/passwd",
            "javascript:alert(1)",
            "https://",
            "https://a b/c",
            "ftp://x/y",
            "",
        ] {
            assert!(!is_fetchable(bad), "{bad}");
        }
        assert!(!is_fetchable(&format!(
            "https://x/{}",
            "a".repeat(MAX_URL_LEN)
        )));
    }

    #[test]
    fn url_is_percent_encoded_and_checked() {
        let st = ViewState {
            url: Some("https://h.example/a b?x=1&y=2".replace(' ', "%20")),
            span: Some("s1".into()),
            ..ViewState::default()
        };
        let enc = encode(&st);
        assert_eq!(
            enc,
            "v=1&url=https%3A%2F%2Fh.example%2Fa%2520b%3Fx%3D1%26y%3D2&span=s1"
        );
        assert_eq!(decode(&enc).0, st);
        let (st, w) = decode("url=javascript%3Aalert(1)&span=a");
        assert_eq!((st.url, st.span.as_deref()), (None, Some("a")));
        assert_eq!(w.len(), 1);
    }

    #[test]
    fn lib_takes_a_content_id_only() {
        let (st, w) = decode("lib=0123456789ABCDEF0123456789abcdef&trace=t");
        assert_eq!(st.lib.as_deref(), Some("0123456789abcdef0123456789abcdef"));
        assert!(w.is_empty());
        let (st, w) = decode("lib=..%2Fx&trace=t");
        assert_eq!((st.lib, w.len()), (None, 1));
    }

    #[test]
    fn a_link_with_a_million_bad_keys_reports_a_bounded_list() {
        let link = "depth=x&trace=a&".repeat(200_000);
        let (st, w) = decode(&link);
        assert_eq!(st.trace.as_deref(), Some("a"));
        assert_eq!(w.len(), MAX_SHARE_WARNINGS + 1);
        assert!(matches!(w.last(), Some(ShareWarning::More { count }) if *count > 300_000));
        assert!(w
            .last()
            .is_some_and(|m| m.to_string().contains("more problems")));
    }

    #[test]
    fn percent_codec() {
        assert_eq!(percent_encode("a b&c=é"), "a%20b%26c%3D%C3%A9");
        assert_eq!(
            percent_decode("a%20b%26c%3d%C3%A9").as_deref(),
            Some("a b&c=é")
        );
        assert_eq!(percent_decode("a+b%2B").as_deref(), Some("a b+"));
        // A stray `%` is kept, as the browser's URLSearchParams keeps it.
        assert_eq!(percent_decode("%").as_deref(), Some("%"));
        assert_eq!(percent_decode("%4").as_deref(), Some("%4"));
        assert_eq!(percent_decode("%é1").as_deref(), Some("%é1"));
        assert_eq!(percent_decode("%FF"), None, "not UTF-8");
    }
}
