//! Multi-file DDEX DSR reports: each file imports on its own, the set is recognised, and the
//! file that completes it has the report's totals checked over every file.

mod common;

use common::Home;
use ledgerline_formats::SaleLine;
use ledgerline_import::{
    FileImport, ImportError, ImportOptions, ImportStatus, ReportSet,
};
use ledgerline_money::{Currency, Decimal, RoundingMode};

trait Stored {
    fn stored(&self) -> (i64, i64, i64, i64, usize);
}

impl Stored for Home {
    /// What a clean home holds after these files: counts of the tables an import writes.
    fn stored(&self) -> (i64, i64, i64, i64, usize) {
        (
            self.count("imports"),
            self.count("import_totals"),
            self.count("dsr_report_files"),
            self.count("dsr_report_file_summaries"),
            self.lake_folders(),
        )
    }
}

fn decimal(text: &str) -> Decimal {
    Decimal::parse(text).unwrap()
}

const SENDER: &str = "PADPIDA2008101601S";

fn head(
    profile: &str,
    version: &str,
    message_id: &str,
    file_number: usize,
    number_of_files: usize,
) -> String {
    [
        "HEAD",
        "dsrf/1.4/1.4.1/1.4",
        profile,
        version,
        message_id,
        "2026-02-05T06:00:00Z",
        &file_number.to_string(),
        &number_of_files.to_string(),
        "2026-01-01",
        "2026-01-31",
        SENDER,
        "Spotify",
        "",
        "PADPIDA0000000002X",
        "Label",
        "",
    ]
    .join("\t")
}

fn text(rows: &[String]) -> String {
    let mut text = rows.join("\n");
    text.push('\n');
    text
}

/// A Basic Audio report: two summary records (GBP subscription, EUR ad-supported), nine
/// blocks of one track each with one stream row per summary record. `files` lists the blocks
/// of each file (the report has as many files as the list); `total_usages_extra` is added to
/// each summary's TotalUsages (0: they add up).
struct BasicAudioReport {
    message_id: &'static str,
    total_usages_extra: i64,
}

const BLOCKS: usize = 9;

fn premium_streams(block: usize) -> i64 {
    (block as i64 * 37) % 101 + 3
}

fn free_streams(block: usize) -> i64 {
    (block as i64 * 53) % 97 + 1
}

impl BasicAudioReport {
    fn summaries(&self) -> Vec<String> {
        let premium: i64 = (1..=BLOCKS).map(premium_streams).sum::<i64>() + self.total_usages_extra;
        let free: i64 = (1..=BLOCKS).map(free_streams).sum::<i64>() + self.total_usages_extra;
        vec![
            format!("SY01.02\tS1\tSpotify\t\tSubscriptionModel\tOnDemandStream\tGB\tPremium\t{premium}\t\tGBP\t100.37\t\tGBP\t1"),
            format!("SY01.02\tS2\tSpotify\t\tAdvertisementSupportedModel\tOnDemandStream\tFR\tFree\t{free}\t\tEUR\t55.55\t\tEUR\t1"),
        ]
    }

    fn block(block: usize) -> Vec<String> {
        vec![
            format!("RE01.02\t{block}\tR{block}\tDSPREL{block}\t\t\t\tArtist\t\tAlbum {block}"),
            format!("AS01.02\t{block}\tA{block}\tDSPRES{block}\tGBAAA26000{block:02}\tSong {block}\t\tArtist"),
            format!("SU02.02\t{block}\tS1\tP{block}\t\tA{block}\tTRUE\t{}", premium_streams(block)),
            format!("SU02.02\t{block}\tS2\tF{block}\t\tA{block}\tTRUE\t{}", free_streams(block)),
        ]
    }

    /// The files' texts, in file order.
    fn files(&self, blocks_per_file: &[&[usize]]) -> Vec<String> {
        let number_of_files = blocks_per_file.len();
        let bodies: Vec<Vec<String>> = blocks_per_file
            .iter()
            .enumerate()
            .map(|(index, blocks)| {
                let mut rows = vec![head(
                    "BasicAudioProfile",
                    "1.3",
                    self.message_id,
                    index + 1,
                    number_of_files,
                )];
                rows.extend(self.summaries());
                for block in *blocks {
                    rows.extend(Self::block(*block));
                }
                rows
            })
            .collect();
        let lines_in_report: usize = bodies.iter().map(|rows| rows.len() + 1).sum();
        bodies
            .into_iter()
            .zip(blocks_per_file)
            .enumerate()
            .map(|(index, (mut rows, blocks))| {
                let lines = rows.len() + 1;
                if index + 1 == number_of_files {
                    rows.push(format!(
                        "FOOT\t{lines}\t{lines_in_report}\t2\t{}\t{BLOCKS}",
                        blocks.len()
                    ));
                } else {
                    rows.push(format!("FOOT\t{lines}\t\t2\t{}\t", blocks.len()));
                }
                text(&rows)
            })
            .collect()
    }
}

