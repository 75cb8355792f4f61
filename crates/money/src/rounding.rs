//! Rounding modes. Rounding happens only at named points (a line royalty, a statement total),
//! and each of those names the mode it uses; the label's chosen mode is printed on statements.

use std::fmt;
use std::str::FromStr;

/// How a value that falls between two representable values is resolved.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RoundingMode {
    /// Round to nearest; a tie goes to the even neighbour (banker's rounding). Unbiased over
    /// many lines, which is why it is the default.
    #[default]
    HalfEven,
    /// Round to nearest; a tie goes away from zero (the "school" rule some contracts name).
    HalfUp,
    /// Drop the excess digits (round toward zero).
    TowardZero,
}

impl RoundingMode {
    /// The name used in settings, contract files and on statements.
    pub fn name(self) -> &'static str {
        match self {
            RoundingMode::HalfEven => "half-even",
            RoundingMode::HalfUp => "half-up",
            RoundingMode::TowardZero => "toward-zero",
        }
    }

    /// Divides `numerator` by a positive `divisor` and rounds the quotient with this mode.
    ///
    /// This is the single rounding primitive: every other rounding in the crate reduces to it.
    pub(crate) fn divide_i128(self, numerator: i128, divisor: i128) -> i128 {
        debug_assert!(divisor > 0, "divisor must be positive");
        let quotient = numerator / divisor; // truncates toward zero
        let remainder = numerator % divisor; // same sign as numerator
        if remainder == 0 {
            return quotient;
        }
        let away = if numerator < 0 { -1 } else { 1 };
        let twice_remainder = remainder.unsigned_abs().saturating_mul(2);
        let divisor_unsigned = divisor.unsigned_abs();
        match self {
            RoundingMode::TowardZero => quotient,
            RoundingMode::HalfUp => {
                if twice_remainder >= divisor_unsigned {
                    quotient + away
                } else {
                    quotient
                }
            }
            RoundingMode::HalfEven => {
                if twice_remainder > divisor_unsigned
                    || (twice_remainder == divisor_unsigned && quotient % 2 != 0)
                {
                    quotient + away
                } else {
                    quotient
                }
            }
        }
    }
}

impl fmt::Display for RoundingMode {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.name())
    }
}

/// An unknown rounding mode name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown rounding mode \"{given}\"; use half-even, half-up or toward-zero")]
pub struct RoundingModeError {
    given: String,
}

impl FromStr for RoundingMode {
    type Err = RoundingModeError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "half-even" | "bankers" => Ok(RoundingMode::HalfEven),
            "half-up" => Ok(RoundingMode::HalfUp),
            "toward-zero" | "down" | "truncate" => Ok(RoundingMode::TowardZero),
            _ => Err(RoundingModeError { given: text.to_string() }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RoundingMode::*;

    #[test]
    fn ties_follow_the_mode() {
        // 2.5, 3.5, -2.5 and 2.4 expressed as tenths divided by 10.
        assert_eq!(HalfEven.divide_i128(25, 10), 2);
        assert_eq!(HalfEven.divide_i128(35, 10), 4);
        assert_eq!(HalfEven.divide_i128(-25, 10), -2);
        assert_eq!(HalfEven.divide_i128(-35, 10), -4);
        assert_eq!(HalfUp.divide_i128(25, 10), 3);
        assert_eq!(HalfUp.divide_i128(-25, 10), -3);
        assert_eq!(HalfUp.divide_i128(24, 10), 2);
        assert_eq!(TowardZero.divide_i128(29, 10), 2);
        assert_eq!(TowardZero.divide_i128(-29, 10), -2);
        assert_eq!(HalfEven.divide_i128(26, 10), 3);
        assert_eq!(HalfEven.divide_i128(-26, 10), -3);
    }

    #[test]
    fn names_round_trip() {
        for mode in [HalfEven, HalfUp, TowardZero] {
            assert_eq!(mode.name().parse::<super::RoundingMode>(), Ok(mode));
        }
        assert_eq!(
            "nearest".parse::<super::RoundingMode>().unwrap_err().to_string(),
            "unknown rounding mode \"nearest\"; use half-even, half-up or toward-zero"
        );
    }
}
