//! The synthetic label itself: its artists, the people it pays, its releases and tracks.
//!
//! Everything here is built once from the `catalog` random stream; the files (catalog, parties,
//! contracts, costs) and the sales reports are views of this one model, so they agree with each
//! other by construction.

use anyhow::{bail, Context, Result};
use ledgerline_model::{gs1_check_digit, Date, Month};

use crate::random::{Random, ZipfTable};
use crate::source::Source;
use crate::words;

/// What a party is to the label, as written in `parties.csv`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartyKind {
    Artist,
    BandMember,
    Producer,
    FeaturedArtist,
    Label,
}

impl PartyKind {
    pub fn name(self) -> &'static str {
        match self {
            PartyKind::Artist => "artist",
            PartyKind::BandMember => "band_member",
            PartyKind::Producer => "producer",
            PartyKind::FeaturedArtist => "featured_artist",
            PartyKind::Label => "label",
        }
    }
}

/// Someone the label pays.
#[derive(Clone, Debug)]
pub struct Party {
    pub id: String,
    pub name: String,
    pub kind: PartyKind,
    pub email: String,
    /// ISO 3166-1 alpha-2.
    pub country: &'static str,
    pub vat_id: Option<String>,
    /// ISO 3166-1 alpha-2 of the country where the party is resident for tax.
    pub tax_residence: &'static str,
}

/// The kind of deal an artist has; chosen per artist so every kind appears in a default run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DealShape {
    /// A royalty deal with everything: rate table, escalation, reserve, deductions, advance.
    FullRoyalty,
    /// A 50/50 net-profit deal with the artist.
    NetProfitWithArtist,
    /// A royalty deal accounted in GBP, which gets a second version during the period.
    RoyaltyInPoundsWithNewVersion,
    /// Releases licensed in from another label, which is paid 50/50 of net profit.
    LicensedFromLabel,
    /// Two album deals whose balances are cross-collateralised in a named group.
    TwoDealsCrossCollateralised,
    /// A plain royalty deal with a default rate and little else.
    SimpleRoyalty,
}

/// An act on the label: a solo artist or a band.
#[derive(Clone, Debug)]
pub struct Artist {
    pub name: String,
    /// ISO 3166-1 alpha-2 of the artist's home, which also gives the ISRC country code.
    pub country: &'static str,
    /// Parties paid as this artist (one for a solo artist, the members of a band, or the
    /// licensor label).
    pub payees: Vec<usize>,
    pub deal: DealShape,
    pub distributor: Source,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReleaseFormat {
    Album,
    Ep,
    Single,
}

impl ReleaseFormat {
    pub fn name(self) -> &'static str {
        match self {
            ReleaseFormat::Album => "Album",
            ReleaseFormat::Ep => "EP",
            ReleaseFormat::Single => "Single",
        }
    }
}

/// A track's place on a release.
#[derive(Clone, Copy, Debug)]
pub struct ReleaseTrack {
    pub disc_number: u8,
    pub track_number: u8,
    /// Index into [`Label::tracks`].
    pub track: usize,
}

#[derive(Clone, Debug)]
pub struct Release {
    /// As printed in the catalog: a 12-digit UPC-A or a 13-digit EAN-13.
    pub upc: String,
    /// The EAN-13 form (a UPC-A with a leading zero), which contracts and Believe use.
    pub ean13: String,
    pub catalog_number: String,
    pub title: String,
    pub artist: usize,
    pub display_artist: String,
    pub date: Date,
    pub format: ReleaseFormat,
    pub tracks: Vec<ReleaseTrack>,
    pub distributor: Source,
}

impl Release {
    pub fn month(&self) -> Month {
        self.date.month()
    }
}

#[derive(Clone, Debug)]
pub struct Track {
    pub isrc: String,
    pub title: String,
    /// Empty for the original version.
    pub version: &'static str,
    pub display_artist: String,
    pub duration_seconds: u32,
    pub featured_party: Option<usize>,
    /// Relative popularity, heavy-tailed: 1000 for the label's biggest track.
    pub popularity_per_mille: u32,
}

