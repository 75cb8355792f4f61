//! Hand-made DSR files: each bad input gives the exact message, naming file, line and column;
//! and the profiles and variants the DDEX samples do not cover (Part 9, single-record Basic
//! Audio, multi-file reports, UGC usage-only blocks) read as documented.

use std::io::Cursor;

use ledgerline_formats::dsr::{self, DsrError, DsrReport};
use ledgerline_formats::{SaleLine, UsageType};
use ledgerline_money::{Currency, Decimal};

const FILE: &str = "report.tsv";

fn head(profile: &str, file_number: &str, number_of_files: &str) -> String {
    [
        "HEAD",
        "dsrf/1.4/1.4.1/1.4",
        profile,
        "1.3",
        "M1",
        "2026-02-05T06:00:00Z",
        file_number,
        number_of_files,
        "2026-01-01",
        "2026-01-31",
        "PADPIDA2008101601S",
        "Spotify",
        "Spotify Premium",
        "PADPIDA0000000002X",
        "Label",
        "",
    ]
    .join("\t")
}

/// The rows, one a line, LF-terminated.
fn text(rows: &[String]) -> String {
    let mut text = rows.join("\n");
    text.push('\n');
    text
}

fn row(cells: &[&str]) -> String {
    cells.join("\t")
}

/// Appends a FOOT whose counts are right: every line (FOOT included), the SY rows, `blocks`.
fn with_foot(mut rows: Vec<String>, blocks: u64) -> Vec<String> {
    let lines = rows.len() + 1;
    let summaries = rows.iter().filter(|row| row.starts_with("SY")).count();
    rows.push(format!("FOOT\t{lines}\t{lines}\t{summaries}\t{blocks}\t{blocks}"));
    rows
}

fn parse_text(text: &str) -> Result<(DsrReport, Vec<SaleLine>), DsrError<std::convert::Infallible>> {
    let bytes = text.as_bytes().to_vec();
    let mut open = || Ok(Cursor::new(bytes.clone()));
    let mut lines: Vec<SaleLine> = Vec::new();
    let report = dsr::parse(&mut open, FILE, &mut lines)?;
    Ok((report, lines))
}

fn parse_ok(text: &str) -> (DsrReport, Vec<SaleLine>) {
    match parse_text(text) {
        Ok(parsed) => parsed,
        Err(error) => panic!("{error}"),
    }
}

fn messages(report: &DsrReport) -> Vec<String> {
    report.summary.diagnostics.iter().map(ToString::to_string).collect()
}

fn decimal(text: &str) -> Decimal {
    Decimal::parse(text).unwrap()
}

fn subscription_summary(id: &str, territory: &str, currency: &str, net_revenue: &str, total_usages: &str) -> String {
    row(&[
        "SY01.02",
        id,
        "Spotify",
        "PADPIDA2008101601S",
        "SubscriptionModel",
        "OnDemandStream",
        territory,
        "Spotify Premium",
        total_usages,
        "1000",
        currency,
        net_revenue,
        "0",
        currency,
        "1",
    ])
}

fn release(block: &str, icpn: &str, title: &str) -> String {
    row(&[
        "RE01.02",
        block,
        "R1",
        "DSPREL1",
        "",
        "CAT-1",
        icpn,
        "The Artist",
        "",
        title,
        "",
        "Album",
        "Label",
        "",
        "",
        "",
    ])
}

fn resource(block: &str, reference: &str, isrc: &str, title: &str) -> String {
    row(&[
        "AS01.02",
        block,
        reference,
        &format!("DSP-{reference}"),
        isrc,
        title,
        "",
        "The Artist",
        "",
        "PT3M",
        "SoundRecording",
        "true",
    ])
}

fn stream(block: &str, summary: &str, resource: &str, streams: &str) -> String {
    row(&["SU02.02", block, summary, "T1", "", resource, "TRUE", streams, "", "", "OnDemandStream"])
}

/// A correct Basic Audio file: two summary records, one block of two tracks.
fn basic_audio_rows() -> Vec<String> {
    vec![
        head("BasicAudioProfile", "1", "1"),
        "#SY01.02\tSummaryRecordId\t…".to_string(),
        subscription_summary("S1", "GB", "GBP", "100.00", "30"),
        subscription_summary("S2", "DE", "EUR", "9", "9"),
        release("1", "0880000000008", "First Album"),
        resource("1", "A1", "GBAAA2600001", "Track One"),
        resource("1", "A2", "GBAAA2600002", "Track Two"),
        stream("1", "S1", "A1", "10"),
        stream("1", "S1", "A2", "20"),
        stream("1", "S2", "A1", "9"),
    ]
}

