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
