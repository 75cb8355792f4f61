//! What a catalog file says: releases with their tracklists, tracks, parties and aliases.
//!
//! These are plain values, already validated (identifiers, dates, countries), so the code that
//! stores or compares them never checks them again.

use std::fmt;

use ledgerline_model::{CountryCode, Date, Icpn, Isrc};

/// Everything read from one catalog file. Releases, tracks and parties are unique by their key
/// within one `Catalog`; the readers refuse a file that gives one key two different contents.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Catalog {
    pub releases: Vec<Release>,
    pub tracks: Vec<Track>,
    pub parties: Vec<Party>,
    pub aliases: Vec<Alias>,
}

impl Catalog {
    pub fn is_empty(&self) -> bool {
        self.releases.is_empty() && self.tracks.is_empty() && self.parties.is_empty() && self.aliases.is_empty()
    }
}

/// The namespace and value of an identifier that is not an ISRC or an ICPN: a DDEX
/// `ProprietaryId` (namespace = its `Namespace` attribute, often the sender's DPID), a `GRid`,
/// an Apple or YouTube id given in an aliases CSV.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AliasName {
    pub namespace: String,
    pub value: String,
}

impl fmt::Display for AliasName {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{} \"{}\"", self.namespace, self.value)
    }
}

/// How a release is recognised when it is imported again.
///
/// Nearly always its ICPN (UPC/EAN). DDEX ERN messages may identify a release by a GRid or a
/// proprietary id alone (the official ERN 3.8.2 sample does); such a release is stored without
/// an ICPN and found again through that identifier, which is kept as an alias.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReleaseKey {
    Icpn(Icpn),
    Alias(AliasName),
}

impl ReleaseKey {
    pub fn icpn(&self) -> Option<&Icpn> {
        match self {
            ReleaseKey::Icpn(icpn) => Some(icpn),
            ReleaseKey::Alias(_) => None,
        }
    }
}

impl fmt::Display for ReleaseKey {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReleaseKey::Icpn(icpn) => write!(formatter, "{icpn}"),
            ReleaseKey::Alias(name) => write!(formatter, "{name}"),
        }
    }
}

/// A product: an album, EP, single or compilation, with its tracklist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Release {
    pub key: ReleaseKey,
    pub catalog_number: Option<String>,
    pub title: String,
    pub display_artist: Option<String>,
    pub label: Option<String>,
    pub release_date: Option<Date>,
    /// Free text as the source says it: `Album`, `EP`, `Single` (ERN `ReleaseType`).
    pub format: Option<String>,
    /// In disc and track order; positions are unique.
    pub tracklist: Vec<TracklistEntry>,
}

/// One position on a release.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TracklistEntry {
    pub disc_number: u32,
    pub track_number: u32,
    pub isrc: Isrc,
}

impl TracklistEntry {
    /// `1-3` for disc 1, track 3: how positions are named in change reports.
    pub fn position(&self) -> String {
        format!("{}-{}", self.disc_number, self.track_number)
    }
}

/// A sound recording, identified by its ISRC. The same track can be on several releases.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Track {
    pub isrc: Isrc,
    pub title: String,
    pub display_artist: Option<String>,
    pub duration_seconds: Option<u32>,
    /// `Radio Edit`, `Live`, `Remastered 2024`; `None` for the original version.
    pub version: Option<String>,
}

/// What role a party has for the label. Contracts say what each party is paid; the kind is for
/// people reading statements and lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PartyKind {
    Artist,
    BandMember,
    FeaturedArtist,
    Producer,
    Remixer,
    Songwriter,
    Label,
    Other,
}

impl PartyKind {
    pub const ALL: [PartyKind; 8] = [
        PartyKind::Artist,
        PartyKind::BandMember,
        PartyKind::FeaturedArtist,
        PartyKind::Producer,
        PartyKind::Remixer,
        PartyKind::Songwriter,
        PartyKind::Label,
        PartyKind::Other,
    ];

