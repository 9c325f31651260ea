//! The viewer's search/filter language.
//!
//! ```text
//! checkout                      free text: case-insensitive substring of name, service or
//!                               any attribute value
//! "two words"                   quoted free text
//! http.method=GET               attribute equals (as text); `!=` not equal; `~` contains
//! http.url="/a b"               quoted values may hold spaces; \" and \\ escape
//! http.status_code>=500         numeric comparison of an attribute (<, <=, >, >=)
//! service=api  name~get         span service / name: `=` equal (case-insensitive), `~` contains
//! caller=api                    the parent span's service (the service map's calls)
//! duration>10ms  dur<=1.5s      units ns, us (µs), ms, s, m, h
//! status=error|ok|unset         kind=server|client|producer|consumer|internal|unspecified
//! -term  !term                  negation
//! ```
//! Terms are separated by spaces and AND-ed; `OR` (in capitals) separates alternatives, and
//! binds looser than the spaces: `a b OR c` is (a and b) or c. `AND` may be written and means
//! nothing more than the space. Parentheses do not group: a word starting with `(` or ending
//! with `)` is an error that says so (quote it to search for the text). An empty filter
//! matches everything.
//!
//! The parser never panics: every malformed input yields a [`FilterError`] naming the column
//! (1-based, in characters) and what was expected, so the search box can underline it.
//! Matching goes through the [`SpanFields`] trait, which the UI implements over trace-core's
//! columns; nothing here knows the trace model.

use crate::bitset::BitSet;
use std::borrow::Cow;
use std::fmt;
use trace_core::time::Unit;

/// What the filter can ask of a span. Implemented by the UI over its span columns.
pub trait SpanFields {
    /// Operation name.
    fn name(&self) -> &str;
    /// Service name.
    fn service(&self) -> &str;
    /// The parent span's service; "" for a root.
    fn caller(&self) -> &str {
        ""
    }
    /// Duration in nanoseconds.
    fn duration_ns(&self) -> u64;
    /// True when the span failed (error status or error tag, however the format says it).
    fn is_error(&self) -> bool;
    /// Status as text: "ok", "error", "unset" or "" when absent.
    fn status(&self) -> &str;
    /// Span kind as text: "server", "client", ... or "" when absent.
    fn kind(&self) -> &str;
    /// An attribute's value rendered as text, `None` when absent.
    fn attr(&self, key: &str) -> Option<Cow<'_, str>>;
    /// True when any attribute value contains `needle_lowercase`, case-insensitively.
    fn any_attr_value_contains(&self, needle_lowercase: &str) -> bool;
}

/// Lets `Filter::match_set` take closures that return references.
impl<T: SpanFields + ?Sized> SpanFields for &T {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn service(&self) -> &str {
        (**self).service()
    }
    fn caller(&self) -> &str {
        (**self).caller()
    }
    fn duration_ns(&self) -> u64 {
        (**self).duration_ns()
    }
    fn is_error(&self) -> bool {
        (**self).is_error()
    }
    fn status(&self) -> &str {
        (**self).status()
    }
    fn kind(&self) -> &str {
        (**self).kind()
    }
    fn attr(&self, key: &str) -> Option<Cow<'_, str>> {
        (**self).attr(key)
    }
    fn any_attr_value_contains(&self, needle_lowercase: &str) -> bool {
        (**self).any_attr_value_contains(needle_lowercase)
    }
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `=` (`!=` parses as a negated `=`).
    Eq,
    /// `~`: contains, case-insensitive.
    Contains,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    fn holds<T: PartialOrd>(self, a: T, b: T) -> bool {
        match self {
            CmpOp::Eq | CmpOp::Contains => a == b,
            CmpOp::Lt => a < b,
            CmpOp::Le => a <= b,
            CmpOp::Gt => a > b,
            CmpOp::Ge => a >= b,
        }
    }
    fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Contains => "~",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// A span field that has its own key in the language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextField {
    /// `name=`
    Name,
    /// `service=`
    Service,
    /// `caller=`: the parent span's service.
    Caller,
}

/// `status=` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    /// Failed spans.
    Error,
    /// Explicitly OK.
    Ok,
    /// No status set, and not an error.
    Unset,
}