/// The whole label.
#[derive(Clone, Debug)]
pub struct Label {
    pub name: String,
    /// The name without spaces, as distributors put it into file names.
    pub company_code: String,
    pub catalog_prefix: String,
    /// The label's DDEX party id (synthetic, in the `PADPIDA` form).
    pub dpid: String,
    pub parties: Vec<Party>,
    pub artists: Vec<Artist>,
    /// Producers (party indexes) who have points on an album.
    pub producers: Vec<usize>,
    pub releases: Vec<Release>,
    pub tracks: Vec<Track>,
    /// A release and tracks that are not in the catalog: other labels' repertoire that a DSP
    /// reports to this label by mistake, so the unmatched queue has work.
    pub unmatched_release: Release,
    pub unmatched_tracks: Vec<Track>,
}

/// Countries artists come from; each has its own ISRC registrant code at the label.
const ARTIST_COUNTRIES: [&str; 6] = ["GB", "DE", "FR", "NL", "SE", "US"];

/// The deal of the first artists is fixed so that every kind appears even in small runs; the
/// rest are drawn.
const LEADING_DEALS: [DealShape; 6] = [
    DealShape::FullRoyalty,
    DealShape::NetProfitWithArtist,
    DealShape::RoyaltyInPoundsWithNewVersion,
    DealShape::LicensedFromLabel,
    DealShape::TwoDealsCrossCollateralised,
    DealShape::SimpleRoyalty,
];

/// Likewise every distributor gets an artist early on.
const LEADING_DISTRIBUTORS: [Source; 6] = [
    Source::Fuga,
    Source::Believe,
    Source::Fuga,
    Source::Orchard,
    Source::DistroKid,
    Source::Symphonic,
];

/// How the label's releases are planned before identifiers are given out in date order.
struct PlannedRelease {
    artist: usize,
    format: ReleaseFormat,
    date: Date,
    title: String,
    /// Tracks by index into the planned track list; the first may already exist (a single's
    /// A-side that reappears on the album).
    track_list: Vec<(u8, usize)>,
}

struct PlannedTrack {
    title: String,
    version: &'static str,
    display_artist: String,
    duration_seconds: u32,
    featured_party: Option<usize>,
}