    /// The spelling in CSV files and the database.
    pub fn name(self) -> &'static str {
        match self {
            PartyKind::Artist => "artist",
            PartyKind::BandMember => "band_member",
            PartyKind::FeaturedArtist => "featured_artist",
            PartyKind::Producer => "producer",
            PartyKind::Remixer => "remixer",
            PartyKind::Songwriter => "songwriter",
            PartyKind::Label => "label",
            PartyKind::Other => "other",
        }
    }

    /// Reads a kind in any letter case, with spaces or hyphens for the underscore
    /// (`Band Member`, `band-member`).
    pub fn parse(text: &str) -> Option<PartyKind> {
        let normalised = text.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        PartyKind::ALL.into_iter().find(|kind| kind.name() == normalised)
    }
}

impl fmt::Display for PartyKind {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.name())
    }
}

/// Someone the label pays or deals with: an artist, band member, producer, licensor label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Party {
    /// The label's own id for the party (`P001`); contracts and statements refer to it.
    pub id: String,
    pub name: String,
    pub kind: PartyKind,
    pub email: Option<String>,
    pub country: Option<CountryCode>,
    pub vat_id: Option<String>,
    /// Country where the party is resident for tax, which decides withholding and VAT.
    pub tax_residence: Option<CountryCode>,
}

/// What an alias stands for.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AliasTarget {
    Track(Isrc),
    Release(ReleaseKey),
}

impl fmt::Display for AliasTarget {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AliasTarget::Track(isrc) => write!(formatter, "track {isrc}"),
            AliasTarget::Release(key) => write!(formatter, "release {key}"),
        }
    }
}

/// Another identifier for a track or a release, as a sales report may use it instead of the
/// ISRC or ICPN (a DSP's own track id, a distributor's product id).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Alias {
    pub name: AliasName,
    pub target: AliasTarget,
}

/// The comparable fields of a release, track or party as text, in a fixed order: what change
/// reports and consistency checks compare. `None` is an empty field.
pub(crate) type FieldValues = Vec<(&'static str, Option<String>)>;

impl Release {
    pub(crate) fn field_values(&self) -> FieldValues {
        vec![
            ("catalog_number", self.catalog_number.clone()),
            ("title", Some(self.title.clone())),
            ("display_artist", self.display_artist.clone()),
            ("label", self.label.clone()),
            ("release_date", self.release_date.map(|date| date.to_string())),
            ("format", self.format.clone()),
        ]
    }
}

impl Track {
    pub(crate) fn field_values(&self) -> FieldValues {
        vec![
            ("title", Some(self.title.clone())),
            ("display_artist", self.display_artist.clone()),
            ("duration_seconds", self.duration_seconds.map(|seconds| seconds.to_string())),
            ("version", self.version.clone()),
        ]
    }
}

impl Party {
    pub(crate) fn field_values(&self) -> FieldValues {
        vec![
            ("name", Some(self.name.clone())),
            ("kind", Some(self.kind.name().to_string())),
            ("email", self.email.clone()),
            ("country", self.country.map(|country| country.alpha2().to_string())),
            ("vat_id", self.vat_id.clone()),
            ("tax_residence", self.tax_residence.map(|country| country.alpha2().to_string())),
        ]
    }
}

/// The fields that differ between two value lists of the same kind, as (field, old, new).
pub(crate) fn differing_fields(old: &FieldValues, new: &FieldValues) -> Vec<(&'static str, Option<String>, Option<String>)> {
    old.iter()
        .zip(new.iter())
        .filter(|((_, old_value), (_, new_value))| old_value != new_value)
        .map(|((field, old_value), (_, new_value))| (*field, old_value.clone(), new_value.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn party_kinds_read_back_from_their_names_and_common_spellings() {
        for kind in PartyKind::ALL {
            assert_eq!(PartyKind::parse(kind.name()), Some(kind));
        }
        assert_eq!(PartyKind::parse(" Band Member "), Some(PartyKind::BandMember));
        assert_eq!(PartyKind::parse("featured-artist"), Some(PartyKind::FeaturedArtist));
        assert_eq!(PartyKind::parse("drummer"), None);
    }

    #[test]
    fn differing_fields_lists_only_changes() {
        let old: FieldValues = vec![("title", Some("A".to_string())), ("version", None)];
        let new: FieldValues = vec![("title", Some("A".to_string())), ("version", Some("Live".to_string()))];
        assert_eq!(differing_fields(&old, &new), vec![("version", None, Some("Live".to_string()))]);
    }
}
