//! Time: the only place where units change. This file reads the units trace files write;
//! [`units`] is the one unit table and [`format`] the one way a duration is written for people.
//!
//! Every timestamp in the model is an absolute `Nanos` (i64 nanoseconds since the epoch, or since the
//! recording started for Chrome traces); every duration is `Nanos` too and never negative. Jaeger,
//! Zipkin and Chrome write microseconds (Chrome's may be fractional or even strings); OTLP writes
//! nanoseconds as decimal strings, which must never go through f64 (2^53 < 1.7e18).
//! We keep a plain integer alias rather than a newtype because the columns are shipped as raw
//! integer arrays to the UI; the conversions below are the single gate for unit changes.

use serde::de::{self, Deserializer, IgnoredAny, Visitor};
use serde::Deserialize;
use std::fmt;

mod format;
mod units;
pub use format::{format_duration, format_duration_exact, format_fixed};
pub use units::{Unit, HOUR, MICROSECOND, MILLISECOND, MINUTE, NANOSECOND, SECOND};

/// Nanoseconds (timestamps are absolute, durations are >= 0).
pub type Nanos = i64;

/// A number as it appears on the wire: JSON integer, float, numeric string, or something else.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) enum WireNum {
    /// Field absent, null, or not a number at all.
    #[default]
    Missing,
    Int(i64),
    Float(f64),
}

impl WireNum {
    /// Microseconds on the wire (Jaeger, Zipkin, Chrome) to nanoseconds.
    pub(crate) fn us_to_ns(self) -> Option<Nanos> {
        match self {
            WireNum::Missing => None,
            WireNum::Int(us) => Some(us.saturating_mul(1000)),
            WireNum::Float(us) => float_to_nanos(us * 1000.0),
        }
    }

    /// Nanoseconds on the wire (OTLP).
    pub(crate) fn ns(self) -> Option<Nanos> {
        match self {
            WireNum::Missing => None,
            WireNum::Int(ns) => Some(ns),
            WireNum::Float(ns) => float_to_nanos(ns),
        }
    }

    pub(crate) fn as_i64(self) -> Option<i64> {
        match self {
            WireNum::Missing => None,
            WireNum::Int(v) => Some(v),
            WireNum::Float(f) => float_to_nanos(f),
        }
    }
}

fn float_to_nanos(v: f64) -> Option<Nanos> {
    if !v.is_finite() {
        return None;
    }
    // `as` saturates at the i64 bounds, which is the behaviour we want for absurd values.
    Some(v.round() as i64)
}

/// Parse a decimal string without going through f64 when it is an integer.
fn parse_num_str(s: &str) -> WireNum {
    let t = s.trim();
    if let Ok(v) = t.parse::<i64>() {
        return WireNum::Int(v);
    }
    if let Ok(v) = t.parse::<u64>() {
        return WireNum::Int(i64::try_from(v).unwrap_or(i64::MAX));
    }
    match t.parse::<f64>() {
        Ok(f) if f.is_finite() => WireNum::Float(f),
        _ => WireNum::Missing,
    }
}

impl<'de> Deserialize<'de> for WireNum {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = WireNum;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a numeric string")
            }
            fn visit_i64<E>(self, v: i64) -> Result<WireNum, E> {
                Ok(WireNum::Int(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<WireNum, E> {
                Ok(WireNum::Int(i64::try_from(v).unwrap_or(i64::MAX)))
            }
            fn visit_f64<E>(self, v: f64) -> Result<WireNum, E> {
                Ok(if v.is_finite() {
                    WireNum::Float(v)
                } else {
                    WireNum::Missing
                })
            }
            fn visit_str<E>(self, v: &str) -> Result<WireNum, E> {
                Ok(parse_num_str(v))
            }
            fn visit_bool<E>(self, _: bool) -> Result<WireNum, E> {
                Ok(WireNum::Missing)
            }
            fn visit_unit<E>(self) -> Result<WireNum, E> {
                Ok(WireNum::Missing)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut a: A) -> Result<WireNum, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(WireNum::Missing)
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut a: A) -> Result<WireNum, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(WireNum::Missing)
            }
        }
        d.deserialize_any(V)
    }
}

/// Microseconds kept exact to the nanosecond: the number's decimal text is converted without f64.
/// Chrome traces (PyTorch/Kineto, Perfetto) write epoch microseconds with three decimals
/// (`1718000000123456.789`): 19 significant digits, which f64 (53 bits) rounds by up to 256 ns.
/// Strings, exponents and non-numbers behave as [`WireNum`] does.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct ExactMicros(pub Option<Nanos>);