#[test]
fn a_correct_basic_audio_file_has_no_diagnostics() {
    let (report, lines) = parse_ok(&text(&with_foot(basic_audio_rows(), 1)));
    assert_eq!(messages(&report), Vec::<String>::new());
    assert_eq!(report.summary.lines, 3);
    // 100 GBP over 10 and 20 streams: 33.333333333333⅓ and 66.666666666666⅔; the one leftover
    // unit goes to the larger remainder (the second row).
    assert_eq!(lines[0].net, decimal("33.333333333333"));
    assert_eq!(lines[1].net, decimal("66.666666666667"));
    assert_eq!((lines[2].net, lines[2].currency), (decimal("9"), Currency::EUR));
    assert_eq!(lines[0].upc.as_ref().map(|upc| upc.as_str()), Some("0880000000008"));
    assert_eq!(lines[0].catalog_number, "CAT-1");
    assert_eq!(lines[1].isrc.as_ref().map(|isrc| isrc.as_str()), Some("GBAAA2600002"));
    assert_eq!(report.summary.totals[&Currency::GBP].net, decimal("100"));
}

#[test]
fn no_head_is_not_a_dsr_file() {
    let rows = vec!["# a comment".to_string(), "".to_string(), subscription_summary("S1", "GB", "GBP", "1", "1")];
    let error = parse_text(&text(&rows)).unwrap_err();
    assert_eq!(
        error.to_string(),
        "report.tsv: not a DDEX DSR flat file: the first record, on line 3, is \"SY01.02\", not HEAD"
    );
    assert_eq!(parse_text("").unwrap_err().to_string(), "report.tsv: not a DDEX DSR flat file: the file is empty");
}

#[test]
fn missing_foot_means_truncated() {
    let mut rows = basic_audio_rows();
    // Cut in the middle of the last block, as a failed download would.
    rows.truncate(8);
    let (report, lines) = parse_ok(&text(&rows));
    assert_eq!(lines.len(), 1);
    assert_eq!(
        messages(&report),
        ["report.tsv: error: the file ends at line 8 without a FOOT record: it is truncated or incomplete"]
    );
}

#[test]
fn wrong_foot_line_count_is_a_warning() {
    let mut rows = with_foot(basic_audio_rows(), 1);
    let foot = rows.pop().unwrap();
    rows.push(foot.replacen("FOOT\t11\t11", "FOOT\t12\t11", 1));
    let (report, lines) = parse_ok(&text(&rows));
    assert_eq!(lines.len(), 3);
    assert_eq!(
        messages(&report),
        ["report.tsv:11:2: warning: FOOT NumberOfLinesInFile is 12, but the file has 11 lines (column \"NumberOfLinesInFile\", value \"12\")"]
    );
    assert!(!report.summary.has_errors());
}

fn ugc_rows(su03_net_revenues: [&str; 2]) -> Vec<String> {
    vec![
        head("UgcProfile", "1", "1"),
        row(&[
            "SY02.02",
            "1",
            "",
            "",
            "AdvertisementSupportedModel",
            "Stream",
            "Worldwide",
            "YouTube music",
            "900",
            "",
            "USD",
            "5.00",
            "Label",
            "",
            "",
            "",
            "",
            "",
            "Music",
        ]),
        resource("1", "A1", "USAAA2600001", "Song"),
        row(&[
            "SU03.02",
            "1",
            "U1",
            "1",
            "DSP-A1",
            "500",
            su03_net_revenues[0],
            "2026-01-01",
            "2026-01-31",
            "Music",
            "true",
        ]),
        row(&[
            "SU03.02",
            "1",
            "U2",
            "1",
            "DSP-A1",
            "400",
            su03_net_revenues[1],
            "2026-01-01",
            "2026-01-31",
            "Music",
            "true",
        ]),
    ]
}

#[test]
/// A UGC summary states the service's revenue shared by every rights controller, so a difference
/// is reported as a warning, not as a control-total failure.
fn ugc_money_that_does_not_reconcile_is_a_warning() {
    let (report, lines) = parse_ok(&text(&with_foot(ugc_rows(["2.50", "2.50"]), 1)));
    assert_eq!(messages(&report), Vec::<String>::new());
    assert_eq!((lines[0].territory.alpha2(), lines[0].usage), ("WW", UsageType::Ugc));
    assert_eq!(lines[0].service, "YouTube music");

    let (report, lines) = parse_ok(&text(&with_foot(ugc_rows(["2.50", "2.49"]), 1)));
    assert_eq!(lines.len(), 2);
    assert_eq!(
        messages(&report),
        ["report.tsv:2:12: warning: summary record 1 (line 2) states NetRevenue 5 USD, but its usage rows total 4.99 USD; difference 0.01 USD (column \"NetRevenue\", value \"5.00\")"]
    );
    let diagnostic = &report.summary.diagnostics[0];
    assert_eq!(
        (diagnostic.line, diagnostic.column, diagnostic.column_name.as_deref()),
        (2, Some(12), Some("NetRevenue"))
    );
}