/// Builds the label for `artist_count` artists whose reporting starts at `first_month`.
pub fn build_label(seed: u64, artist_count: u32, first_month: Month) -> Result<Label> {
    if artist_count == 0 {
        bail!("a label needs at least one artist");
    }
    let mut random = Random::for_stream(seed, "catalog");
    let label_name = format!(
        "{} {} {}",
        words::word(&mut random, words::ADJECTIVES),
        words::word(&mut random, words::NOUNS),
        words::word(&mut random, words::LABEL_SUFFIXES)
    );
    let company_code: String = label_name.chars().filter(|character| !character.is_whitespace()).collect();
    let catalog_prefix: String = label_name
        .split_whitespace()
        .filter_map(|part| part.chars().next())
        .map(|initial| initial.to_ascii_uppercase())
        .collect();
    let label_dpid = format!("PADPIDA{}{:06}L", first_month.year() - 1, random.below(1_000_000));

    let mut parties: Vec<Party> = Vec::new();
    let mut artists: Vec<Artist> = Vec::new();
    for artist_index in 0..artist_count as usize {
        let deal = LEADING_DEALS.get(artist_index).copied().unwrap_or_else(|| {
            *random
                .pick(&[DealShape::FullRoyalty, DealShape::NetProfitWithArtist, DealShape::SimpleRoyalty])
                .unwrap_or(&DealShape::SimpleRoyalty)
        });
        let distributor = LEADING_DISTRIBUTORS.get(artist_index).copied().unwrap_or_else(|| {
            // Most of a label's catalog usually goes through its main distributor; a legacy
            // part sits at CD Baby.
            let choices = [Source::Fuga, Source::Fuga, Source::Believe, Source::CdBaby, Source::Orchard];
            *random.pick(&choices).unwrap_or(&Source::Fuga)
        });
        // Indexes 6 to 9 exist only in larger runs; the default (12 artists) puts one artist at
        // each of CD Baby, TuneCore, a second DistroKid account (older export layout) and a
        // direct Beatport account so that every format appears.
        let distributor = match artist_index {
            6 => Source::CdBaby,
            7 => Source::TuneCore,
            8 => Source::DistroKidOlder,
            9 => Source::Beatport,
            _ => distributor,
        };
        let country = match deal {
            DealShape::RoyaltyInPoundsWithNewVersion => "GB",
            _ => *random.pick(&ARTIST_COUNTRIES).unwrap_or(&"GB"),
        };
        let is_band = match artist_index {
            0 => true,
            1 | 2 | 4 => false,
            _ => random.chance(2, 5),
        };
        let name = if is_band { words::band_name(&mut random) } else { words::person_name(&mut random) };
        let mut payees = Vec::new();
        if deal == DealShape::LicensedFromLabel {
            let licensor_name = format!(
                "{} {} {}",
                words::word(&mut random, words::ADJECTIVES),
                words::word(&mut random, words::NOUNS),
                words::word(&mut random, words::LABEL_SUFFIXES)
            );
            let licensor_country = *random.pick(&["DE", "FR", "NL", "SE"]).unwrap_or(&"DE");
            payees.push(add_party(&mut parties, &mut random, licensor_name, PartyKind::Label, licensor_country));
        } else if is_band {
            let member_count = 2 + random.below(3) as usize;
            for _ in 0..member_count {
                let member = words::person_name(&mut random);
                payees.push(add_party(&mut parties, &mut random, member, PartyKind::BandMember, country));
            }
        } else {
            payees.push(add_party(&mut parties, &mut random, name.clone(), PartyKind::Artist, country));
        }
        artists.push(Artist { name, country, payees, deal, distributor });
    }

    // One producer for every six artists, at least one.
    let producers: Vec<usize> = (0..artist_count.div_ceil(6))
        .map(|_| {
            let name = words::person_name(&mut random);
            let country = *random.pick(&ARTIST_COUNTRIES).unwrap_or(&"GB");
            add_party(&mut parties, &mut random, name, PartyKind::Producer, country)
        })
        .collect();

    let (planned_releases, planned_tracks) = plan_releases(&mut random, &mut parties, &artists, first_month)?;
    let (releases, tracks) = assign_identifiers(&mut random, &artists, planned_releases, planned_tracks, &catalog_prefix)?;
    let (unmatched_release, unmatched_tracks) = unmatched_repertoire(&mut random, first_month)?;

    Ok(Label {
        name: label_name,
        company_code,
        catalog_prefix,
        dpid: label_dpid,
        parties,
        artists,
        producers,
        releases,
        tracks,
        unmatched_release,
        unmatched_tracks,
    })
}

/// Adds a party with a made-up but well-formed e-mail address and, for some, a VAT id.
fn add_party(parties: &mut Vec<Party>, random: &mut Random, name: String, kind: PartyKind, country: &'static str) -> usize {
    let index = parties.len();
    let id = format!("P{:03}", index + 1);
    let email = format!("{}@example.{}", words::ascii_slug(&name, "."), if kind == PartyKind::Label { "com" } else { "org" });
    // Labels and about a third of the people are VAT-registered; only EU residents get an EU
    // VAT id (the UK and US have their own schemes the demo does not cover).
    let vat_registered = kind == PartyKind::Label || random.chance(1, 3);
    let vat_id = if vat_registered { vat_id_for(random, country) } else { None };
    parties.push(Party { id, name, kind, email, country, vat_id, tax_residence: country });
    index
}

/// A VAT id in the national format of an EU country (digits are random, not check-summed).
fn vat_id_for(random: &mut Random, country: &str) -> Option<String> {
    let digits = |random: &mut Random, count: u32| -> String {
        (0..count).map(|_| char::from(b'0' + random.below(10) as u8)).collect()
    };
    match country {
        "DE" => Some(format!("DE{}", digits(random, 9))),
        "FR" => Some(format!("FR{}", digits(random, 11))),
        "NL" => Some(format!("NL{}B01", digits(random, 9))),
        "SE" => Some(format!("SE{}01", digits(random, 10))),
        "BE" => Some(format!("BE0{}", digits(random, 9))),
        _ => None,
    }
}

