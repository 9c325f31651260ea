//! Strings and attribute values in the packed form, both directions: the string table that
//! defines each string where it first appears, and key-value lists with nested values.

use super::bytes::{Budget, In, Out};
use super::{LinkError, MAX_VALUE_DEPTH};
use crate::model::{KeyValue, Value};
use std::collections::HashMap;

/// Bytes a decoded key-value costs besides its text (the struct and the allocator's share).
const KV_COST: usize = std::mem::size_of::<KeyValue>() + 16;
/// Bytes a string table entry costs besides its text.
const ENTRY_COST: usize = std::mem::size_of::<Box<str>>() + 16;

/// The writer's string table: the first use of a string defines it, later uses refer to it.
#[derive(Default)]
pub(crate) struct StrWriter {
    index: HashMap<String, u64>,
}

impl StrWriter {
    pub fn write(&mut self, out: &mut Out, s: &str) {
        match self.index.get(s) {
            Some(&k) => out.uvarint(k + 1),
            None => {
                out.uvarint(0);
                out.len_bytes(s.as_bytes());
                let next = self.index.len() as u64;
                self.index.insert(s.to_string(), next);
            }
        }
    }

    pub fn kvs(&mut self, out: &mut Out, kvs: &[KeyValue]) {
        out.uvarint(kvs.len() as u64);
        for kv in kvs {
            self.write(out, &kv.key);
            self.value(out, &kv.value, 0);
        }
    }

    fn value(&mut self, out: &mut Out, v: &Value, depth: usize) {
        if depth >= MAX_VALUE_DEPTH && matches!(v, Value::Array(_) | Value::Map(_)) {
            // Deeper than a reader accepts: keep the content as text rather than lose it.
            out.u8(1);
            self.write(out, &v.to_string());
            return;
        }
        match v {
            Value::Null => out.u8(0),
            Value::Str(s) => {
                out.u8(1);
                self.write(out, s);
            }
            Value::Bool(b) => out.u8(if *b { 3 } else { 2 }),
            Value::Int(i) => {
                out.u8(4);
                out.svarint(*i);
            }
            Value::Float(x) => {
                out.u8(5);
                out.bytes.extend_from_slice(&x.to_le_bytes());
            }
            Value::Bytes(b) => {
                out.u8(6);
                out.len_bytes(b);
            }
            Value::Array(items) => {
                out.u8(7);
                out.uvarint(items.len() as u64);
                items.iter().for_each(|x| self.value(out, x, depth + 1));
            }
            Value::Map(kvs) => {
                out.u8(8);
                out.uvarint(kvs.len() as u64);
                for kv in kvs {
                    self.write(out, &kv.key);
                    self.value(out, &kv.value, depth + 1);
                }
            }
        }
    }
}

/// The reader's string table. While the body is first read it grows (and is charged to the
/// budget); later reads of one span's record use the finished table and take definitions'
/// text straight from the record.
pub(crate) enum StrTable<'t> {
    Growing {
        table: &'t mut Vec<Box<str>>,
        /// Pays for the definitions, which outlive the read.
        defs: &'t mut Budget,
    },
    Fixed(&'t [Box<str>]),
}

