//! The market the label sells into: services, tiers, territories and per-unit rates, and the
//! model that turns the catalog into sale lines for one source and month.
//!
//! Rates are integers in billionths of a currency unit (nano-units), so a line's amount,
//! quantity × rate, is an exact decimal with at most nine fractional digits. Streams per line are
//! heavy-tailed, scaled by the track's popularity and decayed with the age of its release.

use ledgerline_model::Month;
use ledgerline_money::{Currency, Decimal};

use crate::fx::MonthlyRates;
use crate::label::Label;
use crate::random::{Random, WeightedTable};

/// Digits of the rates and amounts the market produces.
pub const RATE_DIGITS: u32 = 9;
const NANO_PER_MICRO: i64 = 1_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Usage {
    Stream,
    Download,
    /// A whole-album download: a product-level line with no track.
    AlbumDownload,
    /// Short-video platforms that pay per video creation or play.
    Social,
    /// A YouTube Content ID claim on a video.
    Video,
}

impl Usage {
    pub fn is_download(self) -> bool {
        matches!(self, Usage::Download | Usage::AlbumDownload)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    /// Paid subscription.
    Premium,
    /// Free, ad-supported.
    Free,
    /// Services without tiers (downloads, social).
    None,
}

impl Tier {
    /// Share of the premium rate this tier earns, in percent.
    fn rate_percent(self) -> i64 {
        match self {
            Tier::Premium | Tier::None => 100,
            Tier::Free => 28,
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Service {
    pub name: &'static str,
    pub usage: Usage,
    pub tiers: &'static [Tier],
    /// Gross per unit in micro-EUR at a territory factor of 100: per stream for streams, per
    /// sale for downloads.
    pub rate_micro_eur: i64,
    /// How often the service appears among a track's lines.
    pub weight: u32,
}

const PREMIUM_AND_FREE: &[Tier] = &[Tier::Premium, Tier::Free];
const PREMIUM_ONLY: &[Tier] = &[Tier::Premium];
const NO_TIER: &[Tier] = &[Tier::None];

/// Services that distributors report. Spotify, iTunes downloads and YouTube Content ID are not
/// here: the label deals with those directly (DSR, its iTunes account, Content ID).
pub const DISTRIBUTED_SERVICES: &[Service] = &[
    Service { name: "Apple Music", usage: Usage::Stream, tiers: PREMIUM_ONLY, rate_micro_eur: 6_800, weight: 16 },
    Service { name: "Amazon Music", usage: Usage::Stream, tiers: PREMIUM_AND_FREE, rate_micro_eur: 5_100, weight: 12 },
    Service { name: "Deezer", usage: Usage::Stream, tiers: PREMIUM_AND_FREE, rate_micro_eur: 5_300, weight: 10 },
    Service { name: "YouTube Music", usage: Usage::Stream, tiers: PREMIUM_AND_FREE, rate_micro_eur: 4_300, weight: 10 },
    Service { name: "TIDAL", usage: Usage::Stream, tiers: PREMIUM_ONLY, rate_micro_eur: 9_400, weight: 4 },
    Service { name: "SoundCloud", usage: Usage::Stream, tiers: PREMIUM_AND_FREE, rate_micro_eur: 2_900, weight: 3 },
    Service { name: "TikTok", usage: Usage::Social, tiers: NO_TIER, rate_micro_eur: 450, weight: 7 },
    Service { name: "Amazon Music", usage: Usage::Download, tiers: NO_TIER, rate_micro_eur: 700_000, weight: 2 },
    Service { name: "Beatport", usage: Usage::Download, tiers: NO_TIER, rate_micro_eur: 910_000, weight: 2 },
    Service { name: "Qobuz", usage: Usage::AlbumDownload, tiers: NO_TIER, rate_micro_eur: 6_300_000, weight: 1 },
];

pub const SPOTIFY: &[Service] =
    &[Service { name: "Spotify", usage: Usage::Stream, tiers: PREMIUM_AND_FREE, rate_micro_eur: 3_900, weight: 1 }];

pub const ITUNES: &[Service] = &[
    Service { name: "iTunes", usage: Usage::Download, tiers: NO_TIER, rate_micro_eur: 700_000, weight: 8 },
    Service { name: "iTunes", usage: Usage::AlbumDownload, tiers: NO_TIER, rate_micro_eur: 7_000_000, weight: 1 },
];

pub const YOUTUBE_CONTENT_ID: &[Service] =
    &[Service { name: "YouTube", usage: Usage::Video, tiers: NO_TIER, rate_micro_eur: 620, weight: 1 }];

#[derive(Clone, Copy, Debug)]
pub struct Territory {
    pub alpha2: &'static str,
    /// Per-stream value relative to the reference market, in percent.
    pub rate_percent: i64,
    /// Share of listening.
    pub weight: u32,
    /// The currency DSPs account in there (for columns such as FUGA's "Original currency").
    pub currency: Currency,
}

const fn territory(alpha2: &'static str, rate_percent: i64, weight: u32, currency: Currency) -> Territory {
    Territory { alpha2, rate_percent, weight, currency }
}

pub const TERRITORIES: &[Territory] = &[
    territory("US", 110, 26, Currency::USD),
    territory("GB", 100, 12, Currency::GBP),
    territory("DE", 95, 12, Currency::EUR),
    territory("FR", 85, 7, Currency::EUR),
    territory("NL", 95, 5, Currency::EUR),
    territory("SE", 90, 4, Currency::EUR),
    territory("BE", 90, 2, Currency::EUR),
    territory("ES", 70, 4, Currency::EUR),
    territory("IT", 70, 4, Currency::EUR),
    territory("PL", 45, 3, Currency::EUR),
    territory("JP", 105, 3, Currency::USD),
    territory("BR", 20, 4, Currency::USD),
    territory("MX", 25, 3, Currency::USD),
    territory("CA", 95, 4, Currency::USD),
    territory("AU", 100, 3, Currency::USD),
    territory("IN", 8, 3, Currency::USD),
    territory("NO", 110, 2, Currency::EUR),
    territory("DK", 105, 2, Currency::EUR),
    territory("CH", 120, 2, Currency::EUR),
    territory("IE", 100, 1, Currency::EUR),
];

/// Which release and track a line is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    /// A track of the catalog on one of its releases (indexes into [`Label::releases`] and
    /// [`Label::tracks`]).
    Track { release: usize, track: usize },
    /// A whole release (album downloads).
    Release { release: usize },
    /// A track that is not in the catalog (index into [`Label::unmatched_tracks`]).
    Unmatched { track: usize },
}

/// One sale or usage line, before any format writes it.
#[derive(Clone, Copy, Debug)]
pub struct SaleLine {
    pub month: Month,
    pub day: u8,
    pub subject: Subject,
    pub service: &'static Service,
    pub tier: Tier,
    pub territory: &'static Territory,
    /// Negative for returns.
    pub quantity: i64,
    /// Gross per unit, in the report currency, nano-units.
    pub unit_rate_nano: i64,
}

impl SaleLine {
    pub fn unit_rate(&self) -> Decimal {
        Decimal::from_units(i128::from(self.unit_rate_nano), RATE_DIGITS).unwrap_or(Decimal::ZERO)
    }

    /// quantity × unit rate, exact.
    pub fn gross(&self) -> Decimal {
        Decimal::from_units(i128::from(self.quantity) * i128::from(self.unit_rate_nano), RATE_DIGITS)
            .unwrap_or(Decimal::ZERO)
    }
}

/// What one source's lines look like.
#[derive(Clone, Copy, Debug)]
pub struct LineProfile {
    pub services: &'static [Service],
    /// The currency the report is written in.
    pub currency: Currency,
    /// Lines per month for each release the source reports, on average; they are spread over
    /// the tracks in proportion to popularity and age, so new hits get many lines (one per
    /// service, tier and territory) and old album tracks an occasional one.
    pub lines_per_release: u32,
    /// Whether to add a few lines for repertoire that is not in the catalog.
    pub include_unmatched: bool,
    /// Territories the report covers (empty: all).
    pub territories: &'static [&'static str],
}

/// The share of a track's plays left after `age_months` on sale, in percent: a release sells
/// most in its first months and settles to a long tail.
pub fn decay_percent(age_months: i32) -> i64 {
    if age_months < 0 {
        return 0;
    }
    if age_months < 3 {
        return 100;
    }
    (600 / (i64::from(age_months) + 3)).clamp(3, 100)
}

/// Converts a rate in micro-EUR to nano-units of `currency` at this month's rates.
pub fn convert_rate_nano(rate_micro_eur: i64, currency: Currency, rates: &MonthlyRates) -> i64 {
    let rate_nano_eur = rate_micro_eur * NANO_PER_MICRO;
    if currency == Currency::USD {
        rate_nano_eur * rates.usd_per_eur_micro() / 1_000_000
    } else if currency == Currency::GBP {
        rate_nano_eur * rates.gbp_per_eur_micro() / 1_000_000
    } else {
        rate_nano_eur
    }
}

/// Download prices are set per currency (price tiers), not converted.
fn download_price_nano(service: &Service, currency: Currency) -> i64 {
    let eur_nano = service.rate_micro_eur * NANO_PER_MICRO;
    if currency == Currency::GBP {
        // 0.70 EUR → 0.60 GBP, 7.00 EUR → 6.00 GBP.
        eur_nano * 6 / 7
    } else {
        eur_nano
    }
}

/// What every line of one source and month shares.
#[derive(Clone, Copy)]
pub struct MonthContext<'a> {
    pub profile: &'a LineProfile,
    pub month: Month,
    pub rates: &'a MonthlyRates,
}

/// A request for up to `line_count` lines about one subject, each for a different (service,
/// tier, territory) combination.
struct Combinations<'a> {
    subject: Subject,
    activity: i64,
    line_count: i64,
    /// The artist's country, where listening concentrates.
    home_country: &'a str,
    /// Album downloads are drawn from the album-download services only, other lines from the
    /// rest.
    album_downloads: bool,
}