/// Plans each artist's career: albums and EPs over the years, lead singles whose A-side
/// reappears on the album, a deluxe edition with a second disc, a featured artist on one track,
/// and one fresh single that comes out during the reporting period.
fn plan_releases(
    random: &mut Random,
    parties: &mut Vec<Party>,
    artists: &[Artist],
    first_month: Month,
) -> Result<(Vec<PlannedRelease>, Vec<PlannedTrack>)> {
    let mut releases: Vec<PlannedRelease> = Vec::new();
    let mut tracks: Vec<PlannedTrack> = Vec::new();
    let last_catalog_month = first_month.add_months(-1).context("first month too early")?;
    let mut featured_done = false;
    let mut deluxe_done = false;

    for (artist_index, artist) in artists.iter().enumerate() {
        // Careers start between 14 years and 1 year before reporting: old catalog decays,
        // new releases spike.
        let career_start = last_catalog_month.add_months(-(12 + random.below(156) as i32)).context("career start")?;
        let main_release_count = 1 + random.below(3) as usize;
        let mut month = career_start;
        for release_number in 0..main_release_count {
            if month > last_catalog_month {
                break;
            }
            let format = if random.chance(3, 5) { ReleaseFormat::Album } else { ReleaseFormat::Ep };
            let track_count = match format {
                ReleaseFormat::Album => 8 + random.below(5) as usize,
                _ => 4 + random.below(3) as usize,
            };
            let release_date = random_day(random, month)?;
            let release_title = words::title(random);

            let mut track_list: Vec<(u8, usize)> = Vec::new();
            for _ in 0..track_count {
                track_list.push((1, tracks.len()));
                tracks.push(plain_track(random, &artist.name));
            }
            // A featured artist on one track of the first album with enough tracks.
            if !featured_done && format == ReleaseFormat::Album {
                featured_done = true;
                let featured_name = words::person_name(random);
                let party = add_party(parties, random, featured_name.clone(), PartyKind::FeaturedArtist, "US");
                if let Some(&(_, featured_track)) = track_list.get(2) {
                    tracks[featured_track].display_artist = format!("{} feat. {}", artist.name, featured_name);
                    tracks[featured_track].featured_party = Some(party);
                }
            }
            // One album gets a deluxe second disc of alternative versions of its own songs.
            if !deluxe_done && format == ReleaseFormat::Album && release_number == 0 {
                deluxe_done = true;
                for (position, &(_, original)) in track_list.clone().iter().take(3).enumerate() {
                    let version = words::TRACK_VERSIONS[position % words::TRACK_VERSIONS.len()];
                    let mut alternative = plain_track(random, &artist.name);
                    alternative.title = tracks[original].title.clone();
                    alternative.version = version;
                    track_list.push((2, tracks.len()));
                    tracks.push(alternative);
                }
            }
            // A third of albums have a lead single two months earlier: the same recording (the
            // same ISRC) on two releases, as distributors deliver it.
            if format == ReleaseFormat::Album && random.chance(1, 3) {
                if let (Some(&(_, lead_track)), Some(single_month)) = (track_list.first(), month.add_months(-2)) {
                    releases.push(PlannedRelease {
                        artist: artist_index,
                        format: ReleaseFormat::Single,
                        date: random_day(random, single_month)?,
                        title: tracks[lead_track].title.clone(),
                        track_list: vec![(1, lead_track)],
                    });
                }
            }
            releases.push(PlannedRelease {
                artist: artist_index,
                format,
                date: release_date,
                title: release_title,
                track_list,
            });
            month = month.add_months(10 + random.below(30) as i32).context("release month")?;
        }
        // Stand-alone singles: A-side plus a radio edit.
        if random.chance(1, 2) || artist_index == artists.len() - 1 {
            // The last artist's single comes out in the second reporting month, so one release
            // starts selling during the period.
            let single_month = if artist_index == artists.len() - 1 {
                first_month.add_months(1).context("single month")?
            } else {
                last_catalog_month.add_months(-(random.below(18) as i32)).context("single month")?
            };
            let a_side = tracks.len();
            tracks.push(plain_track(random, &artist.name));
            let mut edit = plain_track(random, &artist.name);
            edit.title = tracks[a_side].title.clone();
            edit.version = "Radio Edit";
            edit.duration_seconds = 180 + random.below(40) as u32;
            let edit_index = tracks.len();
            tracks.push(edit);
            releases.push(PlannedRelease {
                artist: artist_index,
                format: ReleaseFormat::Single,
                date: random_day(random, single_month)?,
                title: tracks[a_side].title.clone(),
                track_list: vec![(1, a_side), (1, edit_index)],
            });
        }
    }
    Ok((releases, tracks))
}

