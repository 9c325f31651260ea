//! Lenient JSON readers for the importers: they accept any JSON type where a scalar is expected,
//! so a wrong type in an optional field degrades to "missing" instead of failing the whole file;
//! strings with escapes are unescaped rather than refused (`Scalar`, `Text`), and elements that are
//! not objects are skipped (`Obj`). The details helpers (`parse_list`, `parse_entries`,
//! `salvage_kv`) decode retained lists so that one element that cannot be decoded loses only itself.

use crate::model::{KeyValue, Value};
use serde::de::{self, Deserializer, IgnoredAny, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

/// A scalar that may be a string, an integer, a float or a bool; anything else reads as `None`.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) enum Scalar<'a> {
    #[default]
    None,
    Str(Cow<'a, str>),
    Int(i64),
    Float(f64),
    Bool(bool),
}

impl<'a> Scalar<'a> {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Scalar::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_none(&self) -> bool {
        matches!(self, Scalar::None)
    }

    /// Text form: strings as is, numbers in decimal. Allocates only for non-strings.
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Scalar::None => Cow::Borrowed(""),
            Scalar::Str(s) => Cow::Borrowed(s),
            Scalar::Int(i) => Cow::Owned(i.to_string()),
            Scalar::Float(f) => Cow::Owned(f.to_string()),
            Scalar::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        }
    }

    pub fn truthy(&self) -> bool {
        match self {
            Scalar::Bool(b) => *b,
            Scalar::Str(s) => s.eq_ignore_ascii_case("true"),
            Scalar::Int(i) => *i != 0,
            _ => false,
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Scalar<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Scalar<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a scalar")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Scalar<'a>, E> {
                Ok(Scalar::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Scalar<'a>, E> {
                Ok(Scalar::Str(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Scalar<'a>, E> {
                Ok(Scalar::Str(Cow::Owned(v)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Scalar<'a>, E> {
                Ok(Scalar::Int(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Scalar<'a>, E> {
                Ok(match i64::try_from(v) {
                    Ok(i) => Scalar::Int(i),
                    Err(_) => Scalar::Float(v as f64),
                })
            }
            fn visit_f64<E>(self, v: f64) -> Result<Scalar<'a>, E> {
                Ok(Scalar::Float(v))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Scalar<'a>, E> {
                Ok(Scalar::Bool(v))
            }
            fn visit_unit<E>(self) -> Result<Scalar<'a>, E> {
                Ok(Scalar::None)
            }
            fn visit_none<E>(self) -> Result<Scalar<'a>, E> {
                Ok(Scalar::None)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut a: A) -> Result<Scalar<'a>, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Scalar::None)
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut a: A) -> Result<Scalar<'a>, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Scalar::None)
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// A JSON string, borrowed from the input when it has no escapes and unescaped into an owned copy
/// when it has (`\"`, `\\`, `\n`, `\u00e9`, `\/`...). Use it instead of `&'a str`, which serde
/// cannot borrow across an escape (the whole containing value then fails to deserialize), and
/// instead of `Cow<'a, str>` where serde's `borrow` attribute does not reach (map keys, elements,
/// `next_key`): there serde's `Cow` always copies.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Text<'a>(pub Cow<'a, str>);

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Text<'_> {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Text<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V(std::marker::PhantomData))
    }
}

/// An object, or (`Other`) a value of any other type where an object was expected: a `null`
/// element of an array of spans (JavaScript writes `undefined` as `null`) is skipped with a
/// warning rather than failing the whole file.
#[derive(Debug)]
pub(crate) enum Obj<T> {
    Obj(T),
    Other,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Obj<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        de::DeserializeSeed::deserialize(ObjSeed(std::marker::PhantomData::<T>), d)
    }
}

/// Reads an object with the seed `S` (whose visitor expects a map), anything else as `Other`.
pub(crate) struct ObjSeed<S>(pub S);

impl<'de, S: de::DeserializeSeed<'de>> de::DeserializeSeed<'de> for ObjSeed<S> {
    type Value = Obj<S::Value>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, S: de::DeserializeSeed<'de>> Visitor<'de> for ObjSeed<S> {
    type Value = Obj<S::Value>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: de::MapAccess<'de>>(self, a: A) -> Result<Self::Value, A::Error> {
        self.0
            .deserialize(de::value::MapAccessDeserializer::new(a))
            .map(Obj::Obj)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
        while a.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Obj::Other)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Obj::Other)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Obj::Other)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Obj::Other)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Obj::Other)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Obj::Other)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Obj::Other)
    }
}

