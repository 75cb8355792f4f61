//! The streaming largest-remainder allocation that Basic Audio parsing uses equals
//! `ledgerline_money::allocate_units` on the same weights, over many generated cases.

use ledgerline_formats::dsr::allocation::{StreamingAllocation, UsageTally};
use ledgerline_money::{allocate_units, AllocationError};

/// SplitMix64: a tiny deterministic generator, so the cases are the same on every run.
struct Generator(u64);

impl Generator {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut mixed = self.0;
        mixed = (mixed ^ (mixed >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        mixed = (mixed ^ (mixed >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        mixed ^ (mixed >> 31)
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }
}

fn streaming(total: i128, weights: &[u64], trailing_weight: Option<u128>) -> Result<Vec<i128>, AllocationError> {
    let mut tally = UsageTally::default();
    for weight in weights {
        tally.add(*weight)?;
    }
    let mut plan = StreamingAllocation::plan(total, &tally, trailing_weight)?;
    let shares: Vec<i128> = weights.iter().map(|weight| plan.share(*weight)).collect();
    assert_eq!(plan.handed_out(), shares.iter().sum::<i128>());
    Ok(shares)
}

fn reference(total: i128, weights: &[u64], trailing_weight: Option<u128>) -> Result<Vec<i128>, AllocationError> {
    let mut all: Vec<u128> = weights.iter().map(|weight| u128::from(*weight)).collect();
    all.extend(trailing_weight);
    let mut parts = allocate_units(total, &all)?;
    parts.truncate(weights.len());
    Ok(parts)
}

/// A weight drawn from a shape that real usage counts have: mostly small, many repeats (so
/// remainder classes hold several rows and ties are common), some zeros, a few huge.
fn weight(generator: &mut Generator) -> u64 {
    match generator.below(10) {
        0 => 0,
        1..=5 => 1 + generator.below(12),
        6..=8 => 1 + generator.below(5_000),
        // Near the u64 limit, so products of remainder and weight overflow 128 bits and the
        // wide path is taken.
        _ if generator.below(3) == 0 => u64::MAX - generator.below(1_000),
        _ => 1 + generator.below(u64::from(u32::MAX)) * (1 + generator.below(1_000_000)),
    }
}

fn total(generator: &mut Generator) -> i128 {
    let magnitude: i128 = match generator.below(6) {
        0 => 0,
        1 => i128::from(generator.below(20)),
        2 => i128::from(generator.below(1_000_000)),
        // Up to 18 integer digits at 12 fractional digits, the largest parsed amount.
        3 => i128::from(generator.next()) * i128::from(generator.next() % 1_000_000_000_000),
        _ => i128::from(generator.next()),
    };
    if generator.below(4) == 0 {
        -magnitude
    } else {
        magnitude
    }
}

#[test]
fn streaming_allocation_equals_allocate_units() {
    let mut generator = Generator(20_260_731);
    let mut with_leftover_ties = 0;
    for case in 0..30_000 {
        let rows = generator.below(40) as usize;
        let weights: Vec<u64> = (0..rows).map(|_| weight(&mut generator)).collect();
        let total = total(&mut generator);
        let trailing_weight = match generator.below(3) {
            0 => Some(u128::from(weight(&mut generator))),
            _ => None,
        };
        let expected = reference(total, &weights, trailing_weight);
        let got = streaming(total, &weights, trailing_weight);
        assert_eq!(got, expected, "case {case}: total {total}, weights {weights:?}, trailing {trailing_weight:?}");
        if let Ok(parts) = &got {
            let mut sorted = weights.clone();
            sorted.sort_unstable();
            sorted.dedup();
            if sorted.len() < weights.len() && parts.iter().sum::<i128>() != 0 {
                with_leftover_ties += 1;
            }
        }
    }
    // The generator must really exercise repeated weights, where file order breaks ties.
    assert!(with_leftover_ties > 5_000, "{with_leftover_ties}");
}

#[test]
fn equal_remainders_favour_earlier_rows_even_across_weights() {
    // 7 over 3, 3, 3, 1, 1: exact shares 1.909… and 0.636…, floors 1 and 0, three units left
    // for five rows whose remainders tie within each weight; the earlier rows must win, across
    // both weight classes, exactly as allocate_units decides.
    for (total, weights) in [
        (7i128, vec![3u64, 3, 3, 1, 1]),
        (100, vec![1, 1, 1]),
        (2, vec![1, 1, 1]),
        (5, vec![2, 1, 2, 1, 2, 1]),
        (-5, vec![2, 1, 2, 1, 2, 1]),
        (1, vec![0, 0, 5]),
    ] {
        assert_eq!(streaming(total, &weights, None), reference(total, &weights, None), "{total} {weights:?}");
    }
}

#[test]
fn refusals_match_allocate_units() {
    assert_eq!(streaming(10, &[], None), Err(AllocationError::NoParts));
    assert_eq!(reference(10, &[], None), Err(AllocationError::NoParts));
    assert_eq!(streaming(10, &[0, 0], None), reference(10, &[0, 0], None));
    assert_eq!(streaming(0, &[0, 0], None), Ok(vec![0, 0]));
    // A trailing part alone (no rows in this file) takes nothing from the rows.
    assert_eq!(streaming(10, &[], Some(4)), Ok(vec![]));
}

#[test]
fn memory_follows_distinct_weights_not_rows() {
    let mut tally = UsageTally::default();
    for row in 0..1_000_000u64 {
        tally.add(row % 7).unwrap();
    }
    assert_eq!(tally.rows(), 1_000_000);
    assert_eq!(tally.distinct_weights(), 7);
}