fn plain_track(random: &mut Random, artist_name: &str) -> PlannedTrack {
    // Most songs run 2:30 to 5:00; a few long ones go to 9 minutes.
    let duration_seconds = if random.chance(1, 12) { 330 + random.below(210) } else { 150 + random.below(150) } as u32;
    PlannedTrack {
        title: words::title(random),
        version: "",
        display_artist: artist_name.to_string(),
        duration_seconds,
        featured_party: None,
    }
}

fn random_day(random: &mut Random, month: Month) -> Result<Date> {
    // Releases come out on Fridays in real life; any day will do for accounting.
    let day = 1 + random.below(u64::from(month.day_count())) as u8;
    Ok(Date::new(month.year(), month.number(), day)?)
}

/// Gives out UPCs, catalog numbers and ISRCs in release-date order, as a label does.
fn assign_identifiers(
    random: &mut Random,
    artists: &[Artist],
    mut planned_releases: Vec<PlannedRelease>,
    planned_tracks: Vec<PlannedTrack>,
    catalog_prefix: &str,
) -> Result<(Vec<Release>, Vec<Track>)> {
    // The stable sort keeps plan order for releases on the same day.
    planned_releases.sort_by_key(|release| release.date);

    // The label's GS1 company prefixes: one 7-digit prefix for UPC-A bodies (11 digits) and a
    // European 8-digit prefix for EAN-13 bodies (12 digits).
    let upc_company_prefix = format!("0{:06}", 100_000 + random.below(900_000));
    let ean_company_prefix = format!("{}{:06}", *random.pick(&["40", "87", "50", "37"]).unwrap_or(&"87"), random.below(1_000_000));
    // One registrant code per artist country; letters and digits, as issued by national agencies.
    let registrant_codes: Vec<String> = ARTIST_COUNTRIES
        .iter()
        .map(|_| {
            // No Q: registrants starting with Q are left to the repertoire of other labels.
            let alphabet = b"ABCDEFGHJKLMNPRSTUVWXYZ0123456789";
            let letter = |random: &mut Random| char::from(alphabet[random.index(23)]);
            let any = |random: &mut Random| char::from(alphabet[random.index(alphabet.len())]);
            format!("{}{}{}", letter(random), any(random), any(random))
        })
        .collect();
    let mut next_designation: Vec<(String, u32)> = Vec::new();

    let mut track_isrcs: Vec<Option<String>> = vec![None; planned_tracks.len()];
    let mut releases = Vec::with_capacity(planned_releases.len());
    for (release_index, planned) in planned_releases.into_iter().enumerate() {
        let artist = &artists[planned.artist];
        let item_number = 1000 + release_index as u64 * 7 + random.below(7);
        // About one release in four carries an EAN-13 (pressed in Europe); the rest UPC-A.
        let upc = if random.chance(1, 4) {
            with_check_digit(&format!("{ean_company_prefix}{:04}", item_number % 10_000))?
        } else {
            with_check_digit(&format!("{upc_company_prefix}{:04}", item_number % 10_000))?
        };
        let ean13 = if upc.len() == 12 { format!("0{upc}") } else { upc.clone() };
        let country_position = ARTIST_COUNTRIES.iter().position(|country| *country == artist.country).unwrap_or(0);
        let registrant = &registrant_codes[country_position];
        let year_two_digits = planned.date.year().rem_euclid(100);
        let mut release_tracks = Vec::with_capacity(planned.track_list.len());
        let mut number_on_disc = [0u8; 3];
        for (disc_number, track_index) in planned.track_list {
            if track_isrcs[track_index].is_none() {
                let key = format!("{}{}{:02}", artist.country, registrant, year_two_digits);
                let designation = match next_designation.iter_mut().find(|(existing, _)| *existing == key) {
                    Some((_, next)) => {
                        *next += 1 + random.below(3) as u32;
                        *next
                    }
                    None => {
                        let first = 1 + random.below(400) as u32;
                        next_designation.push((key.clone(), first));
                        first
                    }
                };
                track_isrcs[track_index] = Some(format!("{key}{designation:05}"));
            }
            let slot = usize::from(disc_number.min(2));
            number_on_disc[slot] += 1;
            release_tracks.push(ReleaseTrack { disc_number, track_number: number_on_disc[slot], track: track_index });
        }
        releases.push(Release {
            upc,
            ean13,
            catalog_number: format!("{catalog_prefix}{:03}", release_index + 1),
            title: planned.title,
            artist: planned.artist,
            display_artist: artist.name.clone(),
            date: planned.date,
            format: planned.format,
            tracks: release_tracks,
            distributor: artist.distributor,
        });
    }

    // Popularity: a random order of the tracks, weighted by Zipf rank, so a handful of songs
    // carry the label as in real catalogs.
    let mut ranks: Vec<usize> = (0..planned_tracks.len()).collect();
    random.shuffle(&mut ranks);
    let mut tracks = Vec::with_capacity(planned_tracks.len());
    for (track_index, planned) in planned_tracks.into_iter().enumerate() {
        let isrc = track_isrcs[track_index].clone().context("every planned track is on a release")?;
        let rank = ranks[track_index];
        tracks.push(Track {
            isrc,
            title: planned.title,
            version: planned.version,
            display_artist: planned.display_artist,
            duration_seconds: planned.duration_seconds,
            featured_party: planned.featured_party,
            popularity_per_mille: ZipfTable::weight_per_mille(rank),
        });
    }
    Ok((releases, tracks))
}