const THREE_FILES: [&[usize]; 3] = [&[1, 2, 3], &[4, 5, 6], &[7, 8, 9]];
const ONE_FILE: [&[usize]; 1] = [&[1, 2, 3, 4, 5, 6, 7, 8, 9]];

fn set_of(import: &FileImport) -> &ReportSet {
    import
        .report_set
        .as_ref()
        .unwrap_or_else(|| panic!("{} has no report set", import.file))
}

fn cents(amount: Decimal) -> Decimal {
    amount.round_to(2, RoundingMode::HalfEven)
}

#[test]
fn three_files_in_any_order_complete_and_reconcile_like_the_single_file() {
    let report = BasicAudioReport {
        message_id: "M-2026-01",
        total_usages_extra: 0,
    };
    let single = report.files(&ONE_FILE);
    let mut reference = Home::new();
    let whole = reference.import_text("whole.tsv", &single[0]).unwrap();
    assert!(whole.report_set.is_none(), "a single-file report is no set");
    let whole_lines = reference.lines(&whole);
    assert_eq!(whole_lines.len(), 2 * BLOCKS);

    let files = report.files(&THREE_FILES);
    for order in [[2usize, 3, 1], [3, 1, 2], [1, 2, 3]] {
        let mut home = Home::new();
        let mut imports: Vec<(usize, FileImport)> = Vec::new();
        for (step, number) in order.iter().enumerate() {
            let imported = home
                .import_text(&format!("part{number}.tsv"), &files[number - 1])
                .unwrap();
            assert_eq!(imported.status, ImportStatus::Imported);
            let set = set_of(&imported).clone();
            assert_eq!(
                (set.message_id.as_str(), set.sender_party_id.as_str()),
                ("M-2026-01", SENDER)
            );
            assert_eq!((set.file_number, set.number_of_files), (*number as u32, 3));
            let mut expected: Vec<u32> =
                order[..=step].iter().map(|number| *number as u32).collect();
            expected.sort();
            assert_eq!(set.files_imported, expected);
            assert_eq!(set.complete, step == 2);
            if step < 2 {
                assert!(set.checks.is_none());
                assert!(
                    set.describe().contains(" imported, waiting for "),
                    "{}",
                    set.describe()
                );
            } else {
                let checks = set.checks.as_ref().unwrap();
                assert!(checks.money_reconciles, "{checks:?}");
                assert_eq!(checks.warnings, Vec::<String>::new());
                assert_eq!(
                    set.describe(),
                    format!("file {number} of 3 of DSR report M-2026-01 from Spotify ({SENDER}): complete, totals reconcile")
                );
                let lines = checks.lines_in_report.unwrap();
                assert_eq!(lines.stated, lines.found);
                assert_eq!(
                    checks
                        .blocks_in_report
                        .map(|blocks| (blocks.stated, blocks.found)),
                    Some((9, 9))
                );
                // Each file rounds its shares at 10⁻¹² on its own: less than one unit per file
                // may remain, and the check shows it exactly.
                for summary in &checks.summaries {
                    let difference = summary.difference.unwrap();
                    assert_eq!(difference, summary.stated_amount.unwrap() - summary.net);
                    assert!(difference.scaled().abs() < 3, "{summary:?}");
                    assert_eq!(summary.stated_total_usages, Some(summary.usages));
                    assert!(summary.reconciles);
                }
                // Here the GBP files' shares round up: 10⁻¹² more than NetRevenue is on lines.
                assert_eq!(
                    checks.summaries[0].difference,
                    Some(decimal("-0.000000000001"))
                );
            }
            imports.push((*number, imported));
        }
        // The same lines and money as the single-file report, to the cent (to 10⁻¹² per line).
        imports.sort_by_key(|(number, _)| *number);
        let set_lines: Vec<SaleLine> = imports
            .iter()
            .flat_map(|(_, import)| home.lines(import))
            .collect();
        assert_eq!(set_lines.len(), whole_lines.len());
        for (part, whole) in set_lines.iter().zip(&whole_lines) {
            assert_eq!(
                (&part.isrc, part.units, part.currency),
                (&whole.isrc, whole.units, whole.currency)
            );
            assert!(
                (part.net - whole.net).scaled().abs() <= 1,
                "{} vs {}",
                part.net,
                whole.net
            );
            assert_eq!(cents(part.net), cents(whole.net));
        }
        for currency in [Currency::GBP, Currency::EUR] {
            let set_net: Decimal = imports
                .iter()
                .map(|(_, import)| import.totals[&currency].net)
                .sum();
            let set_units: i64 = imports
                .iter()
                .map(|(_, import)| import.totals[&currency].units)
                .sum();
            let whole_totals = &whole.totals[&currency];
            assert_eq!(set_units, whole_totals.units);
            assert_eq!(cents(set_net), cents(whole_totals.net));
            assert_eq!(
                cents(set_net),
                if currency == Currency::GBP {
                    decimal("100.37")
                } else {
                    decimal("55.55")
                }
            );
        }
        assert_eq!(home.count("dsr_report_files"), 3);
    }
}