/// Generates the lines of one source for one month: every release in `releases` that is on
/// sale, every track on it, a popularity-dependent number of distinct (service, tier,
/// territory) combinations, heavy-tailed quantities.
pub fn generate_month_lines(
    label: &Label,
    releases: &[usize],
    context: MonthContext,
    random: &mut Random,
    lines: &mut Vec<SaleLine>,
) {
    let month = context.month;
    let territories = territories_of(context.profile);
    let activity_of = |release_index: usize, track: usize| -> i64 {
        let age_months = month.index() - label.releases[release_index].month().index();
        i64::from(label.tracks[track].popularity_per_mille) * decay_percent(age_months) / 100
    };
    // The month's line budget, shared out by activity.
    let on_sale: Vec<usize> = releases
        .iter()
        .copied()
        .filter(|&release_index| label.releases[release_index].month() <= month)
        .collect();
    let total_activity: i64 = on_sale
        .iter()
        .flat_map(|&release_index| label.releases[release_index].tracks.iter().map(move |entry| (release_index, entry.track)))
        .map(|(release_index, track)| activity_of(release_index, track).max(1))
        .sum();
    let budget = i64::from(context.profile.lines_per_release) * on_sale.len() as i64;
    for &release_index in &on_sale {
        let release = &label.releases[release_index];
        let home_country = label.artists.get(release.artist).map_or("", |artist| artist.country);
        for release_track in &release.tracks {
            let activity = activity_of(release_index, release_track.track);
            // Stochastic rounding keeps the expected total on budget without favouring anyone.
            let expected_thousandths = budget * 1000 * activity.max(1) / total_activity.max(1);
            let line_count = expected_thousandths / 1000 + i64::from(random.below(1000) < (expected_thousandths % 1000) as u64);
            let request = Combinations {
                subject: Subject::Track { release: release_index, track: release_track.track },
                activity,
                line_count,
                home_country,
                album_downloads: false,
            };
            add_combinations(&context, &territories, &request, random, lines);
        }
        // Album downloads, where the profile sells them.
        if context.profile.services.iter().any(|service| service.usage == Usage::AlbumDownload)
            && release.tracks.len() > 3
            && random.chance(1, 10)
        {
            let request = Combinations {
                subject: Subject::Release { release: release_index },
                activity: 100,
                line_count: 1,
                home_country,
                album_downloads: true,
            };
            add_combinations(&context, &territories, &request, random, lines);
        }
    }
    if context.profile.include_unmatched {
        let count = 1 + random.below(3) as usize;
        for _ in 0..count {
            let track = random.index(label.unmatched_tracks.len().max(1));
            let request = Combinations {
                subject: Subject::Unmatched { track },
                activity: 60,
                line_count: 1,
                home_country: "",
                album_downloads: false,
            };
            add_combinations(&context, &territories, &request, random, lines);
        }
    }
}