#[test]
fn a_refused_ugc_row_explains_the_missing_money_itself() {
    // The second row's usages are not a number: the row is refused, and the summary's total
    // still reconciles once the refused row's money is counted, so the only error is the row's
    // own (which --skip-bad-rows may pass).
    let mut rows = ugc_rows(["2.50", "2.50"]);
    rows[4] = rows[4].replace("\t400\t", "\tfour hundred\t");
    let (report, lines) = parse_ok(&text(&with_foot(rows, 1)));
    assert_eq!(lines.len(), 1);
    assert_eq!(
        messages(&report),
        [
            "report.tsv:5:6: error: \"four hundred\" is not a decimal number: unexpected 'f' at character 1 (column \"Usages\", value \"four hundred\")",
            "report.tsv:2:9: warning: summary record 1 states TotalUsages 900, but the usage rows pointing to it have 500 usages (column \"TotalUsages\", value \"900\")",
        ]
    );
}

#[test]
fn bad_isrc_cell_is_an_error_at_its_cell() {
    let mut rows = basic_audio_rows();
    rows[5] = resource("1", "A1", "GB-AAA-26-0001", "Track One");
    let (report, lines) = parse_ok(&text(&with_foot(rows, 1)));
    assert_eq!(
        messages(&report),
        ["report.tsv:6:5: error: ISRC \"GB-AAA-26-0001\" has 11 characters not counting hyphens; an ISRC has 12 (CC-XXX-YY-NNNNN) (column \"ResourceISRC\", value \"GB-AAA-26-0001\")"]
    );
    // The line keeps the reported text for matching, and its money: skipping bad rows loses
    // nothing.
    assert_eq!((lines[0].reported_isrc.as_str(), lines[0].isrc.is_none()), ("GB-AAA-26-0001", true));
    assert_eq!(report.summary.rejected, 0);
    assert_eq!(report.summary.totals[&Currency::GBP].net, decimal("100"));
}

#[test]
fn bad_decimal_in_net_revenue_refuses_the_summary_and_its_rows() {
    let mut rows = basic_audio_rows();
    rows[2] = subscription_summary("S1", "GB", "GBP", "100,00", "30");
    let (report, lines) = parse_ok(&text(&with_foot(rows, 1)));
    assert_eq!(
        messages(&report),
        [
            "report.tsv:3:12: error: \"100,00\" is not a decimal number: unexpected ',' at character 4 (column \"NetRevenue\", value \"100,00\")",
            "report.tsv:8:3: error: summary record S1 (line 3) has errors, so rows pointing to it cannot be read (column \"SummaryRecordId\", value \"S1\")",
            "report.tsv:9:3: error: summary record S1 (line 3) has errors, so rows pointing to it cannot be read (column \"SummaryRecordId\", value \"S1\")",
        ]
    );
    assert_eq!(report.summary.rejected, 2);
    assert_eq!(lines.len(), 1);
}

#[test]
fn unknown_currency_is_an_error() {
    let mut rows = basic_audio_rows();
    rows[3] = subscription_summary("S2", "DE", "EUX", "9", "9");
    let (report, lines) = parse_ok(&text(&with_foot(rows, 1)));
    assert_eq!(
        messages(&report)[0],
        "report.tsv:4:11: error: unknown currency \"EUX\"; expected an ISO 4217 code such as EUR, USD or GBP (column \"CurrencyOfReporting\", value \"EUX\")"
    );
    assert_eq!(report.summary.rejected, 1);
    assert_eq!(lines.len(), 2);
}

#[test]
fn usage_row_pointing_to_an_undefined_summary_record_is_refused() {
    let mut rows = basic_audio_rows();
    rows[9] = stream("1", "S3", "A1", "9");
    let (report, lines) = parse_ok(&text(&with_foot(rows, 1)));
    assert_eq!(
        messages(&report),
        [
            "report.tsv:10:3: error: no summary record has this SummaryRecordId (column \"SummaryRecordId\", value \"S3\")",
            "report.tsv:4:9: warning: summary record S2 states TotalUsages 9, but the usage rows pointing to it have 0 usages (column \"TotalUsages\", value \"9\")",
            // Money left unallocated is a control-total failure of the whole file: line 0, so
            // the importer refuses it even with --skip-bad-rows.
            "report.tsv: error: NetRevenue 9 EUR of summary record S2 (line 4) is not allocated: no usage rows point to it (column \"NetRevenue\", value \"9\")",
        ]
    );
    assert_eq!((report.summary.rejected, lines.len()), (1, 2));
}

