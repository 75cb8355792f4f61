//! Exact money for Ledgerline.
//!
//! This crate is the only place that knows how amounts are represented. It offers:
//!
//! - [`Decimal`]: a signed fixed-point number with exactly [`SCALE_DIGITS`] (12) fractional
//!   digits, stored as an `i128` count of 10⁻¹² units. Addition and subtraction are exact;
//!   multiplication and division round once, to 12 digits, with a [`RoundingMode`] the caller
//!   names. Parsing is exact or an error, never a silent rounding.
//! - [`Currency`]: ISO 4217 codes with their minor units (JPY 0, EUR 2, KWD 3, CLF 4).
//! - [`RoundingMode`]: half-even (the default, "banker's rounding"), half-up, and toward zero.
//! - [`allocate`] and [`allocate_units`]: split a total among weighted parts by the largest
//!   remainder method, so the parts always add up to the total exactly.
//!
//! What it is not: there is no binary floating point anywhere in this crate, no currency
//! conversion (FX belongs to the engine), and no I/O.
//!
//! Why a fixed scale and not a floating decimal: every amount in a royalty run is added to many
//! others, and with one scale chosen up front addition is an integer addition, comparisons are
//! integer comparisons and the representation of a value is unique (TigerBeetle makes the same
//! choice). Twelve fractional digits is more than the ten the design asks of line amounts and
//! leaves 26 integer digits, far beyond any realistic total.

mod allocation;
mod currency;
mod decimal;
mod rounding;

pub use allocation::{allocate, allocate_units, apportion, AllocationError};
pub use currency::{Currency, CurrencyError, Money, MoneyError};
pub use decimal::{Decimal, DecimalError, DecimalErrorKind, NumberStyle, SCALE_DIGITS};
pub use rounding::{RoundingMode, RoundingModeError};
