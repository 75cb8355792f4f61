//! Largest-remainder allocation: split a total among weighted parts so that the parts add up to
//! the total exactly and each part is within one unit of its exact rational share.
//!
//! Method (Hamilton's): every part first gets the floor of its exact share `total × wᵢ / W`;
//! the units left over (fewer than the number of parts) go one each to the parts with the
//! largest remainders. Ties between equal remainders go to the earlier part, so callers that
//! list parts in a stable order (payee id, line number) get a deterministic result. A negative
//! total is allocated as its magnitude and every part negated, so a refund splits exactly like
//! the sale it reverses.

use ethnum::U256;

use crate::decimal::{Decimal, SCALE_DIGITS};

/// Why a total cannot be allocated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AllocationError {
    #[error("cannot allocate among zero parts")]
    NoParts,
    #[error("cannot allocate {total} when every weight is zero")]
    ZeroTotalWeight { total: Decimal },
    #[error("weight {weight} of part {index} is negative; weights are shares and cannot be")]
    NegativeWeight { index: usize, weight: Decimal },
    #[error("total {total} has more than {digits} fractional digits, the unit it is allocated in")]
    TotalFinerThanUnit { total: Decimal, digits: u32 },
    #[error("the weights add up to more than can be represented")]
    WeightSumOverflow,
}

/// Allocates `total` (a count of indivisible units: cents, or 10⁻¹² for line amounts) among
/// `weights`. The result has one part per weight, in the same order, and sums to `total`.
pub fn allocate_units(total: i128, weights: &[u128]) -> Result<Vec<i128>, AllocationError> {
    if weights.is_empty() {
        return Err(AllocationError::NoParts);
    }
    let weight_sum = weights
        .iter()
        .try_fold(0u128, |sum, weight| sum.checked_add(*weight))
        .ok_or(AllocationError::WeightSumOverflow)?;
    if total == 0 {
        return Ok(vec![0; weights.len()]);
    }
    if weight_sum == 0 {
        return Err(AllocationError::ZeroTotalWeight { total: Decimal::from_scaled(total) });
    }
    let magnitude = total.unsigned_abs();
    let mut floors: Vec<u128> = Vec::with_capacity(weights.len());
    let mut remainders: Vec<u128> = Vec::with_capacity(weights.len());
    for weight in weights {
        let (floor, remainder) = match magnitude.checked_mul(*weight) {
            Some(product) => (product / weight_sum, product % weight_sum),
            None => {
                let product = U256::from(magnitude) * U256::from(*weight);
                let divisor = U256::from(weight_sum);
                // Both fit: the floor is at most `magnitude` and the remainder below the sum.
                ((product / divisor).as_u128(), (product % divisor).as_u128())
            }
        };
        floors.push(floor);
        remainders.push(remainder);
    }
    let distributed: u128 = floors.iter().sum();
    let leftover = magnitude - distributed;
    debug_assert!(leftover < weights.len() as u128, "leftover is fewer than the parts");
    if leftover > 0 {
        let mut order: Vec<usize> = (0..weights.len()).collect();
        // Largest remainder first; equal remainders in the caller's order.
        order.sort_by(|left, right| remainders[*right].cmp(&remainders[*left]).then(left.cmp(right)));
        for index in order.into_iter().take(leftover as usize) {
            floors[index] += 1;
        }
    }
    let sign: i128 = if total < 0 { -1 } else { 1 };
    // Each part is at most `magnitude`, which came from an i128, so the conversion holds.
    Ok(floors.into_iter().map(|part| sign * part as i128).collect())
}

/// Allocates `total` among `weights` in units of `10^-digits` (2 for cents, 12 for the full
/// precision of line amounts). `total` must be a whole number of such units.
pub fn allocate(total: Decimal, weights: &[Decimal], digits: u32) -> Result<Vec<Decimal>, AllocationError> {
    let digits = digits.min(SCALE_DIGITS);
    let total_units = total
        .to_units(digits)
        .ok_or(AllocationError::TotalFinerThanUnit { total, digits })?;
    let mut raw_weights = Vec::with_capacity(weights.len());
    for (index, weight) in weights.iter().enumerate() {
        if weight.is_negative() {
            return Err(AllocationError::NegativeWeight { index, weight: *weight });
        }
        raw_weights.push(weight.scaled().unsigned_abs());
    }
    let parts = allocate_units(total_units, &raw_weights)?;
    Ok(parts
        .into_iter()
        .map(|units| {
            // A part is never larger in magnitude than the total, which was representable.
            Decimal::from_units(units, digits).unwrap_or_else(|| unreachable!("part exceeds total"))
        })
        .collect())
}

