//! DistroKid's two export layouts share most columns; each file must be read with its own
//! mapping (the older one is told apart by `forbidden_columns`).

use ledgerline_formats::registry::Registry;
use ledgerline_formats::report;
use ledgerline_formats::source::open_report;

fn detected_layout(name: &str, text: &str) -> String {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join(name);
    std::fs::write(&path, text).unwrap();
    let parts = open_report(&path, name).unwrap();
    let detection = report::detect::<std::convert::Infallible>(&parts[0], &Registry::built_in(), false).unwrap();
    format!("{}/{}", detection.format.source, detection.format.layout)
}

#[test]
fn older_and_newer_distrokid_exports_are_told_apart() {
    let older = "Reporting Date\tSale Month\tStore\tArtist\tTitle\tISRC\tUPC\tQuantity\tTeam Percentage\tSong/Album\tCountry of Sale\tSongwriter Royalties Withheld\tEarnings (USD)\r\n\
                 2026-04-05\t2026-01\tSpotify\tA\tB\tDEN3M1300109\t014549210073\t12\t100\tSong\tGB\t0.000\t0.0905\r\n";
    assert_eq!(detected_layout("older.tsv", older), "distrokid/bank-details-older");

    let newer = "Date Inserted\tReporting Date\tSale Month\tStore\tArtist\tTitle\tISRC\tUPC\tQuantity\tTeam Percentage\tSource Type\tCountry of Sale\tSongwriter Royalties Withheld (USD)\tEarnings (USD)\tRecoup (USD)\r\n\
                 2026-04-05\t2026-04-01\t2026-01\tSpotify\tA\tB\tDEN3M1300109\t014549210073\t12\t100\tStreaming\tGB\t0.000\t0.0905\t0\r\n";
    assert_eq!(detected_layout("newer.tsv", newer), "distrokid/bank-details");

    // An older-looking file that also has Source Type is not the older layout.
    let mixed = older.replacen("Song/Album", "Song/Album\tSource Type", 1).replacen("\tSong\t", "\tSong\tStreaming\t", 1);
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("mixed.tsv");
    std::fs::write(&path, &mixed).unwrap();
    let parts = open_report(&path, "mixed.tsv").unwrap();
    assert!(report::detect::<std::convert::Infallible>(&parts[0], &Registry::built_in(), false).is_err());
}