#[test]
fn reimporting_a_file_of_a_set_is_already_imported() {
    let files = BasicAudioReport {
        message_id: "M-again",
        total_usages_extra: 0,
    }
    .files(&THREE_FILES);
    let mut home = Home::new();
    let first = home.import_text("part1.tsv", &files[0]).unwrap();
    let again = home.import_text("copy-of-part1.tsv", &files[0]).unwrap();
    assert_eq!(again.status, ImportStatus::AlreadyImported);
    assert_eq!(again.import_id, first.import_id);
    assert_eq!(set_of(&again).files_imported, [1]);
    home.import_text("part2.tsv", &files[1]).unwrap();
    home.import_text("part3.tsv", &files[2]).unwrap();
    let stored = home.stored();
    let again = home.import_text("part1.tsv", &files[0]).unwrap();
    assert_eq!(again.status, ImportStatus::AlreadyImported);
    let set = set_of(&again);
    assert!(
        set.complete && set.checks.as_ref().unwrap().money_reconciles,
        "{set:?}"
    );
    assert_eq!(home.stored(), stored, "nothing changed");
}

#[test]
fn a_set_missing_a_file_reports_waiting() {
    let files = BasicAudioReport {
        message_id: "M-gap",
        total_usages_extra: 0,
    }
    .files(&THREE_FILES);
    let mut home = Home::new();
    home.import_text("part1.tsv", &files[0]).unwrap();
    let third = home.import_text("part3.tsv", &files[2]).unwrap();
    let set = set_of(&third);
    assert_eq!(
        (set.files_imported.clone(), set.complete),
        (vec![1, 3], false)
    );
    assert_eq!(set.files_missing(), [2]);
    assert_eq!(
        set.describe(),
        format!("file 3 of 3 of DSR report M-gap from Spotify ({SENDER}): files 1, 3 imported, waiting for 2")
    );
}