/// `body` followed by its GS1 check digit.
pub fn with_check_digit(body: &str) -> Result<String> {
    let check_digit = gs1_check_digit(body).with_context(|| format!("{body} is not a GS1 body"))?;
    Ok(format!("{body}{check_digit}"))
}

/// Another label's release that DSPs report to this label by mistake.
fn unmatched_repertoire(random: &mut Random, first_month: Month) -> Result<(Release, Vec<Track>)> {
    let artist_name = words::band_name(random);
    let release_month = first_month.add_months(-7).context("unmatched release month")?;
    let upc = with_check_digit(&format!("5{:010}", random.below(10_000_000_000)))?;
    let mut tracks = Vec::new();
    let mut release_tracks = Vec::new();
    for number in 0..3u8 {
        tracks.push(Track {
            isrc: format!("USQX9{:02}{:05}", release_month.year().rem_euclid(100), 100 + random.below(90_000)),
            title: words::title(random),
            version: "",
            display_artist: artist_name.clone(),
            duration_seconds: 170 + random.below(100) as u32,
            featured_party: None,
            popularity_per_mille: 120,
        });
        release_tracks.push(ReleaseTrack { disc_number: 1, track_number: number + 1, track: usize::from(number) });
    }
    let release = Release {
        ean13: format!("0{upc}"),
        upc,
        catalog_number: "XQ-0042".to_string(),
        title: words::title(random),
        artist: usize::MAX,
        display_artist: artist_name,
        date: random_day(random, release_month)?,
        format: ReleaseFormat::Ep,
        tracks: release_tracks,
        distributor: Source::Fuga,
    };
    Ok((release, tracks))
}

impl Label {
    /// Releases of one artist, in date order.
    pub fn releases_of(&self, artist: usize) -> impl Iterator<Item = (usize, &Release)> {
        self.releases.iter().enumerate().filter(move |(_, release)| release.artist == artist)
    }
}