/// One predicate of the filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Pred {
    /// Free text, stored lowercase.
    Text(String),
    /// `name`/`service` with `=` (case-insensitive equality) or `~` (contains); lowercase.
    Field {
        /// Which field.
        field: TextField,
        /// `Eq` or `Contains`.
        op: CmpOp,
        /// The value, lowercase.
        value: String,
    },
    /// An attribute compared as text (`=`, `~`) or as a number (`<`, `<=`, `>`, `>=`).
    Attr {
        /// Attribute key, as written.
        key: String,
        /// Operator.
        op: CmpOp,
        /// Value as written (lowercased for `~`).
        value: String,
        /// The value as a number, for ordering comparisons.
        number: Option<f64>,
    },
    /// Duration comparison.
    Duration {
        /// Operator (never `Contains`).
        op: CmpOp,
        /// Threshold in ns.
        ns: u64,
    },
    /// Status.
    Status(StatusFilter),
    /// Span kind, lowercase.
    Kind(String),
}

/// A predicate, maybe negated, with where it started in the input.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// `-term`, `!term` or `!=`.
    pub negated: bool,
    /// What is tested.
    pub pred: Pred,
    /// 1-based column of the term in the input.
    pub column: usize,
}

/// A parsed filter: a span matches when every term of one alternative holds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filter {
    /// The `OR`-ed alternatives, each a list of AND-ed terms in input order. Never holds an
    /// empty alternative.
    pub alternatives: Vec<Vec<Term>>,
}

/// Why a filter does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    /// 1-based column (in characters) of the offending text.
    pub column: usize,
    /// The term in which the error is, as typed.
    pub term: String,
    /// What is wrong.
    pub message: String,
    /// What would be accepted, if that helps.
    pub hint: Option<&'static str>,
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} at column {}",
            self.term, self.message, self.column
        )?;
        if let Some(h) = self.hint {
            write!(f, " ({h})")?;
        }
        Ok(())
    }
}

impl std::error::Error for FilterError {}

const UNIT_HINT: &str = "use ns, us, ms, s, m, h";
const OR_HINT: Option<&str> = Some("write a b OR c");
const STATUS_HINT: &str = "use error, ok, unset";
/// Statuses the filter knows (`status=`).
pub const STATUSES: [&str; 3] = ["error", "ok", "unset"];
const KIND_HINT: &str = "use server, client, producer, consumer, internal, unspecified";
/// Span kinds the filter knows (`kind=`).
pub const KINDS: [&str; 6] = [
    "server",
    "client",
    "producer",
    "consumer",
    "internal",
    "unspecified",
];

impl Filter {
    /// Parses `input`. Never panics.
    pub fn parse(input: &str) -> Result<Filter, FilterError> {
        Parser {
            chars: input.chars().collect(),
            pos: 0,
            term_start: 0,
        }
        .parse()
    }

    /// True when the filter has no terms (matches everything).
    pub fn is_empty(&self) -> bool {
        self.alternatives.is_empty()
    }

    /// Does `span` satisfy every term of some alternative?
    pub fn matches<S: SpanFields + ?Sized>(&self, span: &S) -> bool {
        self.is_empty()
            || self
                .alternatives
                .iter()
                .any(|terms| terms.iter().all(|t| t.pred.matches(span) != t.negated))
    }

    /// Evaluates the filter over `n` spans, `span_at(i)` giving a view of span `i`; returns
    /// the set of matching span indices (feed it to `rows::visible_rows_filtered`).
    pub fn match_set<S: SpanFields>(&self, n: usize, span_at: impl Fn(u32) -> S) -> BitSet {
        let mut set = BitSet::new(n);
        for i in 0..n as u32 {
            if self.matches(&span_at(i)) {
                set.set(i, true);
            }
        }
        set
    }
}

impl Pred {
    fn matches<S: SpanFields + ?Sized>(&self, span: &S) -> bool {
        match self {
            Pred::Text(needle) => {
                contains_ci(span.name(), needle)
                    || contains_ci(span.service(), needle)
                    || span.any_attr_value_contains(needle)
            }
            Pred::Field { field, op, value } => {
                let hay = match field {
                    TextField::Name => span.name(),
                    TextField::Service => span.service(),
                    TextField::Caller => span.caller(),
                };
                match op {
                    CmpOp::Contains => contains_ci(hay, value),
                    _ => eq_ci(hay, value),
                }
            }
            Pred::Attr {
                key,
                op,
                value,
                number,
            } => match span.attr(key) {
                None => false,
                Some(v) => match op {
                    CmpOp::Eq => v == value.as_str(),
                    CmpOp::Contains => contains_ci(&v, value),
                    _ => match (v.trim().parse::<f64>(), number) {
                        (Ok(a), Some(b)) => op.holds(a, *b),
                        _ => false,
                    },
                },
            },
            Pred::Duration { op, ns } => op.holds(span.duration_ns(), *ns),
            Pred::Status(s) => {
                let st = span.status();
                match s {
                    StatusFilter::Error => span.is_error(),
                    StatusFilter::Ok => !span.is_error() && st.eq_ignore_ascii_case("ok"),
                    StatusFilter::Unset => {
                        !span.is_error() && (st.is_empty() || st.eq_ignore_ascii_case("unset"))
                    }
                }
            }
            Pred::Kind(k) => span.kind().eq_ignore_ascii_case(k),
        }
    }
}

