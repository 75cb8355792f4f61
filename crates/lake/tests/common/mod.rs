//! Sale lines for the lake's tests.
#![allow(dead_code)]

use ledgerline_formats::{SaleLine, Tier, UsageType};
use ledgerline_model::{Date, Icpn, Isrc, Month, Territory};
use ledgerline_money::{Currency, Decimal};

pub const KEY_A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
pub const KEY_B: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
pub const KEY_C: &str = "ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc0";

/// 10¹⁸ with 12 fractional digits: 1,000,000,000,000,000,000.999999999999.
pub const HUGE_SCALED: i128 = 1_000_000_000_000_000_000_999_999_999_999;

/// Every field populated.
pub fn full_line(line_number: u64) -> SaleLine {
    SaleLine {
        line_number,
        sale_start: Date::new(2026, 7, 1).unwrap(),
        sale_end: Date::new(2026, 7, 31).unwrap(),
        reporting_month: Some(Month::new(2026, 8).unwrap()),
        service: "Spotify".to_string(),
        territory: Territory::parse("DE").unwrap(),
        usage: UsageType::Stream,
        tier: Tier::AdSupported,
        reported_upc: "'880000000008".to_string(),
        reported_isrc: "us-rc1-76-00001".to_string(),
        upc: Some(Icpn::parse("0880000000008").unwrap()),
        isrc: Some(Isrc::parse("USRC17600001").unwrap()),
        catalog_number: "LBL-001".to_string(),
        proprietary_id: "spotify:track:4uLU6hMCjMI75M1A2tKUQC".to_string(),
        release_title: "Ünïcödé Rélease — 東京 🎵".to_string(),
        track_title: "Track \"quoted\", with, commas\tand tab".to_string(),
        artist: "Sigur Rós & Björk".to_string(),
        units: 1_234,
        gross: Some(Decimal::parse("5.123456789012").unwrap()),
        net: Decimal::parse("3.586419752308").unwrap(),
        currency: Currency::EUR,
        original_currency: Some(Currency::parse("SEK").unwrap()),
        fx_rate: Some(Decimal::parse("0.087654321098").unwrap()),
    }
}

/// Every optional field empty, empty strings, worldwide, a return.
pub fn sparse_line(line_number: u64) -> SaleLine {
    SaleLine {
        line_number,
        sale_start: Date::new(1900, 1, 1).unwrap(),
        sale_end: Date::new(2999, 12, 31).unwrap(),
        reporting_month: None,
        service: String::new(),
        territory: Territory::Worldwide,
        usage: UsageType::Other,
        tier: Tier::Other,
        reported_upc: String::new(),
        reported_isrc: String::new(),
        upc: None,
        isrc: None,
        catalog_number: String::new(),
        proprietary_id: String::new(),
        release_title: String::new(),
        track_title: String::new(),
        artist: String::new(),
        units: -3,
        gross: None,
        net: Decimal::from_scaled(-1),
        currency: Currency::JPY,
        original_currency: None,
        fx_rate: None,
    }
}

/// A small, typical line, varied by `index`.
pub fn small_line(index: u64) -> SaleLine {
    let services = ["Spotify", "Apple Music", "YouTube", "Deezer"];
    let territories = ["DE", "FR", "US", "GB", "WW"];
    let index_usize = usize::try_from(index).unwrap();
    SaleLine {
        line_number: index + 1,
        sale_start: Date::new(2026, 7, 1).unwrap(),
        sale_end: Date::new(2026, 7, 31).unwrap(),
        reporting_month: Some(Month::new(2026, 7).unwrap()),
        service: services[index_usize % services.len()].to_string(),
        territory: Territory::parse(territories[index_usize % territories.len()]).unwrap(),
        usage: UsageType::Stream,
        tier: if index.is_multiple_of(3) {
            Tier::Premium
        } else {
            Tier::AdSupported
        },
        reported_upc: String::new(),
        reported_isrc: format!("QZABC26{:05}", index % 1000),
        upc: None,
        isrc: Some(Isrc::parse(&format!("QZABC26{:05}", index % 1000)).unwrap()),
        catalog_number: String::new(),
        proprietary_id: String::new(),
        release_title: format!("Release {}", index % 100),
        track_title: format!("Track {}", index % 1000),
        artist: format!("Artist {}", index % 50),
        units: i64::try_from(index % 17).unwrap() - 1,
        gross: None,
        net: Decimal::from_scaled(i128::from(index) * 3_141_592),
        currency: Currency::EUR,
        original_currency: None,
        fx_rate: None,
    }
}