/// Deserializes a sequence element by element, ignoring anything that is not an array.
/// Used for optional lists whose elements are lenient themselves.
#[derive(Debug, Default)]
pub(crate) struct LenientVec<T>(pub Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for LenientVec<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = LenientVec<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array")
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut a: A) -> Result<LenientVec<T>, A::Error> {
                let mut v = Vec::with_capacity(a.size_hint().unwrap_or(0).min(1024));
                while let Some(x) = a.next_element()? {
                    v.push(x);
                }
                Ok(LenientVec(v))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut a: A) -> Result<LenientVec<T>, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(LenientVec(Vec::new()))
            }
            fn visit_str<E>(self, _: &str) -> Result<LenientVec<T>, E> {
                Ok(LenientVec(Vec::new()))
            }
            fn visit_i64<E>(self, _: i64) -> Result<LenientVec<T>, E> {
                Ok(LenientVec(Vec::new()))
            }
            fn visit_u64<E>(self, _: u64) -> Result<LenientVec<T>, E> {
                Ok(LenientVec(Vec::new()))
            }
            fn visit_f64<E>(self, _: f64) -> Result<LenientVec<T>, E> {
                Ok(LenientVec(Vec::new()))
            }
            fn visit_bool<E>(self, _: bool) -> Result<LenientVec<T>, E> {
                Ok(LenientVec(Vec::new()))
            }
            fn visit_unit<E>(self) -> Result<LenientVec<T>, E> {
                Ok(LenientVec(Vec::new()))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// Parses a small retained JSON fragment; bad input gives the type's default. For details, use it
/// only for types that cannot fail on valid JSON (scalars, [`LenientVec`] of those, `&RawValue`
/// for nested lists): anything that can fail loses the whole fragment. Lists and objects whose
/// elements can fail (a value nested deeper than serde_json's limit, an unexpected type) are read
/// with [`parse_list`] and [`parse_entries`], which keep the other elements.
pub(crate) fn parse_or_default<'a, T: Deserialize<'a> + Default>(s: &'a str) -> T {
    if s.is_empty() {
        return T::default();
    }
    serde_json::from_str(s).unwrap_or_default()
}

/// serde_json's nesting limit: a deeper value does not parse, and this bounds the recursion of
/// every conversion of what did parse (`Value::from_json`, OTLP's `any_value`), so no input can
/// overflow the stack. Raw values (`&RawValue`, `IgnoredAny`) are skipped without recursion.
pub(crate) const MAX_DEPTH: usize = 128;

/// How many characters of an undecodable value the details show.
const SHOWN_CHARS: usize = 80;

/// A serde_json error without its " at line L column C" (positions in a retained fragment mean
/// nothing to a reader).
fn error_text(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    match msg.rfind(" at line ") {
        Some(k) => msg[..k].to_string(),
        None => msg,
    }
}

fn is_too_deep(e: &serde_json::Error) -> bool {
    e.to_string().starts_with("recursion limit exceeded")
}

/// The start of `raw`, with an ellipsis when it is longer.
fn clipped(raw: &str) -> String {
    let mut s: String = raw.chars().take(SHOWN_CHARS).collect();
    if raw.chars().nth(SHOWN_CHARS).is_some() {
        s.push('…');
    }
    s
}

/// A value the details cannot decode, shown as a string that says why and starts with the
/// value's text; `why` goes into the span's warning.
pub(crate) struct Unreadable {
    pub value: Value,
    pub why: String,
}

pub(crate) fn unreadable(raw: &str, e: &serde_json::Error) -> Unreadable {
    let why = if is_too_deep(e) {
        format!("nested deeper than {MAX_DEPTH} levels")
    } else {
        error_text(e)
    };
    Unreadable {
        value: Value::Str(format!("(not decoded: {why}) {}", clipped(raw))),
        why,
    }
}

/// The elements of a retained JSON array for details, each converted by `ok`. When the array does
/// not parse as a whole (serde fails on one element: nested deeper than [`MAX_DEPTH`], or of a type
/// `T` does not accept), every element is parsed on its own, so the others are kept, and `bad`
/// gives what stands in for each one that fails (None: nothing). Anything but an array is empty.
/// The happy path is one parse, as before.
pub(crate) fn parse_list<'a, T: Deserialize<'a>, U>(
    raw: &'a str,
    mut ok: impl FnMut(T) -> U,
    mut bad: impl FnMut(&'a str, &serde_json::Error) -> Option<U>,
) -> Vec<U> {
    if raw.is_empty() {
        return Vec::new();
    }
    if let Ok(all) = serde_json::from_str::<LenientVec<T>>(raw) {
        return all.0.into_iter().map(ok).collect();
    }
    // Raw values are skipped without serde's nesting limit: this cannot fail on valid JSON.
    let elements = serde_json::from_str::<LenientVec<&'a RawValue>>(raw).map(|v| v.0);
    elements
        .unwrap_or_default()
        .into_iter()
        .filter_map(|e| match serde_json::from_str::<T>(e.get()) {
            Ok(t) => Some(ok(t)),
            Err(err) => bad(e.get(), &err),
        })
        .collect()
}

/// The entries of a retained JSON object for details, sorted by key (the last of duplicate keys
/// wins), as serde_json's map gives them; None when `raw` is not an object. Like [`parse_list`],
/// an entry that does not parse does not lose the others: `bad(key, raw value, error)` stands in.
pub(crate) fn parse_entries<'a, T: Deserialize<'a>>(
    raw: &'a str,
    mut bad: impl FnMut(&str, &'a str, &serde_json::Error) -> Option<T>,
) -> Option<Vec<(String, T)>> {
    if let Ok(all) = serde_json::from_str::<BTreeMap<String, T>>(raw) {
        return Some(all.into_iter().collect());
    }
    let raw_entries = serde_json::from_str::<BTreeMap<String, &'a RawValue>>(raw).ok()?;
    Some(
        raw_entries
            .into_iter()
            .filter_map(|(k, v)| match serde_json::from_str::<T>(v.get()) {
                Ok(t) => Some((k, t)),
                Err(err) => bad(&k, v.get(), &err).map(|t| (k, t)),
            })
            .collect(),
    )
}

/// A JSON value for details: decoded, or when it cannot be (nested deeper than [`MAX_DEPTH`], a
/// lone surrogate escape) shown as its text, with a note in `notes` naming `what` it is.
pub(crate) fn json_value(raw: &str, what: &str, notes: &mut Vec<String>) -> Value {
    match serde_json::from_str(raw) {
        Ok(v) => Value::from_json(v),
        Err(e) => {
            let u = unreadable(raw, &e);
            notes.push(format!("{what}: {}; shown as text", u.why));
            u.value
        }
    }
}

/// [`parse_entries`] of JSON values into key/values named `prefix` + key; None when `raw` is not
/// an object. An undecodable value is shown as text, with a note naming `what` it is.
pub(crate) fn json_entries(
    raw: &str,
    what: &str,
    prefix: &str,
    notes: &mut Vec<String>,
) -> Option<Vec<KeyValue>> {
    let entries = parse_entries::<serde_json::Value>(raw, |k, v, e| {
        let u = unreadable(v, e);
        notes.push(format!("{what} {k:?}: {}; shown as text", u.why));
        Some(serde_json::Value::String(match u.value {
            Value::Str(s) => s,
            _ => String::new(),
        }))
    })?;
    Some(
        entries
            .into_iter()
            .map(|(k, v)| KeyValue {
                key: format!("{prefix}{k}"),
                value: Value::from_json(v),
            })
            .collect(),
    )
}

/// The parts of a key/value element (Jaeger tag, OTLP attribute) that did not parse as a whole.
#[derive(Deserialize)]
pub(crate) struct KvParts<'a> {
    #[serde(borrow, default)]
    pub key: Scalar<'a>,
    #[serde(rename = "type", borrow, default)]
    pub ty: Scalar<'a>,
    #[serde(borrow, default)]
    pub value: Option<&'a RawValue>,
}

/// What stands in for a key/value element (`raw`) of a details list that failed to parse with
/// `err`: its key, with its value decoded alone as `V` (which restarts serde_json's nesting count)
/// and converted by `decode`, or shown as text when even that fails. An element that is not an
/// object is dropped. Each case leaves a note naming `what` the element is (a value that decodes
/// alone leaves none when only the nesting of the list was too deep).
pub(crate) fn salvage_kv<'a, V: Deserialize<'a>>(
    raw: &'a str,
    err: &serde_json::Error,
    what: &str,
    notes: &mut Vec<String>,
    decode: impl FnOnce(&KvParts<'a>, V) -> Value,
) -> Option<KeyValue> {
    let Ok(parts) = serde_json::from_str::<KvParts<'a>>(raw) else {
        notes.push(format!(
            "a {what} that is not a key/value object was skipped: {}",
            clipped(raw)
        ));
        return None;
    };
    let key = parts.key.text().into_owned();
    let value_raw = parts.value.map_or("null", RawValue::get);
    let value = match serde_json::from_str::<V>(value_raw) {
        Ok(v) => {
            if !is_too_deep(err) {
                notes.push(format!("{what} {key:?}: {}", error_text(err)));
            }
            decode(&parts, v)
        }
        Err(e) => {
            let u = unreadable(value_raw, &e);
            notes.push(format!("{what} {key:?}: {}; shown as text", u.why));
            u.value
        }
    };
    Some(KeyValue { key, value })
}

/// What stands in for an element of a details list that is not an object (a log, event, link,
/// reference or annotation): nothing, with a note.
pub(crate) fn skip_element<U>(what: &str, raw: &str, notes: &mut Vec<String>) -> Option<U> {
    notes.push(format!(
        "a {what} that could not be read was skipped: {}",
        clipped(raw)
    ));
    None
}

/// A scalar token of [`scan_flat_array`]'s subset of JSON, borrowed from the input.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Lit<'a> {
    /// A string without escapes (its content, without the quotes).
    Str(&'a str),
    /// A string with valid escapes, as written (without the quotes): its text is not this slice,
    /// so a caller that needs it must leave the subset (serde unescapes it).
    Escaped(&'a str),
    Bool(bool),
    Null,
    /// A number, as written.
    Num(&'a str),
}

impl<'a> Lit<'a> {
    pub fn as_str(&self) -> Option<&'a str> {
        match self {
            Lit::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// One step of [`scan_flat_array`].
pub(crate) enum FlatEvent<'a> {
    /// A `"key": value` pair of the current element (in input order).
    Entry(&'a str, Lit<'a>),
    /// The current element's closing `}`.
    End,
}

/// Fast path for re-reading a retained array of small flat objects (Jaeger tags, references)
/// without serde: calls `f` for each pair and the end of each element. Only a subset is accepted:
/// an array of objects whose keys are strings without escapes and whose values are strings
/// (escaped ones as [`Lit::Escaped`]), numbers, booleans or null. Returns false as soon as the
/// input (or `f`, by returning false) leaves that subset; the caller then discards what it
/// collected and uses serde, so the results are the same as serde's on every input.
pub(crate) fn scan_flat_array<'a>(raw: &'a str, mut f: impl FnMut(FlatEvent<'a>) -> bool) -> bool {
    let mut s = Flat { raw, i: 0 };
    s.ws();
    if !s.eat(b'[') {
        return false;
    }
    s.ws();
    if s.eat(b']') {
        s.ws();
        return s.i == raw.len();
    }
    loop {
        if !s.eat(b'{') {
            return false;
        }
        s.ws();
        if !s.eat(b'}') {
            loop {
                let Some(k) = s.string() else { return false };
                s.ws();
                if !s.eat(b':') {
                    return false;
                }
                s.ws();
                let Some(v) = s.lit() else { return false };
                if !f(FlatEvent::Entry(k, v)) {
                    return false;
                }
                s.ws();
                if s.eat(b'}') {
                    break;
                }
                if !s.eat(b',') {
                    return false;
                }
                s.ws();
            }
        }
        if !f(FlatEvent::End) {
            return false;
        }
        s.ws();
        if s.eat(b']') {
            s.ws();
            return s.i == raw.len();
        }
        if !s.eat(b',') {
            return false;
        }
        s.ws();
    }
}

/// Index of the first `"`, `\\` or control character in `s`, eight bytes at a time (SWAR: these
/// strings are long URLs and messages; wasm has no SIMD by default).
fn string_end(s: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut chunks = s.chunks_exact(8);
    let mut at = 0;
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        let x = u64::from_le_bytes(w);
        let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
        // A byte < 0x20 or equal to '"' or '\\'. Borrows only run upwards, so the lowest flagged
        // byte is always a real hit.
        let hit = zero(x ^ (ONES * b'"' as u64))
            | zero(x ^ (ONES * b'\\' as u64))
            | (x.wrapping_sub(ONES * 0x20) & !x & HIGH);
        if hit != 0 {
            return Some(at + (hit.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let tail = chunks.remainder();
    tail.iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .map(|k| at + k)
}

struct Flat<'a> {
    raw: &'a str,
    i: usize,
}

impl<'a> Flat<'a> {
    fn peek(&self) -> Option<u8> {
        self.raw.as_bytes().get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        let hit = self.peek() == Some(c);
        self.i += hit as usize;
        hit
    }

    /// A string without escapes or control characters; its content.
    fn string(&mut self) -> Option<&'a str> {
        if !self.eat(b'"') {
            return None;
        }
        let rest = self.raw.as_bytes().get(self.i..)?;
        let n = string_end(rest)?;
        if rest.get(n) != Some(&b'"') {
            return None;
        }
        let s = self.raw.get(self.i..self.i + n)?;
        self.i += n + 1;
        Some(s)
    }

    fn word(&mut self, w: &str) -> bool {
        let hit = self
            .raw
            .as_bytes()
            .get(self.i..)
            .is_some_and(|r| r.starts_with(w.as_bytes()));
        if hit {
            self.i += w.len();
        }
        hit
    }

    /// A string that may have escapes: its content as written, and whether it has any. None
    /// where serde would fail: a control character, an unknown escape, a lone surrogate.
    fn any_string(&mut self) -> Option<Lit<'a>> {
        if !self.eat(b'"') {
            return None;
        }
        let start = self.i;
        let mut escaped = false;
        loop {
            let rest = self.raw.as_bytes().get(self.i..)?;
            let n = string_end(rest)?;
            self.i += n;
            match self.peek()? {
                b'"' => {
                    let s = self.raw.get(start..self.i)?;
                    self.i += 1;
                    return Some(if escaped {
                        Lit::Escaped(s)
                    } else {
                        Lit::Str(s)
                    });
                }
                b'\\' => {
                    escaped = true;
                    self.i += 1;
                    match self.peek()? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.i += 1,
                        b'u' => match self.hex4()? {
                            0xD800..=0xDBFF => {
                                // A leading surrogate must be followed by a trailing one.
                                if !(self.eat(b'\\') && self.peek() == Some(b'u')) {
                                    return None;
                                }
                                if !(0xDC00..=0xDFFF).contains(&self.hex4()?) {
                                    return None;
                                }
                            }
                            0xDC00..=0xDFFF => return None,
                            _ => {}
                        },
                        _ => return None,
                    }
                }
                // A control character.
                _ => return None,
            }
        }
    }

    /// The four hex digits after the `u` at the cursor, as a number.
    fn hex4(&mut self) -> Option<u32> {
        let digits = self.raw.get(self.i + 1..self.i + 5)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        self.i += 5;
        u32::from_str_radix(digits, 16).ok()
    }

    /// A scalar: string, number (JSON grammar), true, false or null.
    fn lit(&mut self) -> Option<Lit<'a>> {
        match self.peek()? {
            b'"' => self.any_string(),
            b't' => self.word("true").then_some(Lit::Bool(true)),
            b'f' => self.word("false").then_some(Lit::Bool(false)),
            b'n' => self.word("null").then_some(Lit::Null),
            b'-' | b'0'..=b'9' => {
                let start = self.i;
                self.eat(b'-');
                if !self.eat(b'0') && !self.digits() {
                    return None;
                }
                if self.eat(b'.') && !self.digits() {
                    return None;
                }
                if matches!(self.peek(), Some(b'e' | b'E')) {
                    self.i += 1;
                    if !self.eat(b'+') {
                        self.eat(b'-');
                    }
                    if !self.digits() {
                        return None;
                    }
                }
                self.raw.get(start..self.i).map(Lit::Num)
            }
            _ => None,
        }
    }

    /// One or more digits.
    fn digits(&mut self) -> bool {
        let start = self.i;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.i += 1;
        }
        self.i > start
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_end_matches_naive() {
        let naive = |s: &[u8]| s.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20);
        let alphabet = [
            b'a', b'"', b'\\', 0x1f, 0x20, 0x7f, 0x80, 0xff, b'!', b'#', b'[', b']',
        ];
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for len in 0..40 {
            for _ in 0..200 {
                let s: Vec<u8> = (0..len)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        // Mostly plain bytes, so hits land anywhere in a chunk.
                        let k = (x % 64) as usize;
                        alphabet.get(k).copied().unwrap_or(b'a' + (k % 26) as u8)
                    })
                    .collect();
                assert_eq!(string_end(&s), naive(&s), "{s:?}");
            }
        }
    }

    #[test]
    fn flat_array_subset() {
        let mut n = 0;
        assert!(scan_flat_array(
            r#" [ {"a" : "b", "c":1.5e-3}, {} ] "#,
            |_| {
                n += 1;
                true
            }
        ));
        assert_eq!(n, 4);
        let mut lits = Vec::new();
        assert!(scan_flat_array(
            r#"[{"a":"x\"y","b":"\ud83d\ude80","c":"\u00e9\/\\\n","d":"plain"}]"#,
            |ev| {
                if let FlatEvent::Entry(_, v) = ev {
                    lits.push(v);
                }
                true
            }
        ));
        assert_eq!(
            lits,
            [
                Lit::Escaped(r#"x\"y"#),
                Lit::Escaped(r#"\ud83d\ude80"#),
                Lit::Escaped(r#"\u00e9\/\\\n"#),
                Lit::Str("plain")
            ]
        );
        for bad in [
            r#"[{"a\"":"b"}]"#,
            r#"[{"a":"b\x"}]"#,
            r#"[{"a":"\u00g0"}]"#,
            r#"[{"a":"\ud83d"}]"#,
            r#"[{"a":"\ud83dx"}]"#,
            r#"[{"a":"\ud83d\u0041"}]"#,
            r#"[{"a":"\ude80"}]"#,
            r#"[{"a":"\u12"}]"#,
            "[{\"a\":\"b\u{1}\"}]",
            r#"[{"a":{}}]"#,
            r#"[{"a":01}]"#,
            r#"[{"a":1.}]"#,
            r#"[{"a":1}] x"#,
            r#"[{"a":1},]"#,
            r#"[1]"#,
            r#"{}"#,
            r#"[{"a":tru}]"#,
            r#"[{"a":"b"}"#,
        ] {
            assert!(!scan_flat_array(bad, |_| true), "{bad}");
        }
    }
}
