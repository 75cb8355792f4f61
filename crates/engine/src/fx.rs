//! Conversion into the accounting currency.

use ledgerline_model::Month;
use ledgerline_money::{Currency, Decimal, RoundingMode};

use crate::error::EngineError;
use crate::input::FxTable;

/// Converts amounts of one month into the accounting currency, exactly to 12 digits.
pub(crate) struct Converter<'a> {
    pub table: &'a FxTable,
    pub to: Currency,
    pub rounding: RoundingMode,
}

impl Converter<'_> {
    /// The rate from `from` to the accounting currency in `month`: the report's own rate when
    /// it gives one, else the table's direct rate, else the inverse of the table's reverse rate.
    pub fn rate(&self, from: Currency, month: Month, report_rate: Option<Decimal>) -> Result<Decimal, EngineError> {
        if from == self.to {
            return Ok(Decimal::ONE);
        }
        if let Some(rate) = report_rate {
            return Ok(rate);
        }
        self.table.rate(from, self.to, month, self.rounding)?.ok_or(EngineError::MissingRate { from, to: self.to, month })
    }

    pub fn convert(&self, amount: Decimal, from: Currency, month: Month, report_rate: Option<Decimal>) -> Result<Decimal, EngineError> {
        // Zero is zero in every currency: a contract without a minimum payout needs no rate.
        if from == self.to || amount.is_zero() {
            return Ok(amount);
        }
        let rate = self.rate(from, month, report_rate)?;
        amount.checked_mul(rate, self.rounding).ok_or(EngineError::Overflow("a converted amount"))
    }

    /// Like [`Converter::convert`], at the latest month up to `month` that has a rate: for
    /// amounts compared at the end of a period (the minimum payout), which a draft computes
    /// before the period's last rates are published.
    pub fn convert_latest(&self, amount: Decimal, from: Currency, month: Month) -> Result<Decimal, EngineError> {
        match latest(month, |current| self.convert(amount, from, current, None).ok()) {
            Some((converted, _)) => Ok(converted),
            None => self.convert(amount, from, month, None),
        }
    }

    /// The rate from the accounting currency to `to` at the latest month up to `month` that has
    /// one, and that month.
    pub fn rate_from_accounting(&self, to: Currency, month: Month) -> Option<(Decimal, Month)> {
        latest(month, |current| {
            if let Some(rate) = self.table.rates.get(&(current, self.to, to)) {
                return Some(*rate);
            }
            let reverse = self.table.rates.get(&(current, to, self.to)).filter(|rate| !rate.is_zero())?;
            Decimal::ONE.checked_div(*reverse, self.rounding)
        })
    }
}

impl FxTable {
    /// The table's rate from `from` to `to` in `month`: the direct rate, else the inverse of the
    /// reverse rate; `None` without either.
    pub fn rate(&self, from: Currency, to: Currency, month: Month, rounding: RoundingMode) -> Result<Option<Decimal>, EngineError> {
        if let Some(rate) = self.rates.get(&(month, from, to)) {
            return Ok(Some(*rate));
        }
        match self.rates.get(&(month, to, from)) {
            Some(reverse) if !reverse.is_zero() => {
                Decimal::ONE.checked_div(*reverse, rounding).map(Some).ok_or(EngineError::Overflow("an inverse exchange rate"))
            }
            _ => Ok(None),
        }
    }
}

/// The first of `month` and the months before it (up to [`LOOK_BACK_MONTHS`] back) for which
/// `found` gives a value, with that month.
fn latest<T>(month: Month, found: impl Fn(Month) -> Option<T>) -> Option<(T, Month)> {
    let mut candidate = Some(month);
    for _ in 0..=LOOK_BACK_MONTHS {
        let current = candidate?;
        if let Some(value) = found(current) {
            return Some((value, current));
        }
        candidate = current.previous();
    }
    None
}

/// How far back [`Converter::convert_latest`] looks for a rate.
const LOOK_BACK_MONTHS: u32 = 24;