#[test]
fn a_conflicting_duplicate_file_number_is_refused() {
    let report = BasicAudioReport {
        message_id: "M-dup",
        total_usages_extra: 0,
    };
    let files = report.files(&THREE_FILES);
    let mut home = Home::new();
    let first = home.import_text("part1.tsv", &files[0]).unwrap();
    let stored = home.stored();
    // Another file 1 of the same report: other blocks, so other content.
    let other = report.files(&[&[4, 5], &[1, 2, 3, 6], &[7, 8, 9]]);
    let error = home.import_text("other-part1.tsv", &other[0]).unwrap_err();
    assert!(matches!(error, ImportError::ReportSet { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "other-part1.tsv: refused, nothing imported: DSR report M-dup from {SENDER} already has its file 1 of 3, with other content, as import #{} (part1.tsv); a report has each of its files once",
            first.import_id
        )
    );
    assert!(error.hint().unwrap().contains("new MessageId"));
    assert_eq!(home.stored(), stored);
}

#[test]
fn disagreeing_number_of_files_is_refused() {
    let mut home = Home::new();
    let three = BasicAudioReport {
        message_id: "M-count",
        total_usages_extra: 0,
    }
    .files(&THREE_FILES);
    home.import_text("part1.tsv", &three[0]).unwrap();
    let stored = home.stored();
    let two = BasicAudioReport {
        message_id: "M-count",
        total_usages_extra: 0,
    }
    .files(&[&[1, 2, 3, 4], &[5, 6, 7, 8, 9]]);
    let error = home.import_text("part2-of-2.tsv", &two[1]).unwrap_err();
    assert!(
        error.to_string().ends_with(&format!(
            "DSR report M-count from {SENDER} is file 2 of 2 files here, but its file 1 (import #1, part1.tsv) says the report has 3 files"
        )),
        "{error}"
    );
    assert_eq!(home.stored(), stored);
}

#[test]
fn basic_audio_total_usages_beyond_the_rows_leave_money_on_no_line_and_say_so() {
    // TotalUsages states 10 more usages per summary than the rows of all files have: every
    // file shares NetRevenue against it, so the share of those 10 usages is on no line.
    let files = BasicAudioReport {
        message_id: "M-short",
        total_usages_extra: 10,
    }
    .files(&THREE_FILES);
    let mut home = Home::new();
    home.import_text("part1.tsv", &files[0]).unwrap();
    home.import_text("part2.tsv", &files[1]).unwrap();
    let last = home.import_text("part3.tsv", &files[2]).unwrap();
    let set = set_of(&last);
    let checks = set.checks.as_ref().unwrap();
    assert!(!checks.money_reconciles);
    assert!(
        set.describe()
            .ends_with("complete, totals do NOT reconcile (see the warnings)"),
        "{}",
        set.describe()
    );
    let premium = &checks.summaries[0];
    assert!(!premium.reconciles);
    assert_eq!(premium.stated_total_usages, Some(premium.usages + 10));
    let missing = premium.difference.unwrap();
    assert!(missing.is_positive());
    assert_eq!(missing, decimal("100.37") - premium.net);
    let money_warning = checks
        .warnings
        .iter()
        .find(|warning| warning.contains("summary record S1 states NetRevenue 100.37 GBP"))
        .unwrap_or_else(|| panic!("{:?}", checks.warnings));
    assert!(
        money_warning.contains(&format!("{missing} GBP of it is on no line")),
        "{money_warning}"
    );
    assert!(
        money_warning.contains(&format!("TotalUsages {}", premium.usages + 10)),
        "{money_warning}"
    );
    assert!(checks
        .warnings
        .iter()
        .any(|warning| warning.contains("summary record S2 states TotalUsages")));
    // The warnings are stored with the completing import.
    let stored: i64 = home
        .ledger
        .connection()
        .query_row(
            "SELECT count(*) FROM import_diagnostics WHERE import_id = ?1 AND reason LIKE '%is on no line%'",
            [last.import_id],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(stored, 2);
}

fn sparse_row(width: usize, cells: &[(usize, &str)]) -> String {
    let mut row = vec![""; width];
    for (column, value) in cells {
        row[column - 1] = value;
    }
    row.join("\t")
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
            (13, "FR"),
            (14, "Premium"),
            (17, "300"),
            (18, "300"),
            (21, "EUR"),
            (22, "EUR"),
            (23, "1"),
            (38, allocated_net_revenue),
        ],
    )
}

fn financial_sale(transaction: &str, isrc: &str, usages: &str, money: &str) -> String {
    sparse_row(
        48,
        &[
            (1, "SR08"),
            (2, transaction),
            (5, "DSPREL"),
            (10, "The Album"),
            (12, "The Band"),
            (14, isrc),
            (16, "DSPRES"),
            (21, "The Song"),
            (25, "S1"),
            (26, "2026-01-10"),
            (27, usages),
            (28, "0"),
            (47, money),
        ],
    )
}

/// File `number` of a three-file Part 9 report stating 30 EUR, its one row worth `money`.
fn financial_file(number: usize, money: &str) -> String {
    let rows = vec![
        head(
            "FinancialReportingToRecordCompaniesProfileSRB",
            "1.0",
            "M-P9",
            number,
            3,
        ),
        financial_summary("30"),
        financial_sale(
            &format!("T{number}"),
            &format!("FRAAA260000{number}"),
            "100",
            money,
        ),
        format!("SRFO\t{}\t1", if number == 3 { "12" } else { "" }),
    ];
    text(&rows)
}

