//! The profiles and variants DDEX's public samples do not cover: Part 9 (SY10 + SR08),
//! single-record Basic Audio (SR02 + SRFO), multi-file Basic Audio, UGC blocks with usages
//! but no SU03, and a file that changes between the two reads.

use std::cell::Cell;
use std::io::Cursor;

use ledgerline_formats::dsr::{self, DsrError, DsrReport};
use ledgerline_formats::{SaleLine, Tier, UsageType};
use ledgerline_money::{Currency, Decimal};

const FILE: &str = "report.tsv";

fn head(profile: &str, version: &str, file_number: &str, number_of_files: &str) -> String {
    [
        "HEAD",
        "dsrf/1.4/1.4.1/1.4",
        profile,
        version,
        "M1",
        "2026-02-05T06:00:00Z",
        file_number,
        number_of_files,
        "2026-01-01",
        "2026-01-31",
        "PADPIDA2008101601S",
        "Spotify",
        "",
        "PADPIDA0000000002X",
        "Label",
        "",
    ]
    .join("\t")
}

/// A row of `width` cells, RecordType first, with the given 1-based columns filled.
fn sparse_row(width: usize, cells: &[(usize, &str)]) -> String {
    let mut row = vec![""; width];
    for (column, value) in cells {
        row[column - 1] = value;
    }
    row.join("\t")
}

fn text(rows: &[String]) -> String {
    let mut text = rows.join("\n");
    text.push('\n');
    text
}

fn parse_text(text: &str) -> (DsrReport, Vec<SaleLine>) {
    let bytes = text.as_bytes().to_vec();
    let mut open = || Ok(Cursor::new(bytes.clone()));
    let mut lines: Vec<SaleLine> = Vec::new();
    match dsr::parse(&mut open, FILE, &mut lines) {
        Ok(report) => (report, lines),
        Err(error) => panic!("{error}"),
    }
}

fn messages(report: &DsrReport) -> Vec<String> {
    report.summary.diagnostics.iter().map(ToString::to_string).collect()
}

fn decimal(text: &str) -> Decimal {
    Decimal::parse(text).unwrap()
}

fn financial_summary(allocated_net_revenue: &str) -> String {
    sparse_row(
        46,
        &[
            (1, "SY10.01"),
            (2, "S1"),
            (3, "Spotify"),
            (5, "SubscriptionModel"),
            (6, "OnDemandStream"),
            (7, "2026-01-01"),
            (8, "2026-01-15"),
            (13, "FR"),
            (14, "Premium"),
            (17, "300"),
            (18, "300"),
            (19, "2"),
            (21, "USD"),
            (22, "EUR"),
            (23, "0.9"),
            (38, allocated_net_revenue),
        ],
    )
}

fn financial_sale(transaction: &str, isrc: &str, usages: &str, returns: &str, money: &str) -> String {
    sparse_row(
        48,
        &[
            (1, "SR08"),
            (2, transaction),
            (4, "0880000000008"),
            (5, "DSPREL"),
            (6, "LBL-CAT-7"),
            (10, "The Album"),
            (12, "The Band"),
            (14, isrc),
            (16, "DSPRES"),
            (21, "The Song"),
            (25, "S1"),
            (26, "2026-01-10"),
            (27, usages),
            (28, returns),
            (47, money),
        ],
    )
}

