//! The public DSR samples in `../shared/samples/dsr/` (DDEX's Basic Audio 1.3 examples and the
//! ddexnet/dsrf UGC test reports) parse, with the totals worked out by hand from the files.

use std::io::BufReader;
use std::path::{Path, PathBuf};

use ledgerline_formats::dsr::{self, DsrReport};
use ledgerline_formats::{SaleLine, Severity, Tier, UsageType};
use ledgerline_model::Territory;
use ledgerline_money::{allocate_units, Currency, Decimal};

fn sample(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/samples/dsr").join(relative)
}

fn parse_sample(relative: &str) -> (DsrReport, Vec<SaleLine>) {
    let path = sample(relative);
    let label = path.file_name().and_then(|name| name.to_str()).unwrap().to_string();
    let mut lines: Vec<SaleLine> = Vec::new();
    let mut open = || std::fs::File::open(&path).map(BufReader::new);
    let report = dsr::parse(&mut open, &label, &mut lines).unwrap();
    (report, lines)
}

/// Diagnostics as `line:column: severity: reason`, without the file name, for compact asserts.
fn diagnostics_of(report: &DsrReport) -> Vec<String> {
    report
        .summary
        .diagnostics
        .iter()
        .map(|diagnostic| {
            let severity = match diagnostic.severity {
                Severity::Warning => "warning",
                Severity::Error => "error",
            };
            let column = diagnostic.column.map(|column| format!(":{column}")).unwrap_or_default();
            format!("{}{column}: {severity}: {}", diagnostic.line, diagnostic.reason)
        })
        .collect()
}

fn decimal(text: &str) -> Decimal {
    Decimal::parse(text).unwrap()
}

const BAP_SUBSCRIPTION: &str = "ddex-bap-samples/DSR_PADPIDA00123456743_PADPIDA0123456766K_UnlimitedMusicMonthly_2020-06-01--2020-06-30__1of1_20200703T075930.tsv";
const BAP_AD_FUNDED: &str =
    "ddex-bap-samples/DSR_PADPIDA2015999999X_PADPIDA2015999999X_AdFunded_2015-08-01--2015-08-31__1of1_20151123T182957.tsv";
const UGC_TEST: &str = "ddex-ugc-testdata/DSR_TEST_YouTube_AdSupport-music_2015-Q4_IS_1of1_20160121T150926.tsv";
const UGC_TEST2: &str = "ddex-ugc-testdata/DSR_TEST2_YouTube_AdSupport-music_2015-Q4_IS_1of1_20160121T150926.tsv";

#[test]
fn every_sample_parses() {
    let mut count = 0;
    for folder in ["ddex-bap-samples", "ddex-ugc-testdata"] {
        for entry in std::fs::read_dir(sample(folder)).unwrap() {
            let path = entry.unwrap().path();
            let relative = format!("{folder}/{}", path.file_name().unwrap().to_str().unwrap());
            let (report, lines) = parse_sample(&relative);
            assert_eq!(report.summary.lines, lines.len() as u64, "{relative}");
            assert!(report.footer.is_some(), "{relative}");
            count += 1;
        }
    }
    assert_eq!(count, 4);
}

