//! The normalized sale line: what every parser produces, whatever the source looked like.

use ledgerline_model::{Date, Icpn, Isrc, Month, Territory};
use ledgerline_money::{Currency, Decimal};

/// How the work was used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UsageType {
    Stream,
    Download,
    Physical,
    /// User-generated content: YouTube Content ID, TikTok, Instagram.
    Ugc,
    Other,
}

/// The commercial tier of a stream or sale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tier {
    Premium,
    AdSupported,
    Trial,
    Other,
}

impl UsageType {
    pub fn name(self) -> &'static str {
        match self {
            UsageType::Stream => "stream",
            UsageType::Download => "download",
            UsageType::Physical => "physical",
            UsageType::Ugc => "ugc",
            UsageType::Other => "other",
        }
    }
}

impl Tier {
    pub fn name(self) -> &'static str {
        match self {
            Tier::Premium => "premium",
            Tier::AdSupported => "ad-supported",
            Tier::Trial => "trial",
            Tier::Other => "other",
        }
    }
}

/// One line of a sales report, normalized.
///
/// Identifiers are kept twice: as reported (the raw text, for audit and for the unmatched
/// queue) and as validated (`None` when the report left the cell empty or the value is not a
/// valid code). Amounts are exact; `net` is what the label receives for the line.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SaleLine {
    /// Physical line in the (decompressed, decoded) file, counting from 1.
    pub line_number: u64,
    pub sale_start: Date,
    pub sale_end: Date,
    /// The statement month the source reported the line in, when the source says.
    pub reporting_month: Option<Month>,
    /// The store or platform (Spotify, Apple Music, YouTube…), as the source names it.
    pub service: String,
    pub territory: Territory,
    pub usage: UsageType,
    pub tier: Tier,
    pub reported_upc: String,
    pub reported_isrc: String,
    pub upc: Option<Icpn>,
    pub isrc: Option<Isrc>,
    /// Catalog number or the source's own product/asset id, for alias matching.
    pub catalog_number: String,
    pub proprietary_id: String,
    pub release_title: String,
    pub track_title: String,
    pub artist: String,
    /// Units sold or streamed; returns are negative.
    pub units: i64,
    pub gross: Option<Decimal>,
    pub net: Decimal,
    pub currency: Currency,
    /// When the source converted: the currency the sale was made in and the rate it used.
    pub original_currency: Option<Currency>,
    pub fx_rate: Option<Decimal>,
}

/// The text fields of a sale line taken out of a line read before: reading lines one after
/// another refills them instead of allocating eight strings per line.
#[derive(Debug, Default)]
pub struct TextBuffers {
    pub service: String,
    pub reported_upc: String,
    pub reported_isrc: String,
    pub catalog_number: String,
    pub proprietary_id: String,
    pub release_title: String,
    pub track_title: String,
    pub artist: String,
}

impl TextBuffers {
    /// The buffers of `line`, or empty ones.
    pub fn recycle(line: Option<SaleLine>) -> TextBuffers {
        let Some(line) = line else {
            return TextBuffers::default();
        };
        TextBuffers {
            service: line.service,
            reported_upc: line.reported_upc,
            reported_isrc: line.reported_isrc,
            catalog_number: line.catalog_number,
            proprietary_id: line.proprietary_id,
            release_title: line.release_title,
            track_title: line.track_title,
            artist: line.artist,
        }
    }
}
