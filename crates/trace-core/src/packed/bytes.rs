//! The packed form's primitives: LEB128 varints, zigzag signed varints, length-prefixed bytes,
//! and a reader that never reads past its slice, never trusts a count further than the bytes
//! left can back it, and charges what decoding will allocate against a fixed budget.

use super::LinkError;

/// Appends the primitives to a byte vector.
#[derive(Default)]
pub(crate) struct Out {
    pub bytes: Vec<u8>,
}

impl Out {
    pub fn u8(&mut self, v: u8) {
        self.bytes.push(v);
    }

    /// Unsigned LEB128: 7 bits a byte, low bits first, high bit set on all but the last.
    pub fn uvarint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.bytes.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.bytes.push(v as u8);
    }

    /// Zigzag (0, -1, 1, -2, ... -> 0, 1, 2, 3, ...) then LEB128: small magnitudes stay short.
    pub fn svarint(&mut self, v: i64) {
        self.uvarint(zigzag(v));
    }

    pub fn len_bytes(&mut self, b: &[u8]) {
        self.uvarint(b.len() as u64);
        self.bytes.extend_from_slice(b);
    }
}

pub(crate) fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

pub(crate) fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// What decoding may still allocate, in bytes. Every structure is charged before it is built,
/// so a hostile link fails with `OverBudget` instead of exhausting memory.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Budget {
    pub left: usize,
}

impl Budget {
    pub fn charge(&mut self, bytes: usize) -> Result<(), LinkError> {
        match self.left.checked_sub(bytes) {
            Some(left) => {
                self.left = left;
                Ok(())
            }
            None => Err(LinkError::OverBudget),
        }
    }

    /// Charges `count` items of `each` bytes.
    pub fn charge_items(&mut self, count: usize, each: usize) -> Result<(), LinkError> {
        self.charge(count.saturating_mul(each))
    }
}

/// Reads the primitives from a slice; every error names what was being read.
#[derive(Clone)]
pub(crate) struct In<'a> {
    bytes: &'a [u8],
    pub at: usize,
}

impl<'a> In<'a> {
    pub fn new(bytes: &'a [u8], at: usize) -> In<'a> {
        In { bytes, at }
    }

    pub fn left(&self) -> usize {
        self.bytes.len().saturating_sub(self.at)
    }

    pub fn u8(&mut self, what: &'static str) -> Result<u8, LinkError> {
        let b = *self
            .bytes
            .get(self.at)
            .ok_or(LinkError::Truncated { what })?;
        self.at += 1;
        Ok(b)
    }

    pub fn uvarint(&mut self, what: &'static str) -> Result<u64, LinkError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8(what)?;
            let bits = u64::from(b & 0x7f);
            // The tenth byte may carry only the top bit of a u64.
            if shift == 63 && bits > 1 {
                return Err(LinkError::corrupt(what, "number too large"));
            }
            v |= bits << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(LinkError::corrupt(what, "number too long"))
    }

    pub fn svarint(&mut self, what: &'static str) -> Result<i64, LinkError> {
        self.uvarint(what).map(unzigzag)
    }

    /// A non-negative number that must fit an `i64` (times and durations).
    pub fn nanos(&mut self, what: &'static str) -> Result<i64, LinkError> {
        i64::try_from(self.uvarint(what)?).map_err(|_| LinkError::corrupt(what, "out of range"))
    }

    /// A count of items that take at least `min_bytes` each: a count the remaining bytes
    /// cannot hold is corrupt, which keeps every allocation proportional to the input.
    pub fn count(&mut self, what: &'static str, min_bytes: usize) -> Result<usize, LinkError> {
        let n = self.uvarint(what)?;
        match usize::try_from(n) {
            Ok(n) if n.saturating_mul(min_bytes.max(1)) <= self.left() => Ok(n),
            _ => Err(LinkError::corrupt(what, "count larger than the data")),
        }
    }

    pub fn take(&mut self, len: usize, what: &'static str) -> Result<&'a [u8], LinkError> {
        let end = self
            .at
            .checked_add(len)
            .ok_or(LinkError::Truncated { what })?;
        let b = self
            .bytes
            .get(self.at..end)
            .ok_or(LinkError::Truncated { what })?;
        self.at = end;
        Ok(b)
    }

    pub fn len_bytes(&mut self, what: &'static str) -> Result<&'a [u8], LinkError> {
        let len = self.count(what, 1)?;
        self.take(len, what)
    }

    pub fn len_str(&mut self, what: &'static str) -> Result<&'a str, LinkError> {
        std::str::from_utf8(self.len_bytes(what)?)
            .map_err(|_| LinkError::corrupt(what, "text is not UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip_at_the_edges() {
        let values = [0, 1, 127, 128, 300, u32::MAX as u64, u64::MAX - 1, u64::MAX];
        let signed = [0, -1, 1, -64, 64, i64::MIN, i64::MAX];
        let mut out = Out::default();
        values.iter().for_each(|&v| out.uvarint(v));
        signed.iter().for_each(|&v| out.svarint(v));
        let mut r = In::new(&out.bytes, 0);
        for v in values {
            assert_eq!(r.uvarint("v").ok(), Some(v));
        }
        for v in signed {
            assert_eq!(r.svarint("s").ok(), Some(v));
        }
        assert_eq!(r.left(), 0);
    }

    #[test]
    fn overlong_and_truncated_varints_are_errors() {
        let eleven = [0xff; 11];
        assert!(In::new(&eleven, 0).uvarint("x").is_err());
        let too_big = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02];
        assert!(In::new(&too_big, 0).uvarint("x").is_err());
        assert!(In::new(&[0x80], 0).uvarint("x").is_err());
    }

    #[test]
    fn counts_must_be_backed_by_bytes() {
        let mut out = Out::default();
        out.uvarint(1_000_000);
        out.bytes.extend_from_slice(&[0; 10]);
        assert!(In::new(&out.bytes, 0).count("spans", 1).is_err());
        let mut ok = Out::default();
        ok.uvarint(5);
        ok.bytes.extend_from_slice(&[0; 10]);
        assert_eq!(In::new(&ok.bytes, 0).count("spans", 2).ok(), Some(5));
    }

    #[test]
    fn budget_refuses_what_it_cannot_pay() {
        let mut b = Budget { left: 100 };
        assert!(b.charge_items(10, 10).is_ok());
        assert!(b.charge(1).is_err());
        assert!(Budget { left: 5 }.charge_items(usize::MAX, 2).is_err());
    }
}
