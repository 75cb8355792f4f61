//! Property tests for allocation and rounding over deterministic pseudo-random cases.
//!
//! The generator is a fixed-seed SplitMix64, so a failure names a case that reproduces. The
//! oracles are written differently from the code they check: allocation bounds are checked with
//! 256-bit cross-multiplication, rounding against digit-by-digit string arithmetic.

use ethnum::I256;
use ledgerline_money::{allocate_units, Decimal, RoundingMode};

struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }
}

/// A total drawn from several magnitudes: cents, euros, large sums at 12-digit precision.
fn random_total(random: &mut SplitMix64) -> i128 {
    let magnitude: i128 = match random.below(4) {
        0 => i128::from(random.below(1_000)),
        1 => i128::from(random.below(10_000_000)),
        2 => i128::from(random.next() >> 4),
        _ => i128::from(random.next()) * i128::from(random.below(1 << 40)),
    };
    if random.below(5) == 0 {
        -magnitude
    } else {
        magnitude
    }
}

fn random_weights(random: &mut SplitMix64, count: usize) -> Vec<u128> {
    let style = random.below(4);
    let mut weights: Vec<u128> = (0..count)
        .map(|_| match style {
            0 => u128::from(random.below(3)),               // many ties and zeros
            1 => u128::from(random.below(10_001)),          // basis points
            2 => u128::from(random.next()),                 // wide shares
            _ => u128::from(random.next()) << random.below(60), // huge, forcing 256-bit products
        })
        .collect();
    if weights.iter().all(|weight| *weight == 0) {
        let index = random.below(count as u64) as usize;
        weights[index] = 1;
    }
    weights
}

/// |partᵢ·W − total·wᵢ| < W, i.e. the part is within one unit of its exact share.
fn check_case(case: u64, total: i128, weights: &[u128], parts: &[i128]) {
    assert_eq!(parts.len(), weights.len(), "case {case}: one part per weight");
    assert_eq!(parts.iter().sum::<i128>(), total, "case {case}: parts add up to the total");
    let weight_sum: I256 = weights.iter().map(|weight| I256::from(*weight)).sum();
    for (index, (part, weight)) in parts.iter().zip(weights).enumerate() {
        let difference = I256::from(*part) * weight_sum - I256::from(total) * I256::from(*weight);
        assert!(
            difference.abs() < weight_sum,
            "case {case}: part {index} = {part} is a unit or more away from {total}×{weight}/{weight_sum}"
        );
    }
}

#[test]
fn allocation_sums_and_stays_within_one_unit_over_a_million_cases() {
    const CASES: u64 = 1_000_000;
    let mut random = SplitMix64(0x1ED6_E211);
    for case in 0..CASES {
        // Most real splits have a handful of payees; a tail goes up to 100.
        let count = if random.below(10) == 0 { 1 + random.below(100) } else { 1 + random.below(8) } as usize;
        let total = random_total(&mut random);
        let weights = random_weights(&mut random, count);
        let parts = allocate_units(total, &weights).expect("valid weights allocate");
        check_case(case, total, &weights, &parts);
    }
}

#[test]
fn allocation_ties_are_broken_by_position() {
    let mut random = SplitMix64(7);
    for _ in 0..10_000 {
        let count = 1 + random.below(100) as usize;
        let total = i128::from(random.below(1_000));
        let parts = allocate_units(total, &vec![1; count]).unwrap();
        // Equal weights: the earlier parts take the leftover units, so parts never increase.
        assert!(parts.windows(2).all(|pair| pair[0] >= pair[1]));
        assert!(parts[0] - parts[count - 1] <= 1);
    }
}

/// Rounds the decimal text of `scaled / 10¹²` to `digits` digits by hand: the reference.
fn reference_round(scaled: i128, digits: u32, mode: RoundingMode) -> i128 {
    let negative = scaled < 0;
    let text = format!("{:013}", scaled.unsigned_abs());
    let (integer_part, fraction) = text.split_at(text.len() - 12);
    let kept = format!("{integer_part}{}", &fraction[..digits as usize]);
    let dropped = &fraction[digits as usize..];
    let mut kept_value: i128 = kept.parse().unwrap();
    let first_dropped = dropped.bytes().next().map_or(0, |byte| byte - b'0');
    let rest_nonzero = dropped.bytes().skip(1).any(|byte| byte != b'0');
    let round_away = match mode {
        RoundingMode::TowardZero => false,
        RoundingMode::HalfUp => first_dropped >= 5,
        RoundingMode::HalfEven => {
            first_dropped > 5 || (first_dropped == 5 && (rest_nonzero || kept_value % 2 == 1))
        }
    };
    if round_away {
        kept_value += 1;
    }
    let rescaled = kept_value * 10i128.pow(12 - digits);
    if negative {
        -rescaled
    } else {
        rescaled
    }
}

#[test]
fn rounding_matches_digit_by_digit_reference() {
    let mut random = SplitMix64(42);
    for case in 0..300_000u64 {
        let magnitude = i128::from(random.next() >> random.below(64));
        // Bias some values onto exact ties, which is where modes differ.
        let digits = random.below(13) as u32;
        let tie_adjusted = if random.below(3) == 0 && digits < 12 {
            let unit = 10i128.pow(12 - digits);
            magnitude - magnitude % unit + unit / 2
        } else {
            magnitude
        };
        let scaled = if random.below(2) == 0 { -tie_adjusted } else { tie_adjusted };
        for mode in [RoundingMode::HalfEven, RoundingMode::HalfUp, RoundingMode::TowardZero] {
            let rounded = Decimal::from_scaled(scaled).round_to(digits, mode).scaled();
            assert_eq!(rounded, reference_round(scaled, digits, mode), "case {case}: {scaled} to {digits} digits, {mode}");
        }
    }
}

#[test]
fn parsing_and_display_round_trip() {
    let mut random = SplitMix64(99);
    for _ in 0..200_000 {
        let scaled = i128::from(random.next() as i64) * i128::from(random.below(1 << 20));
        let value = Decimal::from_scaled(scaled);
        assert_eq!(Decimal::parse(&value.to_string()), Ok(value));
    }
}