#[test]
fn part_9_money_is_per_row_in_the_currency_of_accounting() {
    let rows = vec![
        head("FinancialReportingToRecordCompaniesProfileSRB", "1.0", "1", "1"),
        financial_summary("12.5"),
        financial_sale("T1", "FRAAA2600001", "100", "0", "5.0"),
        financial_sale("T2", "FRAAA2600002", "200", "2", "7.5"),
        "SRFO\t5\t1".to_string(),
    ];
    let (report, lines) = parse_text(&text(&rows));
    assert_eq!(messages(&report), Vec::<String>::new());
    assert_eq!(report.format.to_string(), "ddex-dsr/FinancialReportingToRecordCompaniesProfileSRB/1.0");
    assert_eq!(lines.len(), 2);
    let second = &lines[1];
    assert_eq!((second.units, second.net, second.currency), (198, decimal("7.5"), Currency::EUR));
    assert_eq!((second.original_currency, second.fx_rate), (Some(Currency::USD), Some(decimal("0.9"))));
    assert_eq!((second.usage, second.tier), (UsageType::Stream, Tier::Premium));
    // The SY10 reporting period overrides HEAD's.
    assert_eq!(
        (second.sale_start.to_string(), second.sale_end.to_string()),
        ("2026-01-01".into(), "2026-01-15".into())
    );
    assert_eq!(second.isrc.as_ref().map(|isrc| isrc.as_str()), Some("FRAAA2600002"));
    assert_eq!((second.catalog_number.as_str(), second.proprietary_id.as_str()), ("LBL-CAT-7", "DSPRES"));
    assert_eq!(
        (second.release_title.as_str(), second.track_title.as_str(), second.artist.as_str()),
        ("The Album", "The Song", "The Band")
    );
    assert_eq!(second.service, "Spotify");

    let mut rows = rows;
    rows[1] = financial_summary("12.6");
    let (report, _) = parse_text(&text(&rows));
    assert_eq!(
        messages(&report),
        ["report.tsv: error: summary record S1 (line 2) states AllocatedNetRevenueInCurrencyOfAccounting 12.6 EUR, but its usage rows total 12.5 EUR; difference 0.1 EUR (column \"AllocatedNetRevenueInCurrencyOfAccounting\", value \"12.6\")"]
    );
}

fn single_record_stream(summary: &str, isrc: &str, streams: &str) -> String {
    sparse_row(
        39,
        &[
            (1, "SR02"),
            (2, summary),
            (3, "DSPRES"),
            (4, isrc),
            (5, "Song"),
            (7, "Singer"),
            (21, "DSPREL"),
            (23, "CAT-9"),
            (24, "0880000000008"),
            (25, "Singer"),
            (27, "Record"),
            (34, "true"),
            (35, streams),
        ],
    )
}

#[test]
fn single_record_basic_audio_allocates_like_blocks() {
    let rows = vec![
        head("BasicAudioProfileSRB", "1.2", "1", "1"),
        "SY01.02\tS1\tDeezer\t\tAdvertisementSupportedModel\tStream\tBE\tFree\t4\t\tEUR\t1\t\tEUR\t1".to_string(),
        single_record_stream("S1", "BEAAA2600001", "1"),
        single_record_stream("S1", "BEAAA2600002", "3"),
        "SRFO\t5\t1".to_string(),
    ];
    let (report, lines) = parse_text(&text(&rows));
    assert_eq!(messages(&report), Vec::<String>::new());
    assert_eq!(report.format.to_string(), "ddex-dsr/BasicAudioProfileSRB/1.2");
    let nets: Vec<Decimal> = lines.iter().map(|line| line.net).collect();
    assert_eq!(nets, [decimal("0.25"), decimal("0.75")]);
    assert_eq!((lines[0].tier, lines[0].service.as_str()), (Tier::AdSupported, "Deezer"));
    assert_eq!(
        (lines[1].upc.as_ref().map(|upc| upc.as_str()), lines[1].catalog_number.as_str()),
        (Some("0880000000008"), "CAT-9")
    );
}

fn multi_file_part(file_number: &str, streams: &[&str]) -> String {
    let mut rows = vec![
        head("BasicAudioProfile", "1.3", file_number, "2"),
        "SY01.02\tS1\tSpotify\t\tSubscriptionModel\tOnDemandStream\tGB\tPremium\t40\t\tGBP\t100\t\tGBP\t1".to_string(),
        "RE01.02\t1\tR1\tDSPREL\t\t\t0880000000008\tArtist\t\tAlbum".to_string(),
        "AS01.02\t1\tA1\tDSPRES\tGBAAA2600001\tSong\t\tArtist".to_string(),
    ];
    for streams in streams {
        rows.push(format!("SU02.02\t1\tS1\tT\t\tA1\tTRUE\t{streams}"));
    }
    let lines = rows.len() + 1;
    // Only the last file carries the report's totals.
    if file_number == "2" {
        rows.push(format!("FOOT\t{lines}\t{}\t1\t1\t2", lines + 7));
    } else {
        rows.push(format!("FOOT\t{lines}\t\t1\t1\t"));
    }
    text(&rows)
}