fn territories_of(profile: &LineProfile) -> Vec<&'static Territory> {
    TERRITORIES
        .iter()
        .filter(|territory| profile.territories.is_empty() || profile.territories.contains(&territory.alpha2))
        .collect()
}

fn add_combinations(
    context: &MonthContext,
    territories: &[&'static Territory],
    request: &Combinations,
    random: &mut Random,
    lines: &mut Vec<SaleLine>,
) {
    if territories.is_empty() || request.line_count <= 0 {
        return;
    }
    let services: Vec<&'static Service> = context
        .profile
        .services
        .iter()
        .filter(|service| (service.usage == Usage::AlbumDownload) == request.album_downloads)
        .collect();
    let service_weights: Vec<u32> = services.iter().map(|service| service.weight).collect();
    let territory_weights: Vec<u32> = territories
        .iter()
        .map(|territory| {
            if territory.alpha2 == request.home_country {
                territory.weight * 3 + 6
            } else {
                territory.weight
            }
        })
        .collect();
    let mut used: Vec<(usize, Tier, usize)> = Vec::with_capacity(request.line_count as usize);
    for _ in 0..request.line_count {
        // A few attempts to find a combination not used yet for this subject; give up quietly
        // when the small markets are exhausted.
        for _attempt in 0..4 {
            let Some(service_position) = random.weighted_index(&service_weights) else { return };
            let service = services[service_position];
            let tier = if service.tiers.len() > 1 && random.chance(2, 5) { Tier::Free } else { service.tiers[0] };
            let Some(territory_position) = random.weighted_index(&territory_weights) else { return };
            let key = (service_position, tier, territory_position);
            if used.contains(&key) {
                continue;
            }
            used.push(key);
            let territory = territories[territory_position];
            lines.push(make_line(context, request.subject, service, tier, territory, request.activity, random));
            break;
        }
    }
}

fn make_line(
    context: &MonthContext,
    subject: Subject,
    service: &'static Service,
    tier: Tier,
    territory: &'static Territory,
    activity: i64,
    random: &mut Random,
) -> SaleLine {
    let month = context.month;
    let day = 1 + random.below(u64::from(month.day_count())) as u8;
    // Typical plays of one line: a hit in a big market runs to tens of thousands a month, an old
    // album track in a small one to a handful.
    let scale = (10 + activity * i64::from(territory.weight) * 2).max(1) as u64;
    let (quantity, unit_rate_nano) = match service.usage {
        Usage::Download | Usage::AlbumDownload => {
            let sold = random.heavy_tailed(1, 40) as i64;
            // About one download line in twenty is a return.
            let quantity = if random.chance(1, 20) { -(1 + random.range(0, 1)) } else { sold };
            (quantity, download_price_nano(service, context.profile.currency))
        }
        Usage::Stream | Usage::Social | Usage::Video => {
            let plays = random.heavy_tailed(scale, 5_000_000) as i64;
            let jitter_percent = random.range(95, 105);
            let rate_micro_eur = service.rate_micro_eur * tier.rate_percent() / 100 * territory.rate_percent / 100
                * jitter_percent
                / 100;
            (plays, convert_rate_nano(rate_micro_eur.max(1), context.profile.currency, context.rates))
        }
    };
    SaleLine { month, day, subject, service, tier, territory, quantity, unit_rate_nano }
}

/// Draws lines with repeated (service, tier, territory) combinations allowed: the benchmark
/// files need many lines per track, more than there are distinct combinations.
pub struct LinePicker {
    services: Vec<&'static Service>,
    service_table: WeightedTable,
    territories: Vec<&'static Territory>,
    territory_table: WeightedTable,
}

impl LinePicker {
    pub fn new(profile: &LineProfile) -> LinePicker {
        let services: Vec<&'static Service> =
            profile.services.iter().filter(|service| service.usage != Usage::AlbumDownload).collect();
        let territories = territories_of(profile);
        LinePicker {
            service_table: WeightedTable::new(services.iter().map(|service| u64::from(service.weight))),
            territory_table: WeightedTable::new(territories.iter().map(|territory| u64::from(territory.weight))),
            services,
            territories,
        }
    }

    /// One line for `subject`, or `None` when the profile has no services or territories.
    pub fn line(&self, context: &MonthContext, subject: Subject, activity: i64, random: &mut Random) -> Option<SaleLine> {
        let service = self.services[self.service_table.draw(random)?];
        let tier = if service.tiers.len() > 1 && random.chance(2, 5) { Tier::Free } else { service.tiers[0] };
        let territory = self.territories[self.territory_table.draw(random)?];
        Some(make_line(context, subject, service, tier, territory, activity, random))
    }
}

/// Whether a track or release line is in the catalog, with the names a report prints for it.
pub struct LineNames<'a> {
    pub release_upc: &'a str,
    pub release_ean13: &'a str,
    pub release_title: &'a str,
    pub release_artist: &'a str,
    pub catalog_number: &'a str,
    /// Empty for product-level lines.
    pub isrc: &'a str,
    pub track_title: &'a str,
    pub track_version: &'a str,
    pub track_artist: &'a str,
    pub duration_seconds: u32,
}