#[test]
fn a_completing_file_whose_money_does_not_reconcile_is_refused_and_nothing_of_it_stored() {
    let mut home = Home::new();
    let first = home.import_text("p9-1.tsv", &financial_file(1, "10")).unwrap();
    assert_eq!(set_of(&first).files_imported, [1]);
    home.import_text("p9-2.tsv", &financial_file(2, "10")).unwrap();
    let stored = home.stored();
    let error = home
        .import_text("p9-3.tsv", &financial_file(3, "9.99"))
        .unwrap_err();
    let ImportError::Refused {
        diagnostics,
        can_skip,
        rejected_rows,
        ..
    } = &error
    else {
        panic!("{error:?}");
    };
    assert!(!can_skip);
    assert_eq!(*rejected_rows, 0);
    assert_eq!(
        error.to_string(),
        "p9-3.tsv: refused, nothing imported: 1 error(s)"
    );
    assert_eq!(
        diagnostics.iter().map(ToString::to_string).collect::<Vec<_>>(),
        [format!(
            "p9-3.tsv: error: DSR report M-P9 from {SENDER} (3 files): summary record S1 states AllocatedNetRevenueInCurrencyOfAccounting 30 EUR, but the usage rows of all files total 29.99 EUR; difference 0.01 EUR"
        )]
    );
    assert_eq!(
        home.stored(),
        stored,
        "nothing of the refused file is stored"
    );

    // The corrected file completes the report.
    let last = home
        .import_text("p9-3-corrected.tsv", &financial_file(3, "10"))
        .unwrap();
    // SRFO states only the report's lines: no file is warned that its own lines differ.
    assert_eq!(
        last.diagnostics
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        Vec::<String>::new()
    );
    let set = set_of(&last);
    assert!(set.complete);
    let checks = set.checks.as_ref().unwrap();
    assert!(checks.money_reconciles, "{checks:?}");
    assert_eq!(checks.summaries[0].difference, Some(Decimal::ZERO));
    assert_eq!(
        checks
            .lines_in_report
            .map(|lines| (lines.stated, lines.found)),
        Some((12, 12))
    );
    assert_eq!(checks.warnings, Vec::<String>::new());
}

#[test]
fn summary_records_that_differ_between_files_are_refused() {
    let mut home = Home::new();
    home.import_text("p9-1.tsv", &financial_file(1, "10")).unwrap();
    let changed =
        financial_file(2, "10").replace(&financial_summary("30"), &financial_summary("31"));
    let error = home.import_text("p9-2.tsv", &changed).unwrap_err();
    assert!(
        error.to_string().contains("summary record S1 states 31 EUR in this file, but 30 EUR in file 1 (import #1, p9-1.tsv); every file of a report repeats the same summary records"),
        "{error}"
    );
}

fn zip_of(members: &[(&str, &str)]) -> Vec<u8> {
    use std::io::Write;
    let mut archive = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in members {
        archive
            .start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        archive.write_all(text.as_bytes()).unwrap();
    }
    archive.finish().unwrap().into_inner()
}

/// (message id, files imported, complete) of each report an import's result names.
fn progress(import: &FileImport) -> Vec<(String, Vec<u32>, bool)> {
    import
        .report_sets
        .iter()
        .map(|set| (set.message_id.clone(), set.files_imported.clone(), set.complete))
        .collect()
}

/// A ZIP holding files of two multi-file reports says how far each has got, on import and
/// when it comes back; the first is also `report_set`, for readers of the older JSON.
#[test]
fn a_zip_with_files_of_two_reports_names_both() {
    let a = BasicAudioReport {
        message_id: "M-a",
        total_usages_extra: 0,
    }
    .files(&THREE_FILES);
    let b = BasicAudioReport {
        message_id: "M-b",
        total_usages_extra: 0,
    }
    .files(&THREE_FILES);
    let mut home = Home::new();
    home.import_text("a1.tsv", &a[0]).unwrap();
    let bundle = home.write("bundle.zip", zip_of(&[("a2.tsv", &a[1]), ("b3.tsv", &b[2])]));
    let import = home.import(&bundle, &ImportOptions::default()).unwrap();
    assert_eq!(import.status, ImportStatus::Imported);
    let expected = vec![
        ("M-a".to_string(), vec![1, 2], false),
        ("M-b".to_string(), vec![3], false),
    ];
    assert_eq!(progress(&import), expected);
    assert_eq!(import.report_set.as_ref(), import.report_sets.first());
    let again = home.import(&bundle, &ImportOptions::default()).unwrap();
    assert_eq!(
        (again.status, again.import_id),
        (ImportStatus::AlreadyImported, import.import_id)
    );
    assert_eq!(progress(&again), expected);
    assert_eq!(again.parts, import.parts, "every report of the ZIP, as named then");
    assert_eq!(again.parts.len(), 2, "{:?}", again.parts);
    home.import_text("a3.tsv", &a[2]).unwrap();
    let again = home.import(&bundle, &ImportOptions::default()).unwrap();
    assert_eq!(
        progress(&again),
        vec![
            ("M-a".to_string(), vec![1, 2, 3], true),
            ("M-b".to_string(), vec![3], false),
        ]
    );
    let checks = again.report_sets[0].checks.as_ref().expect("a complete report is checked");
    assert!(checks.money_reconciles, "{checks:?}");
}