/// A filter term matching `key` equal to `value` exactly, quoted when needed, so clicking a
/// service or attribute can search for it whatever characters it holds.
pub fn equals_term(key: &str, value: &str) -> String {
    term_with_op(key, "=", value)
}

/// `key`, the operator `op` (`=`, `~`, `!=`...) and `value`, quoted when needed.
pub fn term_with_op(key: &str, op: &str, value: &str) -> String {
    let plain = !value.is_empty()
        && value
            .chars()
            .all(|c| !c.is_whitespace() && !matches!(c, '"' | '\\' | '=' | '<' | '>' | '!' | '~'));
    if plain {
        format!("{key}{op}{value}")
    } else {
        format!(
            "{key}{op}\"{}\"",
            value.replace('\\', "\\\\").replace('"', "\\\"")
        )
    }
}

/// Case-insensitive substring test against an already-lowercase needle, without allocating
/// for ASCII text (the common case, and this runs once per span per keystroke).
pub fn contains_ci(haystack: &str, needle_lower: &str) -> bool {
    if needle_lower.is_empty() {
        return true;
    }
    if haystack.is_ascii() && needle_lower.is_ascii() {
        let (h, n) = (haystack.as_bytes(), needle_lower.as_bytes());
        return h.len() >= n.len() && h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n));
    }
    haystack.to_lowercase().contains(needle_lower)
}

fn eq_ci(haystack: &str, value_lower: &str) -> bool {
    if haystack.is_ascii() {
        haystack.eq_ignore_ascii_case(value_lower)
    } else {
        haystack.to_lowercase() == value_lower
    }
}

/// Parses a duration like `10ms`, `1.5s`, `500us`, `2m`, `750 ns` is not allowed (no space).
/// Returns the column-free error message and hint on failure.
pub fn parse_duration(text: &str) -> Result<u64, (String, &'static str)> {
    let num_end = text
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || c == '.'))
        .map_or(text.len(), |(i, _)| i);
    let (num, unit) = text.split_at(num_end);
    if num.is_empty() || num == "." || num.matches('.').count() > 1 {
        return Err((
            format!("expected a number in `{text}`"),
            "a duration looks like 10ms or 1.5s",
        ));
    }
    let mult = match Unit::parse(unit) {
        Some(unit) => u128::from(unit.ns),
        None if unit.is_empty() => return Err((format!("missing unit after `{num}`"), UNIT_HINT)),
        None => return Err((format!("unknown unit `{unit}`"), UNIT_HINT)),
    };
    let (int, frac) = num.split_once('.').unwrap_or((num, ""));
    let too_large = || {
        (
            format!("duration `{text}` is too large"),
            "at most ~584 years",
        )
    };
    if int.len() > 25 {
        return Err(too_large());
    }
    let int_v: u128 = if int.is_empty() {
        0
    } else {
        int.parse().map_err(|_| too_large())?
    };
    // Fraction digits beyond nanosecond precision are dropped.
    let frac = &frac[..frac.len().min(18)];
    let frac_v: u128 = if frac.is_empty() {
        0
    } else {
        frac.parse().map_err(|_| too_large())?
    };
    let ns = int_v * mult + frac_v * mult / 10u128.pow(frac.len() as u32);
    u64::try_from(ns).map_err(|_| too_large())
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    term_start: usize,
}

