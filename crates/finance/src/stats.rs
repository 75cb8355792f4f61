//! The two statistics of the pack: the decay fit and the valuation multiple.
//!
//! These are estimates, not ledger figures, and use binary floating point (`f64`); nothing
//! computed here is added to money. The pack turns their results into `Decimal`s once, rounded
//! to a stated number of places (a decay rate to 0.1 point, a multiple to 4 decimals), and
//! multiplies money by them in `Decimal` (docs/finance.md).

use serde::Serialize;

/// One month of one release's income.
#[derive(Clone, Debug, PartialEq)]
pub struct Observation {
    /// The release (or any group that shares a level).
    pub group: String,
    /// Months since release.
    pub months: i32,
    /// Income in the month (positive; others are left out by the caller).
    pub income: f64,
}

/// A least-squares fit of `ln(income) = a_release + b × months` (one level per release, one
/// slope for all: the "within" estimator), and the annual decay rate it implies.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Fit {
    pub observations: usize,
    /// Releases with at least two months in the fit.
    pub releases: usize,
    /// `b`: change of log income per month.
    pub monthly_slope: f64,
    /// `1 − exp(12 b)`: the share of income lost per year (negative: growth).
    pub annual_decay: f64,
    /// Within-release R² (share of the variation of log income around each release's own level
    /// that the slope explains).
    pub r_squared: f64,
    /// Standard error of `b`, when there are more observations than parameters.
    pub slope_standard_error: Option<f64>,
    /// The annual decay at `b ± 1.96` standard errors (about a 95% range).
    pub annual_decay_low: Option<f64>,
    pub annual_decay_high: Option<f64>,
}

/// The annual decay implied by a monthly log slope.
pub fn annual_decay(monthly_slope: f64) -> f64 {
    1.0 - (12.0 * monthly_slope).exp()
}

/// Fits the decay of `observations`. `None` when no release has two different months with
/// income (nothing to fit).
pub fn fit_decay(observations: &[Observation]) -> Option<Fit> {
    use std::collections::BTreeMap;
    let mut groups: BTreeMap<&str, Vec<(f64, f64)>> = BTreeMap::new();
    for observation in observations
        .iter()
        .filter(|o| o.income > 0.0 && o.income.is_finite())
    {
        groups
            .entry(observation.group.as_str())
            .or_default()
            .push((f64::from(observation.months), observation.income.ln()));
    }
    let (mut sxx, mut sxy, mut syy) = (0.0f64, 0.0f64, 0.0f64);
    let (mut count, mut releases) = (0usize, 0usize);
    for points in groups.values() {
        if points.len() < 2 {
            continue;
        }
        let n = points.len() as f64;
        let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
        let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
        let group_sxx: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
        if group_sxx <= 0.0 {
            continue;
        }
        sxx += group_sxx;
        sxy += points
            .iter()
            .map(|p| (p.0 - mean_x) * (p.1 - mean_y))
            .sum::<f64>();
        syy += points.iter().map(|p| (p.1 - mean_y).powi(2)).sum::<f64>();
        count += points.len();
        releases += 1;
    }
    if releases == 0 || sxx <= 0.0 {
        return None;
    }
    let slope = sxy / sxx;
    let residual = (syy - slope * sxy).max(0.0);
    let r_squared = if syy > 0.0 { 1.0 - residual / syy } else { 1.0 };
    let freedom = count as f64 - releases as f64 - 1.0;
    let standard_error = (freedom > 0.0).then(|| (residual / freedom / sxx).sqrt());
    Some(Fit {
        observations: count,
        releases,
        monthly_slope: slope,
        annual_decay: annual_decay(slope),
        r_squared,
        slope_standard_error: standard_error,
        // A larger slope is slower decay.
        annual_decay_low: standard_error.map(|se| annual_decay(slope + 1.96 * se)),
        annual_decay_high: standard_error.map(|se| annual_decay(slope - 1.96 * se)),
    })
}

/// The valuation multiple `M = q (1 − q^N) / (1 − q)` with `q = (1 − d) / (1 + r)`: the present
/// value, at discount rate `r`, of `N` years of income that starts at 1 a year (received at the
/// end of each year) and falls by `d` a year. `q = 1` gives `N`.
pub fn multiple(discount_rate: f64, decay: f64, years: u32) -> f64 {
    let q = (1.0 - decay) / (1.0 + discount_rate);
    if (1.0 - q).abs() < 1e-12 {
        return f64::from(years);
    }
    let n = i32::try_from(years).unwrap_or(i32::MAX);
    q * (1.0 - q.powi(n)) / (1.0 - q)
}

/// Release-age cohorts: years since release at the time of sale.
pub const COHORTS: [(&str, i32, i32); 6] = [
    ("under 1", 0, 11),
    ("1", 12, 23),
    ("2", 24, 35),
    ("3–4", 36, 59),
    ("5–9", 60, 119),
    ("10+", 120, i32::MAX),
];

/// The cohort of a sale `months` after release (a sale before the release date, a pre-order,
/// counts as the first year).
/// A cohort's name for people: `under 1 year`, `1 year`, `3–4 years`.
pub fn cohort_label(name: &str) -> String {
    match name {
        "under 1" | "1" => format!("{name} year"),
        name if COHORTS.iter().any(|(cohort, _, _)| *cohort == name) => format!("{name} years"),
        name => name.to_string(),
    }
}

pub fn cohort(months: i32) -> &'static str {
    let months = months.max(0);
    COHORTS
        .iter()
        .find(|(_, from, to)| (*from..=*to).contains(&months))
        .map_or(COHORTS[0].0, |(name, _, _)| name)
}