/// A single-file DSR report is imported once: a file with the sender and MessageId of a report
/// imported before but other content (here the same report re-exported with CRLF line ends) is
/// refused, naming the import that holds it, and nothing of it is stored; so is one that says
/// it is one file of a report imported as several, and the other way round.
#[test]
fn a_report_with_the_message_id_of_one_imported_before_is_refused() {
    let report = BasicAudioReport {
        message_id: "M-single",
        total_usages_extra: 0,
    };
    let single = report.files(&ONE_FILE).remove(0);
    let mut home = Home::new();
    let first = home.import_text("report.tsv", &single).unwrap();
    assert_eq!(first.status, ImportStatus::Imported);
    assert!(first.report_sets.is_empty(), "{:?}", first.report_sets);
    let stored = home.stored();
    let again = home.import_text("same-bytes.tsv", &single).unwrap();
    assert_eq!(again.status, ImportStatus::AlreadyImported);
    assert!(again.report_sets.is_empty());

    let error = home
        .import_text("re-exported.tsv", &single.replace('\n', "\r\n"))
        .unwrap_err();
    assert!(matches!(error, ImportError::ReportSet { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "re-exported.tsv: refused, nothing imported: DSR report M-single from {SENDER} was imported before, with other content, as import #{} (report.tsv); a sender gives each report its own MessageId, so this is the same report again (another version or export of it) and its money would count twice",
            first.import_id
        )
    );
    assert!(error.hint().unwrap().contains("imported once"));
    assert_eq!(home.stored(), stored, "nothing of the refused file stored");

    // The same MessageId as files of a report of three: refused either way round.
    let parts = report.files(&THREE_FILES);
    let error = home.import_text("part1.tsv", &parts[0]).unwrap_err();
    assert!(
        error.to_string().contains(&format!(
            "DSR report M-single from {SENDER} was imported before as a report of one file, as import #{} (report.tsv); this file says the report has 3 files",
            first.import_id
        )),
        "{error}"
    );
    assert_eq!(home.stored(), stored);
    let mut other_home = Home::new();
    let part = other_home.import_text("part1.tsv", &parts[0]).unwrap();
    let error = other_home.import_text("report.tsv", &single).unwrap_err();
    assert!(
        error.to_string().contains(&format!(
            "DSR report M-single from {SENDER} was imported before as a report of 3 files (file 1 is import #{}, part1.tsv); this file says the report is one file",
            part.import_id
        )),
        "{error}"
    );

    // Another MessageId is another report.
    let other = BasicAudioReport {
        message_id: "M-next",
        total_usages_extra: 0,
    }
    .files(&ONE_FILE)
    .remove(0);
    assert_eq!(
        home.import_text("next.tsv", &other).unwrap().status,
        ImportStatus::Imported
    );
}

/// Two versions of one single-file report in one ZIP: refused, nothing stored.
#[test]
fn one_report_twice_in_a_zip_is_refused() {
    let single = BasicAudioReport {
        message_id: "M-zip",
        total_usages_extra: 0,
    }
    .files(&ONE_FILE)
    .remove(0);
    let mut home = Home::new();
    let bundle = home.write(
        "bundle.zip",
        zip_of(&[("a.tsv", &single), ("b.tsv", &single.replace('\n', "\r\n"))]),
    );
    let error = home.import(&bundle, &ImportOptions::default()).unwrap_err();
    assert!(
        error
            .to_string()
            .contains(&format!("DSR report M-zip from {SENDER} is in this import twice (bundle.zip!a.tsv and bundle.zip!b.tsv)")),
        "{error}"
    );
    assert_eq!(home.stored(), (0, 0, 0, 0, 0));
}
