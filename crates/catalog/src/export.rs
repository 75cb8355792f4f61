//! Writing the stored catalog back out as a catalog CSV, the same layout the importer reads.

use ledgerline_store::Ledger;

use crate::csv_layouts::CATALOG_COLUMNS;

/// Why the catalog could not be exported.
#[derive(Debug, thiserror::Error)]
pub enum CatalogExportError {
    #[error("the catalog in the ledger database cannot be read")]
    Database(#[from] rusqlite::Error),
    #[error("the catalog CSV cannot be written: {0}")]
    Writing(String),
}

/// The whole catalog as a catalog CSV: one row per track on a release, a release without
/// tracks as one row with empty track columns.
///
/// Rows are sorted by release ICPN, then disc and track number; releases without an ICPN (known
/// only by a GRid or proprietary id, from ERN) come last, by title, with an empty
/// `release_upc`. The output depends only on the stored catalog, so exporting, importing that
/// file and exporting again gives the same bytes. Tracks on no release have no row (the layout
/// has no place for them).
pub fn export_catalog(ledger: &Ledger) -> Result<String, CatalogExportError> {
    let mut statement = ledger.connection().prepare(
        "SELECT releases.icpn, releases.catalog_number, releases.title, releases.display_artist, releases.label,
                releases.release_date, releases.format,
                release_tracks.disc_number, release_tracks.track_number,
                tracks.isrc, tracks.title, tracks.display_artist, tracks.duration_seconds, tracks.version
         FROM releases
         LEFT JOIN release_tracks ON release_tracks.release_id = releases.id
         LEFT JOIN tracks ON tracks.id = release_tracks.track_id
         ORDER BY releases.icpn IS NULL, releases.icpn, releases.title, releases.id,
                  release_tracks.disc_number, release_tracks.track_number",
    )?;
    let text = |value: Option<String>| value.unwrap_or_default();
    let number = |value: Option<i64>| value.map(|number| number.to_string()).unwrap_or_default();
    let rows = statement.query_map([], |row| {
        Ok([
            text(row.get(0)?),
            text(row.get(1)?),
            text(row.get(2)?),
            text(row.get(3)?),
            text(row.get(4)?),
            text(row.get(5)?),
            text(row.get(6)?),
            number(row.get(7)?),
            number(row.get(8)?),
            text(row.get(9)?),
            text(row.get(10)?),
            text(row.get(11)?),
            number(row.get(12)?),
            text(row.get(13)?),
        ])
    })?;
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    let writing = |error: csv::Error| CatalogExportError::Writing(error.to_string());
    writer.write_record(CATALOG_COLUMNS).map_err(writing)?;
    for row in rows {
        writer.write_record(row?).map_err(writing)?;
    }
    let bytes = writer.into_inner().map_err(|error| CatalogExportError::Writing(error.to_string()))?;
    // Every field came from a Rust `String`, so the bytes are UTF-8.
    String::from_utf8(bytes).map_err(|error| CatalogExportError::Writing(error.to_string()))
}