#[test]
fn multi_file_basic_audio_shares_follow_total_usages() {
    // S1: NetRevenue 100 GBP for TotalUsages 40 over the whole report; file 1 has 10 + 20
    // streams, file 2 has 10. Against TotalUsages the shares are 25, 50 and 25.
    let (first, first_lines) = parse_text(&multi_file_part("1", &["10", "20"]));
    let (second, second_lines) = parse_text(&multi_file_part("2", &["10"]));
    let nets: Vec<Decimal> = first_lines.iter().chain(&second_lines).map(|line| line.net).collect();
    assert_eq!(nets, [decimal("25"), decimal("50"), decimal("25")]);
    assert_eq!((first.header.file_number, first.header.number_of_files, first.header.is_last_file()), (1, 2, false));
    assert!(second.header.is_last_file());
    assert_eq!(second.footer.as_ref().and_then(|footer| footer.lines_in_report), Some(13));
    assert_eq!(
        messages(&first),
        ["report.tsv: warning: file 1 of a 2-file report: each summary's NetRevenue covers every file, so rows receive their share of it against the summary's TotalUsages; the report's totals are checked over all its files when the last of them is imported"]
    );
    // The importer adds the files' summary totals up to check the report.
    let usages: i128 = [&first, &second].iter().map(|report| report.summary_records[0].usages).sum();
    assert_eq!(usages, 40);
}

#[test]
fn ugc_release_usages_become_lines_only_without_su03() {
    let rows = vec![
        head("UgcProfile", "1.2", "1", "1"),
        "SY02.02\t1\t\t\tAdvertisementSupportedModel\tStream\tUS\tYouTube\t60\t\tUSD\t1.5".to_string(),
        "AS01.01\t1\tA1\tVID1\tUSAAA2600001\tSong One\t\tArtist".to_string(),
        "RU01.01\t1\t1\tv1|v2\t7|3\tMusic".to_string(),
        "SU03.02\t1\tU1\t1\tVID1\t10\t1.5".to_string(),
        "LI01.02\t1\t1\tLabel\t\t\t100\tMakingAvailableRight\t1.5\t1.5".to_string(),
        "AS01.01\t2\tA2\tVID2\tUSAAA2600002\tSong Two\t\tArtist".to_string(),
        "RU01.01\t2\t1\tv3|v4|v5\t40|5|5\tMusic".to_string(),
        "FOOT\t9\t9\t1\t2\t2".to_string(),
    ];
    let (report, lines) = parse_text(&text(&rows));
    assert_eq!(messages(&report), Vec::<String>::new());
    assert_eq!(lines.len(), 2);
    assert_eq!((lines[0].line_number, lines[0].units, lines[0].net), (5, 10, decimal("1.5")));
    // Block 2 reports usages by video only: one line, the usages summed, no money.
    assert_eq!((lines[1].line_number, lines[1].units, lines[1].net), (8, 50, Decimal::ZERO));
    assert_eq!((lines[1].usage, lines[1].track_title.as_str()), (UsageType::Ugc, "Song Two"));
}

#[test]
fn a_file_that_changes_between_the_two_reads_is_refused() {
    let original = multi_file_part("2", &["10"]).replace("\t2\t2\t2026", "\t1\t1\t2026");
    let changed = original.replace("TRUE\t10", "TRUE\t11");
    let calls = Cell::new(0);
    let mut open = || {
        calls.set(calls.get() + 1);
        Ok(Cursor::new(if calls.get() == 1 { original.clone() } else { changed.clone() }))
    };
    let mut lines: Vec<SaleLine> = Vec::new();
    let error = dsr::parse(&mut open, FILE, &mut lines).unwrap_err();
    assert!(matches!(error, DsrError::ChangedBetweenPasses { .. }));
    assert_eq!(
        error.to_string(),
        "report.tsv: the report changed between its two reads (the rows of summary record S1 differ); import it from a copy that does not change"
    );
    assert_eq!(calls.get(), 2);
}

#[test]
fn records_after_the_footer_are_errors() {
    let mut text = multi_file_part("2", &["10"]).replace("\t2\t2\t2026", "\t1\t1\t2026");
    text.push_str("SU02.02\t1\tS1\tT\t\tA1\tTRUE\t5\n");
    let (report, lines) = parse_text(&text);
    assert_eq!(lines.len(), 1);
    assert_eq!(report.summary.rejected, 1);
    assert!(messages(&report).contains(
        &"report.tsv:7: error: record SU02.02 after the footer; a DSR file ends with its footer".to_string()
    ));
}
