//! Largest-remainder allocation in two streaming passes, with memory that does not grow with
//! the number of rows.
//!
//! [`ledgerline_money::allocate_units`] needs every weight in memory at once. A Basic Audio
//! report can have hundreds of millions of usage rows pointing to one summary record, so the
//! parser reproduces the same result from two reads of the file:
//!
//! 1. **Tally** ([`UsageTally`]): count rows per distinct weight (usage count) and sum the
//!    weights. Distinct usage counts are few compared with rows.
//! 2. **Plan** ([`StreamingAllocation::plan`]): with total `T` (in 10⁻¹² units) and weight sum
//!    `W`, a row of weight `w` gets the floor `⌊|T|·w / W⌋` and leaves the remainder
//!    `|T|·w mod W`. Both depend only on `w`, so the floors of all rows and the number of units
//!    left over can be computed from the tally. Largest remainder gives the leftover units one
//!    each to the rows with the largest remainders, ties to the earlier row. Walking the
//!    remainder classes from the largest, every class that fits entirely gets a unit for each of
//!    its rows; the first class that does not fit (the *cut*) gets as many units as are left,
//!    and they go to its earliest rows in file order.
//! 3. **Share** ([`StreamingAllocation::share`]): in the second read, each row in file order gets
//!    its floor plus one unit if its remainder is above the cut, or equal to it while the cut
//!    still has units to give.
//!
//! The result is exactly `allocate_units(T, weights)`: the parts sum to `T` and each is within
//! one unit of its exact share (the test `dsr_allocation` checks the equality over many
//! generated cases). Products are computed as `⌊|T|/W⌋·w + (|T| mod W)·w / W`, and the second
//! product uses a 256-bit-free double-and-add when it does not fit in 128 bits, so no overflow
//! is possible for any weight sum that fits in `u128`.

use std::collections::BTreeMap;

use ledgerline_money::{AllocationError, Decimal};

/// Rows per distinct weight, gathered in the first read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UsageTally {
    rows_per_weight: BTreeMap<u64, u64>,
    weight_sum: u128,
    rows: u64,
}

impl UsageTally {
    /// Counts one row.
    pub fn add(&mut self, weight: u64) -> Result<(), AllocationError> {
        self.weight_sum = self.weight_sum.checked_add(u128::from(weight)).ok_or(AllocationError::WeightSumOverflow)?;
        self.rows += 1;
        *self.rows_per_weight.entry(weight).or_insert(0) += 1;
        Ok(())
    }

    pub fn weight_sum(&self) -> u128 {
        self.weight_sum
    }

    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// How many distinct weights were seen: the memory the plan needs.
    pub fn distinct_weights(&self) -> usize {
        self.rows_per_weight.len()
    }
}

/// The plan made from a tally; hands out each row's share in the second read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamingAllocation {
    negative: bool,
    /// The weight sum, `W` (never zero when `total_quotient` or `total_remainder` is used).
    divisor: u128,
    /// `|T| / W` and `|T| mod W`.
    total_quotient: u128,
    total_remainder: u128,
    /// Rows whose remainder is above this get one extra unit; `None` when no units are left over.
    cut_remainder: Option<u128>,
    /// How many rows with exactly the cut remainder get the extra unit (the earliest ones).
    cut_units: u64,
    cut_rows_seen: u64,
    /// Sum of the shares handed out so far, signed.
    handed_out: i128,
}

