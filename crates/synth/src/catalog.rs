//! `catalog/catalog.csv` and `catalog/parties.csv`.

use crate::label::Label;
use crate::text::{Row, TextStyle};

// The layouts are the catalog crate's: what synth writes is by construction what it reads.
use ledgerline_catalog::{CATALOG_COLUMNS, PARTY_COLUMNS};

/// One row per track on a release, releases in date order; returns the bytes and the row count.
pub fn catalog_csv(label: &Label) -> (Vec<u8>, u64) {
    let mut out = Vec::new();
    Row::new(&mut out, TextStyle::CSV).texts(&CATALOG_COLUMNS).end();
    let mut rows = 0;
    for release in &label.releases {
        let release_date = release.date.to_string();
        for release_track in &release.tracks {
            let track = &label.tracks[release_track.track];
            Row::new(&mut out, TextStyle::CSV)
                .text(&release.upc)
                .text(&release.catalog_number)
                .text(&release.title)
                .text(&release.display_artist)
                .text(&label.name)
                .text(&release_date)
                .text(release.format.name())
                .integer(i64::from(release_track.disc_number))
                .integer(i64::from(release_track.track_number))
                .text(&track.isrc)
                .text(&track.title)
                .text(&track.display_artist)
                .integer(i64::from(track.duration_seconds))
                .text(track.version)
                .end();
            rows += 1;
        }
    }
    (out, rows)
}

pub fn parties_csv(label: &Label) -> (Vec<u8>, u64) {
    let mut out = Vec::new();
    Row::new(&mut out, TextStyle::CSV).texts(&PARTY_COLUMNS).end();
    for party in &label.parties {
        Row::new(&mut out, TextStyle::CSV)
            .text(&party.id)
            .text(&party.name)
            .text(party.kind.name())
            .text(&party.email)
            .text(party.country)
            .text(party.vat_id.as_deref().unwrap_or(""))
            .text(party.tax_residence)
            .end();
    }
    (out, label.parties.len() as u64)
}