#[test]
fn basic_audio_subscription_sample() {
    let (report, lines) = parse_sample(BAP_SUBSCRIPTION);
    assert_eq!(report.format.to_string(), "ddex-dsr/BasicAudioProfile/1.3");
    assert_eq!(report.header.message_version, "dsrf/1.1/1.4.1/1.3");
    assert_eq!((report.header.file_number, report.header.number_of_files), (1, 1));
    assert_eq!(report.header.usage_start.to_string(), "2020-06-01");
    assert_eq!(report.header.usage_end.to_string(), "2020-06-30");
    assert_eq!(report.header.sender_name, "Unlimited Music");
    // 32 CRLF-terminated lines plus the FOOT line without a terminator; FOOT says 33.
    assert_eq!(report.lines_in_file, 33);
    assert_eq!(report.blocks_in_file, 3);
    assert_eq!(diagnostics_of(&report), Vec::<String>::new());
    assert_eq!(report.summary.rejected, 0);

    // The 15 SU02.02 rows stream 120+5+314 (block 1) + 443+108+397+88 (block 2)
    // + 100+277+438+121+168+259+245+77 (block 3) = 439 + 1036 + 1685 = 3160, which is also the
    // SY01.02's TotalUsages. The only summary record, S1, has NetRevenue 5000.00 GBP.
    assert_eq!(report.summary.lines, 15);
    let totals = &report.summary.totals[&Currency::GBP];
    assert_eq!(totals.units, 3160);
    assert_eq!(totals.net, decimal("5000"));
    assert_eq!(report.summary.totals.len(), 1);

    // Each row's share is exactly what allocate_units gives at 12 digits.
    let streams: Vec<u128> = lines.iter().map(|line| line.units as u128).collect();
    let expected = allocate_units(decimal("5000").scaled(), &streams).unwrap();
    let shares: Vec<i128> = lines.iter().map(|line| line.net.scaled()).collect();
    assert_eq!(shares, expected);
    // 5000 × 120 / 3160 = 189.8734177215189…: floor …518, and its remainder is large enough
    // to receive one of the leftover units.
    assert_eq!(lines[0].net, decimal("189.873417721519"));
    assert_eq!(lines[1].net, decimal("7.911392405063"));

    let first = &lines[0];
    assert_eq!(first.line_number, 10);
    assert_eq!(first.service, "Unlimited Music");
    assert_eq!(first.territory, Territory::parse("GB").unwrap());
    assert_eq!((first.usage, first.tier), (UsageType::Stream, Tier::Premium));
    assert_eq!(first.isrc.as_ref().map(|isrc| isrc.as_str()), Some("GBAHT0900445"));
    assert_eq!(first.reported_upc, "825646846917");
    assert_eq!(first.upc.as_ref().map(|upc| upc.as_str()), Some("0825646846917"));
    assert_eq!(first.release_title, "The Very Best Of Enya (Deluxe) (Amazon Exclusive)");
    assert_eq!((first.track_title.as_str(), first.artist.as_str()), ("Aniron", "Enya"));
    assert_eq!(first.proprietary_id, "B002X426VM");
    // CurrencyOfTransaction GBP equals the currency of reporting: no conversion to record.
    assert_eq!((first.original_currency, first.fx_rate), (None, None));
    let last = &lines[14];
    assert_eq!(last.isrc.as_ref().map(|isrc| isrc.as_str()), Some("USCA20001686"));
    assert_eq!(last.track_title, "California Girls (2001 Stereo Remix)");

    assert_eq!(report.summary_records.len(), 1);
    let summary = &report.summary_records[0];
    assert_eq!((summary.summary_record_id.as_str(), summary.rows, summary.usages), ("S1", 15, 3160));
    assert_eq!(summary.net, decimal("5000"));
}

#[test]
fn basic_audio_ad_funded_sample_imports_with_its_known_faults_reported() {
    let (report, lines) = parse_sample(BAP_AD_FUNDED);
    // 17 CRLF-terminated lines plus the unterminated FOOT; FOOT says 18.
    assert_eq!(report.lines_in_file, 18);
    assert_eq!(report.blocks_in_file, 3);
    assert_eq!(
        diagnostics_of(&report),
        [
            // DDEX's placeholder barcode fails the GS1 check digit, once per RE01.02 record.
            "9:7: error: UPC \"731453000000\" check digit is 0, expected 1",
            // The SU02.02 rows point to "SY1", the summary record is "1"; with one summary
            // record there is no other reading.
            "11:3: warning: no summary record has SummaryRecordId \"SY1\"; the report has a single summary record (\"1\", line 8), so rows naming \"SY1\" are read as pointing to it",
            "12:7: error: UPC \"731453000000\" check digit is 0, expected 1",
            "15:7: error: UPC \"731453000000\" check digit is 0, expected 1",
            "18:6: warning: FOOT NumberOfBlocksInReport is 94, but the report has 3 blocks",
            "8:9: warning: summary record 1 states TotalUsages 100, but the usage rows pointing to it have 3 usages; its NetRevenue was allocated over the 3 usages of those rows",
        ]
    );
    assert_eq!(report.summary.rejected, 0);
    // Three SU02.02 rows of 1 stream each share the SY02.03's NetRevenue of 10 EUR:
    // 10/3 = 3.333333333333⅓ each, and the one leftover unit goes to the first row.
    assert_eq!(report.summary.lines, 3);
    let totals = &report.summary.totals[&Currency::EUR];
    assert_eq!((totals.units, totals.net), (3, decimal("10")));
    let nets: Vec<String> = lines.iter().map(|line| line.net.to_string()).collect();
    assert_eq!(nets, ["3.333333333334", "3.333333333333", "3.333333333333"]);
    let first = &lines[0];
    // The rows transact the release, not a resource: release identifiers only.
    assert_eq!((first.reported_upc.as_str(), first.upc.is_none()), ("731453000000", true));
    assert_eq!(first.reported_isrc, "");
    assert_eq!(first.release_title, "Rip The Summer Up");
    assert_eq!(first.artist, "Leikeli47 feat. Biker Boy Pug");
    assert_eq!(lines[1].catalog_number, "78945K");
    // NetRevenue is in EUR, converted from GBP at 0.87.
    assert_eq!(
        (first.currency, first.original_currency, first.fx_rate),
        (Currency::EUR, Some(Currency::GBP), Some(decimal("0.87")))
    );
    assert_eq!(first.tier, Tier::Premium);
}