impl StreamingAllocation {
    /// Plans the allocation of `total` units among the tallied rows, plus, when
    /// `trailing_weight` is given, one more part after every row that is never asked for (the
    /// usages of a summary record that lie outside this file). Mirrors `allocate_units(total,
    /// rows ++ [trailing_weight])`, including its errors.
    pub fn plan(
        total: i128,
        tally: &UsageTally,
        trailing_weight: Option<u128>,
    ) -> Result<StreamingAllocation, AllocationError> {
        let parts = tally.rows + u64::from(trailing_weight.is_some());
        if parts == 0 {
            return Err(AllocationError::NoParts);
        }
        let divisor =
            tally.weight_sum.checked_add(trailing_weight.unwrap_or(0)).ok_or(AllocationError::WeightSumOverflow)?;
        let mut plan = StreamingAllocation {
            negative: total < 0,
            divisor,
            total_quotient: 0,
            total_remainder: 0,
            cut_remainder: None,
            cut_units: 0,
            cut_rows_seen: 0,
            handed_out: 0,
        };
        if total == 0 {
            return Ok(plan);
        }
        if divisor == 0 {
            return Err(AllocationError::ZeroTotalWeight { total: Decimal::from_scaled(total) });
        }
        let magnitude = total.unsigned_abs();
        plan.total_quotient = magnitude / divisor;
        plan.total_remainder = magnitude % divisor;

        // Floors of every part, and the rows of each remainder class.
        let mut distributed: u128 = 0;
        let mut rows_per_remainder: BTreeMap<u128, u64> = BTreeMap::new();
        for (&weight, &rows) in &tally.rows_per_weight {
            let (floor, remainder) = plan.floor_and_remainder(u128::from(weight));
            // A floor times its row count is at most the magnitude, so this cannot overflow.
            distributed += floor * u128::from(rows);
            *rows_per_remainder.entry(remainder).or_insert(0) += rows;
        }
        let trailing_remainder = trailing_weight.map(|weight| {
            let (floor, remainder) = plan.floor_and_remainder(weight);
            distributed += floor;
            remainder
        });
        if let Some(remainder) = trailing_remainder {
            rows_per_remainder.entry(remainder).or_insert(0);
        }
        let mut leftover = magnitude - distributed;

        for (&remainder, &rows) in rows_per_remainder.iter().rev() {
            if leftover == 0 {
                break;
            }
            // The trailing part is last in order, so within its class the rows come first.
            let class_size = u128::from(rows) + u128::from(trailing_remainder == Some(remainder));
            plan.cut_remainder = Some(remainder);
            if leftover >= class_size {
                plan.cut_units = rows;
                leftover -= class_size;
            } else {
                // `leftover` is below the class size here, and the rows come before the trailing
                // part, so all of it goes to rows.
                plan.cut_units = u64::try_from(leftover).unwrap_or(rows).min(rows);
                leftover = 0;
            }
        }
        Ok(plan)
    }

    fn floor_and_remainder(&self, weight: u128) -> (u128, u128) {
        let (quotient, remainder) = multiply_divide(self.total_remainder, weight, self.divisor);
        (self.total_quotient * weight + quotient, remainder)
    }

    /// The share of the next row in file order. Must be called once per tallied row, in the
    /// same order as they were tallied.
    pub fn share(&mut self, weight: u64) -> i128 {
        if self.divisor == 0 || (self.total_quotient == 0 && self.total_remainder == 0) {
            return 0;
        }
        let (floor, remainder) = self.floor_and_remainder(u128::from(weight));
        let extra = match self.cut_remainder {
            Some(cut) if remainder > cut => 1,
            Some(cut) if remainder == cut && self.cut_rows_seen < self.cut_units => {
                self.cut_rows_seen += 1;
                1
            }
            _ => 0,
        };
        // A share never exceeds the total's magnitude, which came from an i128.
        let magnitude = (floor + extra) as i128;
        let share = if self.negative { -magnitude } else { magnitude };
        self.handed_out += share;
        share
    }

    /// The sum of the shares handed out so far.
    pub fn handed_out(&self) -> i128 {
        self.handed_out
    }
}

/// `(a·b / m, a·b mod m)` for `a < m`, exact for any `u128` operands.
fn multiply_divide(a: u128, b: u128, m: u128) -> (u128, u128) {
    if let Some(product) = a.checked_mul(b) {
        return (product / m, product % m);
    }
    // Double-and-add over the bits of `b`, keeping `quotient·m + remainder = a·(b's bits so far)`
    // with `remainder < m`; every comparison is arranged so that no sum exceeds `u128`.
    let mut quotient: u128 = 0;
    let mut remainder: u128 = 0;
    for bit in (0..128).rev() {
        quotient <<= 1;
        if remainder >= m - remainder {
            remainder -= m - remainder;
            quotient += 1;
        } else {
            remainder += remainder;
        }
        if (b >> bit) & 1 == 1 {
            if remainder >= m - a {
                remainder -= m - a;
                quotient += 1;
            } else {
                remainder += a;
            }
        }
    }
    (quotient, remainder)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_multiplication_matches_narrow_where_both_apply() {
        for (a, b, m) in
            [(7u128, 9u128, 10u128), (0, 5, 3), (99, 100, 100), (u64::MAX as u128 - 1, 3, u64::MAX as u128)]
        {
            let product = a * b;
            assert_eq!(multiply_divide(a, b, m), (product / m, product % m));
        }
        // (2^127 - 1) * 2 / 2^127 = 1 remainder 2^127 - 2.
        let m = 1u128 << 127;
        assert_eq!(multiply_divide(m - 1, 2, m), (1, m - 2));
        let a = u128::MAX - 5;
        let (quotient, remainder) = multiply_divide(a, u128::MAX - 1, u128::MAX);
        // a·(M−1) = a·M − a, so the quotient is a − 1 and the remainder M − a.
        assert_eq!((quotient, remainder), (a - 1, u128::MAX - a));
    }
}
