//! Lenient wire types shared by the importers: they accept any JSON type where a scalar is expected,
//! so a wrong type in an optional field degrades to "missing" instead of failing the whole file.

use serde::de::{self, Deserializer, IgnoredAny, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
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

/// Parses a small retained JSON fragment for details; bad input gives the type's default.
pub(crate) fn parse_or_default<'a, T: Deserialize<'a> + Default>(s: &'a str) -> T {
    if s.is_empty() {
        return T::default();
    }
    serde_json::from_str(s).unwrap_or_default()
}

/// A scalar token of [`scan_flat_array`]'s subset of JSON, borrowed from the input.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Lit<'a> {
    /// A string without escapes (its content, without the quotes).
    Str(&'a str),
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
/// an array of objects whose keys are strings without escapes and whose values are such strings,
/// numbers, booleans or null. Returns false as soon as the input (or `f`, by returning false)
/// leaves that subset; the caller then discards what it collected and uses serde, so the results
/// are the same as serde's on every input.
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

    /// A scalar: string, number (JSON grammar), true, false or null.
    fn lit(&mut self) -> Option<Lit<'a>> {
        match self.peek()? {
            b'"' => self.string().map(Lit::Str),
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
        for bad in [
            r#"[{"a":"b\"c"}]"#,
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