fn is_op_char(c: char) -> bool {
    matches!(c, '=' | '~' | '<' | '>')
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn term_text(&self) -> String {
        let mut end = self.term_start;
        let mut in_quote = false;
        while let Some(&c) = self.chars.get(end) {
            if c == '"' {
                in_quote = !in_quote;
            } else if c.is_whitespace() && !in_quote {
                break;
            }
            end += 1;
        }
        self.chars[self.term_start..end.max(self.term_start)]
            .iter()
            .collect()
    }

    fn err(&self, at: usize, message: String, hint: Option<&'static str>) -> FilterError {
        FilterError {
            column: at + 1,
            term: self.term_text(),
            message,
            hint,
        }
    }

    fn parse(mut self) -> Result<Filter, FilterError> {
        let mut alternatives = Vec::new();
        let mut terms = Vec::new();
        // Where the last `OR` was, while no term has followed it.
        let mut dangling_or: Option<usize> = None;
        loop {
            while self.peek().is_some_and(char::is_whitespace) {
                self.pos += 1;
            }
            if self.peek().is_none() {
                if let Some(at) = dangling_or {
                    return Err(self.err(at, "expected a term after OR".into(), OR_HINT));
                }
                if !terms.is_empty() {
                    alternatives.push(terms);
                }
                return Ok(Filter { alternatives });
            }
            self.term_start = self.pos;
            match self.keyword() {
                Some("OR") => {
                    if terms.is_empty() {
                        let what = match dangling_or {
                            Some(_) => "expected a term after OR",
                            None => "expected a term before OR",
                        };
                        return Err(self.err(self.term_start, what.into(), OR_HINT));
                    }
                    alternatives.push(std::mem::take(&mut terms));
                    dangling_or = Some(self.term_start);
                    continue;
                }
                // The space already means AND.
                Some(_) => continue,
                None => {}
            }
            terms.push(self.term()?);
            dangling_or = None;
            match self.peek() {
                None => {}
                Some(c) if c.is_whitespace() => {}
                Some(c) => {
                    return Err(self.err(
                        self.pos,
                        format!("unexpected `{c}` after the closing quote"),
                        Some("separate terms with a space"),
                    ))
                }
            }
        }
    }

    /// Consumes a bare `OR` or `AND` at `pos` and returns it.
    fn keyword(&mut self) -> Option<&'static str> {
        for word in ["OR", "AND"] {
            let end = self.pos + word.len();
            let matches = self
                .chars
                .get(self.pos..end)
                .is_some_and(|w| w.iter().copied().eq(word.chars()));
            if matches && self.chars.get(end).is_none_or(|c| c.is_whitespace()) {
                self.pos = end;
                return Some(word);
            }
        }
        None
    }

    fn term(&mut self) -> Result<Term, FilterError> {
        let column = self.pos + 1;
        let mut negated = false;
        if matches!(self.peek(), Some('-' | '!')) {
            negated = true;
            self.pos += 1;
            if self.peek().is_none_or(char::is_whitespace) {
                return Err(self.err(
                    self.pos - 1,
                    "expected a term after the negation".into(),
                    Some("write -word or !key=value"),
                ));
            }
        }
        if self.peek() == Some('"') {
            let text = self.quoted()?;
            return Ok(Term {
                negated,
                pred: Pred::Text(text.to_lowercase()),
                column,
            });
        }
        // Scan the bare token for an operator.
        let key_start = self.pos;
        let mut j = self.pos;
        while let Some(&c) = self.chars.get(j) {
            if c.is_whitespace() {
                break;
            }
            let bang_eq = c == '!' && self.chars.get(j + 1) == Some(&'=');
            if is_op_char(c) || bang_eq {
                if j == key_start {
                    return Err(self.err(
                        j,
                        format!("expected a field name before `{c}`"),
                        Some("write key=value"),
                    ));
                }
                let key: String = self.chars[key_start..j].iter().collect();
                self.pos = j;
                let (op, flip) = self.op();
                let pred = self.field(&key, key_start, op, flip)?;
                return Ok(Term {
                    negated: negated != flip,
                    pred,
                    column,
                });
            }
            j += 1;
        }
        let word: String = self.chars[key_start..j].iter().collect();
        if word.starts_with('(') || word.ends_with(')') {
            let at = if word.starts_with('(') {
                key_start
            } else {
                j - 1
            };
            return Err(self.err(
                at,
                "parentheses do not group terms".into(),
                Some("spaces mean AND and OR separates alternatives; quote text with parentheses: \"f(x)\""),
            ));
        }
        self.pos = j;
        Ok(Term {
            negated,
            pred: Pred::Text(word.to_lowercase()),
            column,
        })
    }

    /// Reads an operator at `pos`; returns it and whether it was `!=` (a negated `=`).
    fn op(&mut self) -> (CmpOp, bool) {
        let c = self.peek();
        let next = self.chars.get(self.pos + 1).copied();
        let (op, len, flip) = match (c, next) {
            (Some('!'), _) => (CmpOp::Eq, 2, true),
            (Some('<'), Some('=')) => (CmpOp::Le, 2, false),
            (Some('>'), Some('=')) => (CmpOp::Ge, 2, false),
            (Some('<'), _) => (CmpOp::Lt, 1, false),
            (Some('>'), _) => (CmpOp::Gt, 1, false),
            (Some('~'), _) => (CmpOp::Contains, 1, false),
            _ => (CmpOp::Eq, 1, false),
        };
        self.pos += len;
        (op, flip)
    }

    /// A quoted string at `pos` (which holds `"`), with `\"` and `\\` escapes.
    fn quoted(&mut self) -> Result<String, FilterError> {
        let open = self.pos;
        self.pos += 1;
        let mut s = String::new();
        loop {
            match self.peek() {
                None => {
                    return Err(self.err(
                        open,
                        "unterminated quote".into(),
                        Some("close it with \""),
                    ))
                }
                Some('"') => {
                    self.pos += 1;
                    return Ok(s);
                }
                Some('\\') if matches!(self.chars.get(self.pos + 1), Some('"' | '\\')) => {
                    s.push(self.chars[self.pos + 1]);
                    self.pos += 2;
                }
                Some(c) => {
                    s.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    /// The value after an operator: quoted, or bare up to the next space. Returns it with its
    /// column and whether it was quoted.
    fn value(&mut self, op_text: &str) -> Result<(String, usize, bool), FilterError> {
        let at = self.pos;
        if self.peek() == Some('"') {
            return Ok((self.quoted()?, at, true));
        }
        let mut v = String::new();
        while let Some(c) = self.peek().filter(|c| !c.is_whitespace()) {
            v.push(c);
            self.pos += 1;
        }
        if v.is_empty() {
            return Err(self.err(
                at,
                format!("expected a value after `{op_text}`"),
                Some("quote an empty value: key=\"\""),
            ));
        }
        Ok((v, at, false))
    }

    fn field(
        &mut self,
        key: &str,
        key_at: usize,
        op: CmpOp,
        flip: bool,
    ) -> Result<Pred, FilterError> {
        let op_text = if flip { "!=" } else { op.as_str() };
        let (value, at, _) = self.value(op_text)?;
        let lower = key.to_ascii_lowercase();
        let only_eq = |p: &Self, what: &str, hint: &'static str| -> Result<(), FilterError> {
            if op == CmpOp::Eq {
                Ok(())
            } else {
                Err(p.err(
                    key_at + key.chars().count(),
                    format!("`{}` does not work with {what}", op.as_str()),
                    Some(hint),
                ))
            }
        };
        match lower.as_str() {
            "duration" | "dur" => {
                if op == CmpOp::Contains {
                    return Err(self.err(
                        key_at + key.chars().count(),
                        "`~` does not work with durations".into(),
                        Some("use <, <=, >, >=, = or !="),
                    ));
                }
                let ns = parse_duration(&value).map_err(|(m, h)| self.err(at, m, Some(h)))?;
                Ok(Pred::Duration { op, ns })
            }
            "status" => {
                only_eq(self, "status", "use status=error or status!=ok")?;
                let s = match value.to_ascii_lowercase().as_str() {
                    "error" | "err" => StatusFilter::Error,
                    "ok" => StatusFilter::Ok,
                    "unset" => StatusFilter::Unset,
                    _ => {
                        return Err(self.err(
                            at,
                            format!("unknown status `{value}`"),
                            Some(STATUS_HINT),
                        ))
                    }
                };
                Ok(Pred::Status(s))
            }
            "kind" => {
                only_eq(self, "kind", "use kind=server or kind!=client")?;
                let k = value.to_ascii_lowercase();
                if !KINDS.contains(&k.as_str()) {
                    return Err(self.err(at, format!("unknown kind `{value}`"), Some(KIND_HINT)));
                }
                Ok(Pred::Kind(k))
            }
            "service" | "name" | "caller" => {
                if !matches!(op, CmpOp::Eq | CmpOp::Contains) {
                    return Err(self.err(
                        key_at + key.chars().count(),
                        format!("`{}` does not work with {lower}", op.as_str()),
                        Some("use =, != or ~"),
                    ));
                }
                let field = match lower.as_str() {
                    "name" => TextField::Name,
                    "caller" => TextField::Caller,
                    _ => TextField::Service,
                };
                Ok(Pred::Field {
                    field,
                    op,
                    value: value.to_lowercase(),
                })
            }
            _ => {
                let number = match op {
                    CmpOp::Eq | CmpOp::Contains => None,
                    _ => match value.trim().parse::<f64>() {
                        Ok(n) if n.is_finite() => Some(n),
                        _ => {
                            return Err(self.err(
                                at,
                                format!("expected a number after `{}`", op.as_str()),
                                Some("ordering compares numbers; use = or ~ for text"),
                            ))
                        }
                    },
                };
                let value = if op == CmpOp::Contains {
                    value.to_lowercase()
                } else {
                    value
                };
                Ok(Pred::Attr {
                    key: key.to_string(),
                    op,
                    value,
                    number,
                })
            }
        }
    }
}

/// The match after `current` in `matches` (sorted row indices), wrapping to the first; the
/// first match when there is no current row. `None` when there are no matches.
pub fn next_match(matches: &[usize], current: Option<usize>) -> Option<usize> {
    let first = *matches.first()?;
    let Some(cur) = current else {
        return Some(first);
    };
    let i = matches.partition_point(|&m| m <= cur);
    Some(matches.get(i).copied().unwrap_or(first))
}

/// The match before `current`, wrapping to the last; the last match when there is no current
/// row. `None` when there are no matches.
pub fn prev_match(matches: &[usize], current: Option<usize>) -> Option<usize> {
    let last = *matches.last()?;
    let Some(cur) = current else {
        return Some(last);
    };
    let i = matches.partition_point(|&m| m < cur);
    Some(if i == 0 { last } else { matches[i - 1] })
}

/// "3 of 17": the 1-based ordinal of `current` among `matches`, and the total; `None` when
/// `current` is not a match.
pub fn match_ordinal(matches: &[usize], current: usize) -> Option<(usize, usize)> {
    matches
        .binary_search(&current)
        .ok()
        .map(|i| (i + 1, matches.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[derive(Default)]
    struct S {
        name: &'static str,
        service: &'static str,
        caller: &'static str,
        dur: u64,
        error: bool,
        status: &'static str,
        kind: &'static str,
        attrs: HashMap<&'static str, &'static str>,
    }

    impl SpanFields for S {
        fn name(&self) -> &str {
            self.name
        }
        fn service(&self) -> &str {
            self.service
        }
        fn caller(&self) -> &str {
            self.caller
        }
        fn duration_ns(&self) -> u64 {
            self.dur
        }
        fn is_error(&self) -> bool {
            self.error
        }
        fn status(&self) -> &str {
            self.status
        }
        fn kind(&self) -> &str {
            self.kind
        }
        fn attr(&self, key: &str) -> Option<Cow<'_, str>> {
            self.attrs.get(key).map(|v| Cow::Borrowed(*v))
        }
        fn any_attr_value_contains(&self, needle_lowercase: &str) -> bool {
            self.attrs
                .values()
                .any(|v| contains_ci(v, needle_lowercase))
        }
    }

    fn get_user() -> S {
        S {
            name: "GET /users/{id}",
            service: "API-Gateway",
            caller: "",
            dur: 12_000_000,
            error: false,
            status: "ok",
            kind: "server",
            attrs: HashMap::from([
                ("http.method", "GET"),
                ("http.url", "/a b"),
                ("http.status_code", "200"),
                ("db.statement", "SELECT * FROM Users"),
            ]),
        }
    }

    fn db_error() -> S {
        S {
            name: "query",
            service: "postgres",
            caller: "API-Gateway",
            dur: 1_500_000_000,
            error: true,
            status: "error",
            kind: "client",
            attrs: HashMap::from([("http.status_code", "503")]),
        }
    }

    fn m(filter: &str, s: &S) -> bool {
        match Filter::parse(filter) {
            Ok(f) => f.matches(s),
            Err(e) => panic!("{filter}: {e}"),
        }
    }

    fn err(filter: &str) -> FilterError {
        match Filter::parse(filter) {
            Ok(f) => panic!("{filter} parsed as {f:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn empty_filter_matches_all() {
        let f = Filter::parse("   ").expect("blank parses");
        assert!(f.is_empty());
        assert!(f.matches(&get_user()) && f.matches(&db_error()));
    }

    #[test]
    fn free_text_is_case_insensitive_over_name_service_attrs() {
        let (a, b) = (get_user(), db_error());
        assert!(m("users", &a), "name");
        assert!(m("gateway", &a), "service");
        assert!(m("select", &a), "attribute value");
        assert!(!m("select", &b));
        assert!(m("POSTGRES", &b));
        assert!(m("\"a b\"", &a), "quoted text with a space");
        assert!(!m("nothing-here", &a));
    }

    #[test]
    fn non_ascii_text() {
        let s = S {
            name: "Über-Dienst",
            ..S::default()
        };
        assert!(m("über", &s));
        assert!(m("name=über-dienst", &s));
    }

    #[test]
    fn attribute_equality_and_quoted_values() {
        let a = get_user();
        assert!(m("http.method=GET", &a));
        assert!(!m("http.method=get", &a), "attribute equality is exact");
        assert!(m("http.method~get", &a), "~ is case-insensitive contains");
        assert!(m("http.url=\"/a b\"", &a));
        assert!(!m("http.url=/a", &a));
        assert!(!m("missing.key=x", &a));
        assert!(m("http.method!=POST", &a));
        assert!(m("missing.key!=x", &a), "absent attribute is not equal");
        assert!(m(
            r#"k="say \"hi\"""#,
            &S {
                attrs: HashMap::from([("k", r#"say "hi""#)]),
                ..S::default()
            }
        ));
    }

    #[test]
    fn numeric_attribute_comparison() {
        let (a, b) = (get_user(), db_error());
        assert!(m("http.status_code>=500", &b));
        assert!(!m("http.status_code>=500", &a));
        assert!(m("http.status_code<300", &a));
        assert!(
            !m("http.method>1", &a),
            "non-numeric attribute never orders"
        );
    }

    #[test]
    fn caller_is_the_parent_spans_service() {
        let called = S {
            service: "cart",
            caller: "Frontend",
            ..S::default()
        };
        assert!(m("caller=frontend service=cart", &called));
        assert!(m("caller~front", &called));
        assert!(!m("caller=cart", &called));
        assert!(!m("caller=frontend", &S::default()), "a root has no caller");
        assert!(Filter::parse("caller>3").is_err(), "names do not order");
    }

    #[test]
    fn service_name_kind_status() {
        let (a, b) = (get_user(), db_error());
        assert!(m("service=api-gateway", &a));
        assert!(!m("service=api", &a), "= is equality");
        assert!(m("service~api", &a));
        assert!(m("name~users", &a));
        assert!(m("kind=server", &a) && !m("kind=server", &b));
        assert!(m("kind=CLIENT", &b));
        assert!(m("status=error", &b) && !m("status=error", &a));
        assert!(m("status=ok", &a) && !m("status=ok", &b));
        assert!(m("status!=ok", &b));
        let unset = S::default();
        assert!(m("status=unset", &unset) && !m("status=unset", &a));
    }

    #[test]
    fn durations_with_units() {
        let (a, b) = (get_user(), db_error()); // 12 ms and 1.5 s
        assert!(m("duration>10ms", &a));
        assert!(!m("duration>12ms", &a));
        assert!(m("duration>=12ms", &a));
        assert!(m("dur<=1.5s", &b));
        assert!(!m("dur<1.5s", &b));
        assert!(m("dur>=500us", &a) && m("dur>=500µs", &a));
        assert!(m("duration=12000000ns", &a));
        assert!(m("duration<1m", &b));
        assert!(m("duration!=1.5s", &a));
        assert_eq!(parse_duration("1.5s"), Ok(1_500_000_000));
        assert_eq!(parse_duration(".5ms"), Ok(500_000));
        assert_eq!(parse_duration("2m"), Ok(120_000_000_000));
        assert_eq!(
            parse_duration("0.0000000019s"),
            Ok(1),
            "sub-ns digits truncate"
        );
        assert!(parse_duration("99999999999999999999h").is_err());
        assert!(parse_duration("1.2.3s").is_err());
    }

    #[test]
    fn and_and_negation() {
        let (a, b) = (get_user(), db_error());
        assert!(m("service~api duration>1ms kind=server", &a));
        assert!(!m("service~api duration>1s", &a));
        assert!(m("-postgres", &a) && !m("-postgres", &b));
        assert!(m("!status=error", &a) && !m("!status=error", &b));
        assert!(m("-status!=error", &b), "double negation");
        let f = Filter::parse("  a   b ").expect("parses");
        assert_eq!(f.alternatives.len(), 1);
        assert_eq!(f.alternatives[0].len(), 2);
        assert_eq!(f.alternatives[0][1].column, 7);
    }

    #[test]
    fn or_separates_alternatives_and_binds_looser_than_spaces() {
        let (a, b) = (get_user(), db_error());
        assert!(m("postgres OR service~api", &a) && m("postgres OR service~api", &b));
        // (service~api and status=error) or postgres: a is neither an error nor postgres.
        assert!(!m("service~api status=error OR postgres", &a));
        assert!(m("service~api status=error OR postgres", &b));
        assert!(m("service~api AND kind=server", &a), "AND is the space");
        // Lowercase `or` is a word to search for, as before.
        assert!(!m("get or", &a));
        let f = Filter::parse("a OR b c").expect("parses");
        assert_eq!(f.alternatives.len(), 2);
        assert_eq!(f.alternatives[1].len(), 2);
    }

    #[test]
    fn or_and_parentheses_that_cannot_mean_anything_are_errors() {
        for (input, column, what) in [
            ("OR a", 1, "expected a term before OR"),
            ("a OR", 3, "expected a term after OR"),
            ("a OR OR b", 6, "expected a term after OR"),
            ("((", 1, "parentheses do not group terms"),
            ("(a OR b)", 1, "parentheses do not group terms"),
            ("x b)", 4, "parentheses do not group terms"),
        ] {
            let e = Filter::parse(input).expect_err(input);
            assert_eq!(e.column, column, "{input}: {e}");
            assert!(e.message.contains(what), "{input}: {e}");
        }
        // Quoted, parentheses are text.
        assert!(Filter::parse("\"f(x)\"").is_ok());
    }

    #[test]
    fn unknown_unit_error_names_column_and_units() {
        let e = err("duration>10xs");
        assert_eq!(e.column, 10);
        assert_eq!(e.message, "unknown unit `xs`");
        assert_eq!(
            e.to_string(),
            "duration>10xs: unknown unit `xs` at column 10 (use ns, us, ms, s, m, h)"
        );
        let e = err("service=api dur>=5");
        assert_eq!(e.column, 18);
        assert_eq!(e.term, "dur>=5");
        assert!(e.message.contains("missing unit"));
    }

    #[test]
    fn other_errors() {
        assert_eq!(err("service=").message, "expected a value after `=`");
        assert_eq!(err("service=").column, 9);
        assert_eq!(err("=x").message, "expected a field name before `=`");
        let e = err("http.url=\"/a b");
        assert_eq!((e.column, e.message.as_str()), (10, "unterminated quote"));
        assert_eq!(err("status=broken").hint, Some(STATUS_HINT));
        assert_eq!(err("kind=sideways").hint, Some(KIND_HINT));
        assert!(err("status>ok").message.contains("does not work"));
        assert!(err("service>3").message.contains("does not work"));
        assert!(err("dur~5ms").message.contains("does not work"));
        assert!(err("code>abc").message.contains("expected a number"));
        assert_eq!(err("- x").column, 1);
        assert!(err("\"a\"b").message.contains("unexpected `b`"));
        assert!(err("dur>ms").message.contains("expected a number"));
    }

    #[test]
    fn parser_never_panics_on_junk() {
        // Deterministic pseudo-random strings over an alphabet rich in syntax characters.
        let alphabet: Vec<char> = "ab=!~<>-\" \\.5msµ:é\t".chars().collect();
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..20_000 {
            let len = (x % 12) as usize;
            let mut s = String::new();
            for _ in 0..len {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                s.push(alphabet[(x % alphabet.len() as u64) as usize]);
            }
            match Filter::parse(&s) {
                Ok(f) => {
                    let _ = f.matches(&get_user());
                }
                Err(e) => {
                    assert!(
                        e.column >= 1 && e.column <= s.chars().count() + 1,
                        "{s:?}: {e}"
                    );
                    assert!(!e.message.is_empty());
                }
            }
        }
    }

    #[test]
    fn match_set_over_spans() {
        let spans = [get_user(), db_error(), S::default()];
        let f = Filter::parse("status!=error").expect("parses");
        let set = f.match_set(spans.len(), |i| &spans[i as usize]);
        assert_eq!(set.iter().collect::<Vec<_>>(), [0, 2]);
    }

    #[test]
    fn match_navigation_wraps() {
        let rows = [3, 8, 20];
        assert_eq!(next_match(&rows, None), Some(3));
        assert_eq!(next_match(&rows, Some(3)), Some(8));
        assert_eq!(next_match(&rows, Some(5)), Some(8));
        assert_eq!(next_match(&rows, Some(20)), Some(3));
        assert_eq!(next_match(&rows, Some(99)), Some(3));
        assert_eq!(prev_match(&rows, None), Some(20));
        assert_eq!(prev_match(&rows, Some(8)), Some(3));
        assert_eq!(prev_match(&rows, Some(3)), Some(20));
        assert_eq!(prev_match(&rows, Some(0)), Some(20));
        assert_eq!(prev_match(&rows, Some(10)), Some(8));
        assert_eq!(next_match(&[], Some(1)), None);
        assert_eq!(prev_match(&[], None), None);
        assert_eq!(match_ordinal(&rows, 8), Some((2, 3)));
        assert_eq!(match_ordinal(&rows, 9), None);
    }

    #[test]
    fn equals_term_round_trips_through_the_parser() {
        for value in ["api", "my service", "a\"b", "back\\slash", "x=y", ""] {
            let term = equals_term("service", value);
            let f = Filter::parse(&term).expect(&term);
            let mut span = get_user();
            span.service = Box::leak(value.to_string().into_boxed_str());
            assert!(f.matches(&span), "{term} should match service {value:?}");
            span.service = Box::leak(format!("{value}-other").into_boxed_str());
            assert!(
                !f.matches(&span),
                "{term} should not match {:?}",
                span.service
            );
        }
        assert_eq!(equals_term("service", "api"), "service=api");
    }
}