/// Rounds each of `exact` amounts to units of `10^-digits` so that the rounded parts add up to
/// exactly `total_units`. Used for detail lines under a rounded total: a statement's earnings
/// by track, service and territory add up to the earnings figure above them, to the cent, even
/// when some details are returns (negative).
///
/// Method: every part gets the floor of its exact value; the units still missing go one each
/// to the parts with the largest fractional remainders (ties to the earlier part), cycling if
/// more units are missing than there are parts, and units in excess are taken back from the
/// smallest remainders. When `total_units` is the total of the exact parts rounded to the
/// unit, each part ends within one unit of its exact value.
pub fn apportion(total_units: i128, exact: &[Decimal], digits: u32) -> Vec<i128> {
    if exact.is_empty() {
        return Vec::new();
    }
    let unit = 10i128.pow(SCALE_DIGITS - digits.min(SCALE_DIGITS));
    let mut parts: Vec<i128> = exact.iter().map(|value| value.scaled().div_euclid(unit)).collect();
    let remainders: Vec<i128> = exact.iter().map(|value| value.scaled().rem_euclid(unit)).collect();
    let mut order: Vec<usize> = (0..exact.len()).collect();
    order.sort_by(|left, right| remainders[*right].cmp(&remainders[*left]).then(left.cmp(right)));
    let mut missing = total_units - parts.iter().sum::<i128>();
    let count = parts.len();
    let mut step = 0usize;
    while missing > 0 {
        parts[order[step % count]] += 1;
        missing -= 1;
        step += 1;
    }
    step = 0;
    while missing < 0 {
        parts[order[count - 1 - step % count]] -= 1;
        missing += 1;
        step += 1;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportion_keeps_details_within_a_cent_and_adding_up() {
        let exact = |text: &str| Decimal::parse(text).unwrap();
        // 1.005 + 2.005 - 0.004 = 3.006, rounded 3.01 = 301 cents.
        let parts = apportion(301, &[exact("1.005"), exact("2.005"), exact("-0.004")], 2);
        assert_eq!(parts, [101, 200, 0]);
        assert_eq!(parts.iter().sum::<i128>(), 301);
        // A return: -0.333 -0.333 -0.334 = -1.00.
        assert_eq!(apportion(-100, &[exact("-0.333"), exact("-0.333"), exact("-0.334")], 2), [-33, -33, -34]);
        assert!(apportion(5, &[], 2).is_empty());
    }

    #[test]
    fn splits_evenly_with_ties_to_the_earlier_part() {
        assert_eq!(allocate_units(100, &[1, 1, 1]).unwrap(), [34, 33, 33]);
        assert_eq!(allocate_units(-100, &[1, 1, 1]).unwrap(), [-34, -33, -33]);
        assert_eq!(allocate_units(2, &[1, 1, 1]).unwrap(), [1, 1, 0]);
    }

    #[test]
    fn largest_remainder_wins() {
        // Shares 0.5·7 = 3.5, 0.3·7 = 2.1, 0.2·7 = 1.4: floors 3, 2, 1 and one unit left for
        // the largest remainder (the first).
        assert_eq!(allocate_units(7, &[50, 30, 20]).unwrap(), [4, 2, 1]);
        // Shares 4.5, 2.7, 1.8: two units left over go to remainders .8 and .7, not .5.
        assert_eq!(allocate_units(9, &[50, 30, 20]).unwrap(), [4, 3, 2]);
    }

    #[test]
    fn zero_weights_get_nothing() {
        assert_eq!(allocate_units(10, &[0, 3, 0, 1]).unwrap(), [0, 8, 0, 2]);
        assert_eq!(allocate_units(0, &[0, 0]).unwrap(), [0, 0]);
    }

    #[test]
    fn refuses_what_cannot_be_split() {
        assert_eq!(allocate_units(10, &[]).unwrap_err(), AllocationError::NoParts);
        assert_eq!(
            allocate_units(10, &[0, 0]).unwrap_err().to_string(),
            "cannot allocate 0.00000000001 when every weight is zero"
        );
        assert_eq!(allocate_units(1, &[u128::MAX, 1]).unwrap_err(), AllocationError::WeightSumOverflow);
        let weights = [Decimal::ONE, -Decimal::ONE];
        assert_eq!(
            allocate(Decimal::ONE, &weights, 2).unwrap_err().to_string(),
            "weight -1 of part 1 is negative; weights are shares and cannot be"
        );
        assert_eq!(
            allocate(Decimal::parse("1.005").unwrap(), &[Decimal::ONE], 2).unwrap_err().to_string(),
            "total 1.005 has more than 2 fractional digits, the unit it is allocated in"
        );
    }

    #[test]
    fn huge_products_take_the_wide_path() {
        let total = i128::MAX / 4;
        let parts = allocate_units(total, &[u128::MAX / 4, u128::MAX / 4, 3]).unwrap();
        assert_eq!(parts.iter().sum::<i128>(), total);
        assert!((parts[0] - parts[1]).abs() <= 1);
    }
}
