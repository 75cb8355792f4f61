//! Monthly exchange rates: a plausible random walk, written to `fx/fx-rates.csv` and used to
//! price the USD and GBP reports so that converted totals land where the EUR ones do.

use ledgerline_model::Month;
use ledgerline_money::Decimal;

use crate::random::Random;

/// Rates for one month, in millionths (6 decimal digits, as the FX file writes them).
#[derive(Clone, Copy, Debug)]
pub struct MonthlyRates {
    pub month: Month,
    pub eur_per_usd_micro: i64,
    pub eur_per_gbp_micro: i64,
}

impl MonthlyRates {
    /// The inverse rate, rounded half-up to 6 digits: what a bank would quote the other way.
    fn inverse_micro(rate_micro: i64) -> i64 {
        let numerator: i64 = 1_000_000_000_000;
        (numerator + rate_micro / 2) / rate_micro
    }

    pub fn usd_per_eur_micro(&self) -> i64 {
        MonthlyRates::inverse_micro(self.eur_per_usd_micro)
    }

    pub fn gbp_per_eur_micro(&self) -> i64 {
        MonthlyRates::inverse_micro(self.eur_per_gbp_micro)
    }
}

/// How many months before the reporting period the rate file covers.
const LEAD_MONTHS: i32 = 12;
/// How many months after it: the last months' sales are reported (and accounted) later.
const TRAIL_MONTHS: i32 = 3;

/// The rates of every month of the reporting period.
#[derive(Clone, Debug)]
pub struct FxTable {
    months: Vec<MonthlyRates>,
    /// The earliest and latest month the rate file must cover besides the reporting period.
    covered: Option<(Month, Month)>,
}

impl FxTable {
    pub fn build(seed: u64, months: &[Month]) -> FxTable {
        let mut random = Random::for_stream(seed, "fx");
        // Start near recent levels and drift by at most 0.8% a month.
        let mut eur_per_usd_micro = 880_000 + random.range(0, 60_000);
        let mut eur_per_gbp_micro = 1_140_000 + random.range(0, 60_000);
        let mut rates = Vec::with_capacity(months.len());
        for &month in months {
            rates.push(MonthlyRates { month, eur_per_usd_micro, eur_per_gbp_micro });
            eur_per_usd_micro = (eur_per_usd_micro + random.range(-7_000, 7_000)).clamp(780_000, 1_020_000);
            eur_per_gbp_micro = (eur_per_gbp_micro + random.range(-9_000, 9_000)).clamp(1_050_000, 1_300_000);
        }
        FxTable { months: rates, covered: None }
    }

    /// The rates of `month`; months outside the table use the nearest month in it.
    pub fn rates(&self, month: Month) -> MonthlyRates {
        let fallback = MonthlyRates { month, eur_per_usd_micro: 920_000, eur_per_gbp_micro: 1_170_000 };
        match self.months.iter().find(|rates| rates.month == month) {
            Some(rates) => *rates,
            None if self.months.first().is_some_and(|first| month < first.month) => {
                self.months.first().copied().unwrap_or(fallback)
            }
            None => self.months.last().copied().unwrap_or(fallback),
        }
    }

    /// Makes the rate file cover `month`: the costs and advances of contracts are converted at
    /// the rates of their own months, which may lie before or after the reporting period.
    pub fn cover(&mut self, month: Month) {
        self.covered = Some(match self.covered {
            Some((first, last)) => (first.min(month), last.max(month)),
            None => (month, month),
        });
    }

    /// The months written to the rate file: the reporting period, the year before it (whose
    /// sales some reports still carry: late and back-dated lines), the months after it in which
    /// its last sales are reported, and any month given to
    /// [`FxTable::cover`]. Months outside the period use the nearest period month's rates,
    /// exactly as [`FxTable::rates`] prices them.
    fn written_months(&self) -> Vec<MonthlyRates> {
        let (Some(first), Some(last)) = (self.months.first(), self.months.last()) else { return Vec::new() };
        let lead = first.month.add_months(-LEAD_MONTHS).unwrap_or(first.month);
        let trail = last.month.add_months(TRAIL_MONTHS).unwrap_or(last.month);
        let (start, end) = match self.covered {
            Some((earliest, latest)) => (earliest.min(lead), latest.max(trail)),
            None => (lead, trail),
        };
        start.through(end).map(|month| MonthlyRates { month, ..self.rates(month) }).collect()
    }

    /// Rows of `fx/fx-rates.csv`.
    pub fn row_count(&self) -> u64 {
        self.written_months().len() as u64 * 4
    }

    /// `fx/fx-rates.csv`: `month,from,to,rate`, one row per month and direction.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut text = String::from("month,from,to,rate\n");
        for rates in &self.written_months() {
            let rows = [
                ("USD", "EUR", rates.eur_per_usd_micro),
                ("GBP", "EUR", rates.eur_per_gbp_micro),
                ("EUR", "USD", rates.usd_per_eur_micro()),
                ("EUR", "GBP", rates.gbp_per_eur_micro()),
            ];
            for (from, to, rate_micro) in rows {
                let rate = Decimal::from_units(i128::from(rate_micro), 6).unwrap_or(Decimal::ZERO);
                text.push_str(&format!(
                    "{},{from},{to},{}\n",
                    rates.month,
                    rate.format_fixed(6, ledgerline_money::RoundingMode::HalfEven)
                ));
            }
        }
        text.into_bytes()
    }
}