#[test]
fn escaped_tab_inside_a_title_is_data() {
    let mut rows = basic_audio_rows();
    rows[5] = resource("1", "A1", "GBAAA2600001", "Left\\\tRight");
    rows[6] = resource("1", "A2", "GBAAA2600002", "Pipe\\\\|and\\\\\\backslash \"quoted\"");
    let (report, lines) = parse_ok(&text(&with_foot(rows, 1)));
    assert_eq!(messages(&report), Vec::<String>::new());
    assert_eq!(lines[0].track_title, "Left\tRight");
    assert_eq!(lines[0].isrc.as_ref().map(|isrc| isrc.as_str()), Some("GBAAA2600001"));
    assert_eq!(lines[1].track_title, "Pipe|and\\backslash \"quoted\"");
}

#[test]
fn reference_to_a_resource_outside_the_block_is_refused() {
    let mut rows = basic_audio_rows();
    rows[8] = stream("1", "S1", "A9", "20");
    let (report, lines) = parse_ok(&text(&with_foot(rows, 1)));
    assert_eq!(
        messages(&report)[0],
        "report.tsv:9:6: error: block 1 has no resource with this ResourceReference (column \"TransactedResource\", value \"A9\")"
    );
    // The refused row takes no share: S1's 100 GBP all goes to the remaining row.
    assert_eq!((lines.len(), lines[0].net), (2, decimal("100")));
    assert_eq!(report.summary.rejected, 1);
}

#[test]
fn bad_count_and_boolean_cells_are_refused_with_their_column() {
    let mut rows = basic_audio_rows();
    rows[7] = stream("1", "S1", "A1", "10.5");
    rows[8] = row(&["SU02.02", "1", "S1", "T2", "", "A2", "maybe", "20"]);
    let (report, _) = parse_ok(&text(&with_foot(rows, 1)));
    assert_eq!(
        messages(&report)[..2],
        [
            "report.tsv:8:8: error: \"10.5\" is not a whole number (column \"NumberOfStreams\", value \"10.5\")",
            "report.tsv:9:7: error: is not a boolean (true or false) (column \"IsRoyaltyBearing\", value \"maybe\")",
        ]
    );
}

#[test]
fn unknown_record_types_are_counted_and_warned_once() {
    let mut rows = basic_audio_rows();
    rows.insert(7, row(&["ZZ99.01", "1", "x"]));
    rows.insert(8, row(&["ZZ99.01", "1", "y"]));
    let (report, lines) = parse_ok(&text(&with_foot(rows, 1)));
    assert_eq!(lines.len(), 3);
    assert_eq!(report.unknown_record_types.get("ZZ99.01"), Some(&2));
    assert_eq!(
        messages(&report),
        ["report.tsv:8: warning: 2 records of unknown type ZZ99.01 ignored (first on line 8)"]
    );
}

#[test]
fn unsupported_profile_and_bad_head_cells_are_refused() {
    let rows = vec![head("AudioVisualProfile", "1", "1")];
    assert_eq!(
        parse_text(&text(&rows)).unwrap_err().to_string(),
        "report.tsv:1: DSR profile \"AudioVisualProfile\" is not supported; Ledgerline reads BasicAudioProfile, BasicAudioProfileSRB, UgcProfile and FinancialReportingToRecordCompaniesProfileSRB"
    );
    let rows = vec![head("BasicAudioProfile", "1", "1").replace("2026-01-31", "2026-01-32")];
    assert_eq!(
        parse_text(&text(&rows)).unwrap_err().to_string(),
        "report.tsv:1:10: HEAD cell UsageEndDate (value \"2026-01-32\"): date \"2026-01-32\": day must be 01 to 31 in 2026-01; write a date as 2026-07-31"
    );
}

#[test]
fn downloads_count_returns_as_negative_units() {
    let mut rows = basic_audio_rows();
    rows[8] = row(&["SU01.02", "1", "S1", "T2", "", "A2", "TRUE", "FALSE", "20", "3", "0.99", "", "PermanentDownload"]);
    let (report, lines) = parse_ok(&text(&with_foot(rows, 1)));
    // TotalUsages 30 = 10 streams + 20 downloads: returns do not reduce usages.
    assert_eq!(messages(&report), Vec::<String>::new());
    assert_eq!((lines[1].usage, lines[1].units), (UsageType::Download, 17));
    // The share follows usages, not units: 20 of 30.
    assert_eq!(lines[1].net, decimal("66.666666666667"));
}

#[test]
fn looks_like_dsr_wants_head_first() {
    assert!(dsr::looks_like_dsr(b"\xEF\xBB\xBF#HEAD\tMessageVersion\r\n\r\nHEAD\tdsrf/1.3"));
    assert!(dsr::looks_like_dsr(b"HEAD\tdsrf/30\tUGCProfile"));
    assert!(!dsr::looks_like_dsr(b"SY01.02\tS1\nHEAD\t"));
    assert!(!dsr::looks_like_dsr(b"Sale Store Name,ISRC\n"));
    assert!(!dsr::looks_like_dsr(b"HEA"));
}