impl Label {
    /// The identifiers and names a report prints for `subject`.
    pub fn names_of(&self, subject: Subject) -> LineNames<'_> {
        match subject {
            Subject::Track { release, track } => {
                let release = &self.releases[release];
                let track = &self.tracks[track];
                LineNames {
                    release_upc: &release.upc,
                    release_ean13: &release.ean13,
                    release_title: &release.title,
                    release_artist: &release.display_artist,
                    catalog_number: &release.catalog_number,
                    isrc: &track.isrc,
                    track_title: &track.title,
                    track_version: track.version,
                    track_artist: &track.display_artist,
                    duration_seconds: track.duration_seconds,
                }
            }
            Subject::Release { release } => {
                let release = &self.releases[release];
                LineNames {
                    release_upc: &release.upc,
                    release_ean13: &release.ean13,
                    release_title: &release.title,
                    release_artist: &release.display_artist,
                    catalog_number: &release.catalog_number,
                    isrc: "",
                    track_title: "",
                    track_version: "",
                    track_artist: "",
                    duration_seconds: 0,
                }
            }
            Subject::Unmatched { track } => {
                let release = &self.unmatched_release;
                let track = &self.unmatched_tracks[track.min(self.unmatched_tracks.len().saturating_sub(1))];
                LineNames {
                    release_upc: &release.upc,
                    release_ean13: &release.ean13,
                    release_title: &release.title,
                    release_artist: &release.display_artist,
                    catalog_number: &release.catalog_number,
                    isrc: &track.isrc,
                    track_title: &track.title,
                    track_version: track.version,
                    track_artist: &track.display_artist,
                    duration_seconds: track.duration_seconds,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decay_starts_full_and_settles() {
        assert_eq!(decay_percent(-1), 0);
        assert_eq!(decay_percent(0), 100);
        assert_eq!(decay_percent(2), 100);
        assert!(decay_percent(12) < decay_percent(6));
        assert_eq!(decay_percent(150), 3);
    }
}