impl StrTable<'_> {
    /// Reads a `str` and returns its table index (only while growing).
    pub fn index(&mut self, r: &mut In<'_>, what: &'static str) -> Result<u32, LinkError> {
        match self {
            StrTable::Growing { table, defs } => match r.uvarint(what)? {
                0 => {
                    let text = r.len_str(what)?;
                    defs.charge(ENTRY_COST + text.len())?;
                    table.push(text.into());
                    Ok(table.len() as u32 - 1)
                }
                k => existing(table.len(), k, what),
            },
            StrTable::Fixed(table) => match r.uvarint(what)? {
                0 => Err(LinkError::corrupt(what, "string defined twice")),
                k => existing(table.len(), k, what),
            },
        }
    }

    /// Reads a `str` and returns its text, charging the copy to `budget` before it is made.
    pub fn text(
        &mut self,
        r: &mut In<'_>,
        budget: &mut Budget,
        what: &'static str,
    ) -> Result<String, LinkError> {
        let text: &str = match (self, r.uvarint(what)?) {
            (StrTable::Fixed(_), 0) => r.len_str(what)?,
            (StrTable::Growing { table, defs }, 0) => {
                let text = r.len_str(what)?;
                defs.charge(ENTRY_COST + text.len())?;
                table.push(text.into());
                return copy(text, budget);
            }
            (StrTable::Fixed(table), k) => entry(table, k, what)?,
            (StrTable::Growing { table, .. }, k) => entry(table, k, what)?,
        };
        copy(text, budget)
    }

    /// Reads `kvs`, charging each pair and its text to `budget`.
    pub fn kvs(
        &mut self,
        r: &mut In<'_>,
        budget: &mut Budget,
        depth: usize,
    ) -> Result<Vec<KeyValue>, LinkError> {
        if depth > MAX_VALUE_DEPTH {
            return Err(LinkError::corrupt("attributes", "nested too deeply"));
        }
        let n = r.count("attributes", 2)?;
        budget.charge_items(n, KV_COST)?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let key = self.text(r, budget, "attribute key")?;
            let value = self.value(r, budget, depth)?;
            out.push(KeyValue { key, value });
        }
        Ok(out)
    }

    fn value(
        &mut self,
        r: &mut In<'_>,
        budget: &mut Budget,
        depth: usize,
    ) -> Result<Value, LinkError> {
        const WHAT: &str = "attribute value";
        Ok(match r.u8(WHAT)? {
            0 => Value::Null,
            1 => Value::Str(self.text(r, budget, WHAT)?),
            2 => Value::Bool(false),
            3 => Value::Bool(true),
            4 => Value::Int(r.svarint(WHAT)?),
            5 => {
                let b = r.take(8, WHAT)?;
                let mut le = [0u8; 8];
                le.copy_from_slice(b);
                Value::Float(f64::from_le_bytes(le))
            }
            6 => {
                let b = r.len_bytes(WHAT)?;
                budget.charge(b.len())?;
                Value::Bytes(b.to_vec())
            }
            7 => self.array(r, budget, depth + 1)?,
            8 => Value::Map(self.kvs(r, budget, depth + 1)?),
            _ => return Err(LinkError::corrupt(WHAT, "unknown value type")),
        })
    }

    fn array(
        &mut self,
        r: &mut In<'_>,
        budget: &mut Budget,
        depth: usize,
    ) -> Result<Value, LinkError> {
        if depth > MAX_VALUE_DEPTH {
            return Err(LinkError::corrupt("attribute value", "nested too deeply"));
        }
        let n = r.count("attribute array", 1)?;
        budget.charge_items(n, std::mem::size_of::<Value>())?;
        let mut items = Vec::with_capacity(n);
        for _ in 0..n {
            items.push(self.value(r, budget, depth)?);
        }
        Ok(Value::Array(items))
    }
}

fn existing(len: usize, k: u64, what: &'static str) -> Result<u32, LinkError> {
    match k.checked_sub(1).map(u32::try_from) {
        Some(Ok(i)) if (i as usize) < len => Ok(i),
        _ => Err(LinkError::corrupt(
            what,
            "refers to a string not defined before",
        )),
    }
}

fn entry<'t>(table: &'t [Box<str>], k: u64, what: &'static str) -> Result<&'t str, LinkError> {
    let i = existing(table.len(), k, what)?;
    Ok(table.get(i as usize).map(|s| &**s).unwrap_or(""))
}

/// An owned copy of `text`, paid for first.
fn copy(text: &str, budget: &mut Budget) -> Result<String, LinkError> {
    budget.charge(text.len())?;
    Ok(text.to_string())
}
