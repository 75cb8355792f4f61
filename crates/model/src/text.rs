//! Equality of short texts without a call into the C library: the importer compares a few
//! dozen cells and keys of a dozen bytes or so for every line it reads, and `==` on strings
//! calls `memcmp`, whose call costs more than the comparison itself at these lengths.

/// Whether `left` and `right` hold the same bytes. Texts up to 16 bytes are compared with
/// (overlapping) word loads; longer ones with `==`.
#[inline]
pub fn same(left: &str, right: &str) -> bool {
    same_bytes(left.as_bytes(), right.as_bytes())
}

/// [`same`] for bytes.
#[inline]
pub fn same_bytes(left: &[u8], right: &[u8]) -> bool {
    let length = left.len();
    if length != right.len() {
        return false;
    }
    match length {
        0 => true,
        1..=3 => left.iter().zip(right).all(|(a, b)| a == b),
        4..=7 => {
            let word = |bytes: &[u8], at: usize| {
                u32::from_ne_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
            };
            word(left, 0) == word(right, 0) && word(left, length - 4) == word(right, length - 4)
        }
        8..=16 => {
            let word = |bytes: &[u8], at: usize| {
                let mut eight = [0u8; 8];
                eight.copy_from_slice(&bytes[at..at + 8]);
                u64::from_ne_bytes(eight)
            };
            word(left, 0) == word(right, 0) && word(left, length - 8) == word(right, length - 8)
        }
        _ => left == right,
    }
}

#[cfg(test)]
mod tests {
    use super::same;

    #[test]
    fn agrees_with_equality_at_every_length_and_position() {
        for length in 0..40 {
            let base: String = (0..length).map(|index| char::from(b'a' + (index % 26) as u8)).collect();
            assert!(same(&base, &base.clone()));
            for position in 0..length {
                let mut changed = base.clone().into_bytes();
                changed[position] = b'Z';
                let changed = String::from_utf8(changed).unwrap();
                assert!(!same(&base, &changed), "{length} {position}");
            }
            assert!(!same(&base, &format!("{base}a")));
        }
        assert!(same("é", "é"));
        assert!(!same("é", "è"));
    }
}