impl<'de> Deserialize<'de> for ExactMicros {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Only used with serde_json's borrowing deserializer, which keeps the number's text.
        let raw = <&'de serde_json::value::RawValue>::deserialize(d)?;
        Ok(ExactMicros(us_text_to_ns(raw.get())))
    }
}

/// Decimal microseconds (a JSON number or a numeric string, as written) to nanoseconds: exact for
/// plain decimals (rounded half up at the fourth decimal), through f64 for anything else.
pub(crate) fn us_text_to_ns(raw: &str) -> Option<Nanos> {
    let t = raw.trim();
    let unescaped: String;
    let t = if t.starts_with('"') && t.contains('\\') {
        // A string with escapes (`"1\u0030"`): its text, as if it had been written plainly.
        unescaped = serde_json::from_str(t).ok()?;
        unescaped.trim()
    } else {
        t.strip_prefix('"')
            .and_then(|x| x.strip_suffix('"'))
            .map_or(t, str::trim)
    };
    let (neg, body) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (!int.is_empty() || !frac.is_empty()) && digits(int) && digits(frac) {
        let whole = if int.is_empty() {
            Some(0)
        } else {
            int.parse::<i64>().ok()
        };
        if let Some(whole) = whole {
            let f = frac.as_bytes();
            let mut sub: i64 = 0;
            for k in 0..3 {
                sub = sub * 10 + f.get(k).map_or(0, |d| i64::from(d - b'0'));
            }
            if f.get(3).is_some_and(|&d| d >= b'5') {
                sub += 1;
            }
            let ns = whole.saturating_mul(1000).saturating_add(sub);
            return Some(if neg { -ns } else { ns });
        }
    }
    if t == "null" {
        return None;
    }
    parse_num_str(t).us_to_ns()
}

/// Nanoseconds to whole microseconds (rounded down), for outputs that speak microseconds.
pub fn ns_to_us(ns: Nanos) -> i64 {
    ns.div_euclid(MICROSECOND.ns as i64)
}

/// Microseconds to nanoseconds, for writers and generators.
pub fn us_to_ns(us: i64) -> Nanos {
    us.saturating_mul(MICROSECOND.ns as i64)
}

/// A measured wall-clock duration in (fractional) milliseconds, for benchmark reports.
pub fn wall_ms(elapsed: std::time::Duration) -> f64 {
    elapsed.as_nanos() as f64 / MILLISECOND.ns as f64
}

/// Nanoseconds to (fractional) milliseconds, the unit of JavaScript's `Date`.
pub fn ns_to_ms_f64(ns: Nanos) -> f64 {
    ns as f64 / MILLISECOND.ns as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_never_go_through_f64() {
        let n: WireNum = serde_json::from_str("\"1706678909209712001\"").unwrap();
        assert_eq!(n.ns(), Some(1706678909209712001));
        let n: WireNum = serde_json::from_str("1706678909209712001").unwrap();
        assert_eq!(n.ns(), Some(1706678909209712001));
        let n: WireNum = serde_json::from_str("1.5").unwrap();
        assert_eq!(n.us_to_ns(), Some(1500));
        let n: WireNum = serde_json::from_str("\"11550183666\"").unwrap();
        assert_eq!(n.us_to_ns(), Some(11550183666000));
        let n: WireNum = serde_json::from_str("{\"a\":1}").unwrap();
        assert_eq!(n.us_to_ns(), None);
    }

    #[test]
    fn exact_micros_keep_every_nanosecond() {
        let us = |s: &str| serde_json::from_str::<ExactMicros>(s).unwrap().0;
        assert_eq!(us("1718000000123456.789"), Some(1_718_000_000_123_456_789));
        assert_eq!(
            us("\"1718000000123457.001\""),
            Some(1_718_000_000_123_457_001)
        );
        assert_eq!(us("12.3456"), Some(12_346));
        assert_eq!(us("-2.5"), Some(-2_500));
        assert_eq!(us("7"), Some(7_000));
        assert_eq!(us("1.5e3"), Some(1_500_000));
        assert_eq!(us("\" 42 \""), Some(42_000));
        assert_eq!(us(r#""1\u0030.5""#), Some(10_500));
        assert_eq!(us(r#"" \u0034\u0032 ""#), Some(42_000));
        assert_eq!(us("99999999999999999999"), Some(i64::MAX));
        for none in [
            "null",
            "true",
            "\"abc\"",
            "\"\"",
            "{\"a\":1}",
            "[1]",
            "\"-\"",
            "\".\"",
            r#""1\u0078""#,
            r#""\\""#,
        ] {
            assert_eq!(us(none), None, "{none}");
        }
    }
}