#[test]
fn ugc_samples_import_with_their_service_totals_as_warnings() {
    // SU03.01 rows: 7810 usages / 2.0 USD, 2045 / 2.0, then 18 / 0.0, 4 / 0.0, 258 / 0.0,
    // 75 / 3.0 in block 3: 6 lines, 10210 usages, 7.0 USD. The four SY02.01 records share
    // SummaryRecordId 1 (one per rights controller) and state NetRevenue
    // 409.05 + 359.71 + 3424.29 + 11570.53 = 15763.58 USD and TotalUsages
    // 1036181 + 575732 + 3834450 + 21613409 = 27059772: the test files are excerpts.
    for (relative, lines_in_file, version) in [(UGC_TEST, 35, "1.0"), (UGC_TEST2, 34, "1.1")] {
        let (report, lines) = parse_sample(relative);
        assert_eq!(report.format.to_string(), format!("ddex-dsr/UgcProfile/{version}"), "{relative}");
        assert_eq!(report.header.profile, "UGCProfile");
        assert_eq!(report.header.represented_repertoire, ["PUB_3", "PUB_2", "PUB_1", "SOC_1", "Residual"]);
        assert_eq!(report.lines_in_file, lines_in_file);
        assert_eq!(report.summary.lines, 6);
        let totals = &report.summary.totals[&Currency::USD];
        assert_eq!((totals.units, totals.net), (10210, decimal("7")));
        assert_eq!(report.summary.rejected, 0);
        let expected_tail = [
            "10:9: warning: summary record 1 (4 records share this SummaryRecordId) states TotalUsages 27059772, but the usage rows pointing to it have 10210 usages",
            // The summaries state the service's revenue shared by all rights controllers: a
            // warning, not a control-total failure, so DDEX's own test files import.
            "10:12: warning: summary record 1 (line 10; 4 records share this SummaryRecordId) states NetRevenue 15763.58 USD, but its usage rows total 7 USD; difference 15756.58 USD",
        ];
        let diagnostics = diagnostics_of(&report);
        assert_eq!(diagnostics[diagnostics.len() - 2..], expected_tail, "{relative}");
        assert!(!report.summary.has_errors(), "{relative} imports: {diagnostics:#?}");
        let first = &lines[0];
        assert_eq!((first.usage, first.tier), (UsageType::Ugc, Tier::AdSupported));
        assert_eq!(first.service, "AdSupport-music");
        assert_eq!(first.territory, Territory::parse("IS").unwrap());
        assert_eq!(first.isrc.as_ref().map(|isrc| isrc.as_str()), Some("USSM19803037"));
        assert_eq!((first.track_title.as_str(), first.artist.as_str()), ("Sexual Healing", "Marvin Gaye"));
        assert_eq!((first.units, first.net), (7810, decimal("2")));
        assert_eq!(first.sale_start.to_string(), "2015-10-01");
        assert_eq!(first.sale_end.to_string(), "2015-12-31");
    }
    let (report, _) = parse_sample(UGC_TEST);
    assert_eq!(
        diagnostics_of(&report)[0],
        "13:8: warning: summary record 1 on line 10 names the service \"AdSupport-music\"; its lines keep that name"
    );
    assert_eq!(diagnostics_of(&report).len(), 3);
    // TEST2 has one LI01.01 row fewer but kept FOOT's 35.
    let (report, _) = parse_sample(UGC_TEST2);
    assert_eq!(
        diagnostics_of(&report)[..2],
        [
            "34:2: warning: FOOT NumberOfLinesInFile is 35, but the file has 34 lines",
            "34:3: warning: FOOT NumberOfLinesInReport is 35, but the report has 34 lines",
        ]
    );
    assert_eq!(diagnostics_of(&report).len(), 4);
}

#[test]
fn lf_and_crlf_give_the_same_lines() {
    let original = std::fs::read(sample(BAP_SUBSCRIPTION)).unwrap();
    let lf: Vec<u8> = original.iter().copied().filter(|byte| *byte != b'\r').collect();
    let mut from_lf: Vec<SaleLine> = Vec::new();
    let mut open = || Ok(std::io::Cursor::new(lf.clone()));
    let report = dsr::parse(&mut open, "lf.tsv", &mut from_lf).unwrap();
    let (_, from_crlf) = parse_sample(BAP_SUBSCRIPTION);
    assert_eq!(from_lf, from_crlf);
    assert_eq!(report.lines_in_file, 33);
}
