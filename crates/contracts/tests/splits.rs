//! Simple splits in bulk: a CSV of (ISRC or UPC, payee, share) read as one contract per
//! recording, checked with a message per problem, and versioned in the ledger like any contract.

use ledgerline_contracts::{
    check_contracts_and_splits, contract_versions, describe, import_contracts_and_splits, is_splits_csv, latest_contract,
    read_splits, split_sources, ContractStoreError, Deal, ImportStatus, SourceFile,
};
use ledgerline_model::Month;
use ledgerline_money::Decimal;
use ledgerline_store::Ledger;

const HEADER: &str = "isrc,upc,payee,share,recoupable,valid_from\n";

fn example() -> SourceFile {
    let path = format!("{}/../../docs/examples/splits.csv", env!("CARGO_MANIFEST_DIR"));
    SourceFile::new("splits.csv", std::fs::read_to_string(path).unwrap())
}

fn splits(rows: &str) -> SourceFile {
    SourceFile::new("splits.csv", format!("{HEADER}{rows}"))
}

fn ledger_with_parties() -> Ledger {
    let ledger = Ledger::open_in_memory().unwrap();
    for (id, name) in [("P001", "Winter Radio"), ("P002", "Ines Petit"), ("P003", "Lotte Bakker"), ("P004", "Sam Okafor"), ("P-NOVAK", "Noor Novak")] {
        ledger.connection().execute("INSERT INTO parties (id, name, kind) VALUES (?1, ?2, 'artist')", [id, name]).unwrap();
    }
    ledger
}

/// The messages of a file's problems, checked without a ledger.
fn problems(file: &SourceFile) -> Vec<String> {
    check_contracts_and_splits(std::slice::from_ref(file)).unwrap_err().iter().map(ToString::to_string).collect()
}

fn import_problems(error: ContractStoreError) -> Vec<String> {
    match error {
        ContractStoreError::Invalid(errors) => errors.iter().map(ToString::to_string).collect(),
        other => panic!("expected problems in the files, got {other}"),
    }
}

fn decimal(text: &str) -> Decimal {
    Decimal::parse(text).unwrap()
}

#[test]
fn the_example_is_one_contract_per_recording() {
    let contracts = check_contracts_and_splits(&[example()]).unwrap();
    let ids: Vec<&str> = contracts.iter().map(|contract| contract.id.as_str()).collect();
    assert_eq!(ids, ["SPLIT-GBAYE2400201", "SPLIT-GBAYE2400202", "SPLIT-5012345000107"]);

    // 50% and 30%: a royalty of 80% of net receipts, shared 5:3, so each payee earns its share
    // and the label keeps 20%.
    let first = &contracts[0];
    assert_eq!((first.version, first.valid_from), (1, Month::parse("2025-01").unwrap()));
    let Deal::Royalty(terms) = &first.deal else { panic!("a split is a royalty") };
    assert_eq!(terms.rates.default_rate, decimal("0.8"));
    assert!(terms.rates.entries.is_empty() && terms.escalations.is_empty());
    let shares: Vec<(&str, Decimal)> = first.payees.iter().map(|payee| (payee.party.as_str(), payee.share)).collect();
    assert_eq!(shares, [("P001", decimal("0.625")), ("P002", decimal("0.375"))]);
    assert!(first.deductions.is_empty() && first.advances.is_empty() && first.recoupable_costs.is_empty());
    assert_eq!(first.notes.as_deref(), Some("A simple split of the net receipts: P001 50%, P002 30%; the label keeps 20%."));

    // No month on its rows: the earliest month of the file. All of it to one payee.
    let second = &contracts[1];
    assert_eq!(second.valid_from, Month::parse("2025-01").unwrap());
    assert_eq!(second.royalty().unwrap().rates.default_rate, Decimal::ONE);
    assert_eq!(second.payees[0].share, Decimal::ONE);

    let release = &contracts[2];
    assert_eq!(release.scope.releases[0].as_str(), "5012345000107");
    assert!(release.scope.tracks.is_empty());
    assert_eq!(release.valid_from, Month::parse("2025-03").unwrap());
    assert_eq!(release.royalty().unwrap().rates.default_rate, decimal("0.75"));
    assert!(release.payees[0].recoupable && !release.payees[1].recoupable);
}

#[test]
fn splits_files_are_told_by_their_header_not_their_name() {
    assert!(is_splits_csv(&example().text));
    assert!(is_splits_csv("\u{feff}ISRC,Payee,Share\r\n"));
    assert!(is_splits_csv("isrc,share\n"), "a header missing a column is still a splits file, to say what is missing");
    let toml = std::fs::read_to_string(format!("{}/../../docs/examples/contracts/royalty-rate-table.toml", env!("CARGO_MANIFEST_DIR"))).unwrap();
    assert!(!is_splits_csv(&toml));
    assert!(!is_splits_csv("releases = [\"5012345000015\", \"5012345000022\"]\n"));
    assert!(!is_splits_csv(""));
}

#[test]
fn a_bom_crlf_quotes_and_upper_case_columns_are_read() {
    let file = SourceFile::new(
        "splits.csv",
        "\u{feff}ISRC,Payee,Share\r\n\"GBAYE2400201\",P001,\"0.5\"\r\n\r\nGBAYE2400201, P002 ,25%\r\n",
    );
    let rows = read_splits(&file, None).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[1].line, rows[1].payee.as_str(), rows[1].share), (4, "P002", decimal("0.25")));
    assert!(!rows[0].recoupable && rows[0].valid_from.is_none());
}

#[test]
fn parts_that_are_no_finite_decimal_still_add_up_to_one() {
    let file = splits("GBAYE2400201,,P001,0.3,,2025-01\nGBAYE2400201,,P002,0.3,,\nGBAYE2400201,,P003,0.3,,\n");
    let contracts = check_contracts_and_splits(&[file]).unwrap();
    let shares: Vec<Decimal> = contracts[0].payees.iter().map(|payee| payee.share).collect();
    assert_eq!(shares, [decimal("0.333333333334"), decimal("0.333333333333"), decimal("0.333333333333")]);
    assert_eq!(shares.iter().copied().sum::<Decimal>(), Decimal::ONE);
}

#[test]
fn a_file_without_months_applies_from_the_earliest_month() {
    let contracts = check_contracts_and_splits(&[splits("GBAYE2400201,,P001,1,,\n")]).unwrap();
    assert_eq!(contracts[0].valid_from, Month::parse("1900-01").unwrap());
    assert_eq!(contracts[0].term.start.to_string(), "1900-01-01");
}

#[test]
fn importing_again_is_unchanged_and_a_changed_share_is_version_two() {
    let mut ledger = ledger_with_parties();
    let first = import_contracts_and_splits(&mut ledger, &[example()]).unwrap();
    assert_eq!((first.imported, first.unchanged), (3, 0));
    let files: Vec<&str> = first.contracts.iter().map(|contract| contract.file.as_str()).collect();
    assert_eq!(files, ["splits.csv:2", "splits.csv:4", "splits.csv:5"], "each contract is named after its first row");

    let again = import_contracts_and_splits(&mut ledger, &[example()]).unwrap();
    assert_eq!((again.imported, again.unchanged), (0, 3));
    assert!(again.contracts.iter().all(|contract| contract.status == ImportStatus::Unchanged));

    // P002 goes from 30% to 40% from July: version 2 from then; the other recordings are unchanged.
    let mut changed = example();
    changed.text = changed.text.replace("GBAYE2400201,,P002,30%,,", "GBAYE2400201,,P002,40%,,2025-07").replace(",,2025-01\n", ",,\n");
    let second = import_contracts_and_splits(&mut ledger, &[changed.clone()]).unwrap();
    assert_eq!((second.imported, second.unchanged), (1, 2));
    let versions = contract_versions(&ledger, "SPLIT-GBAYE2400201").unwrap();
    assert_eq!(versions.iter().map(|version| (version.version, version.valid_from.to_string())).collect::<Vec<_>>(), [
        (1, "2025-01".to_string()),
        (2, "2025-07".to_string())
    ]);
    let latest = latest_contract(&ledger, "SPLIT-GBAYE2400201").unwrap().unwrap();
    assert_eq!(latest.contract.royalty().unwrap().rates.default_rate, decimal("0.9"));
    assert_eq!(latest.contract.term.start.to_string(), "2025-01-01", "a new version keeps the contract's start");
    assert_eq!(import_contracts_and_splits(&mut ledger, &[changed]).unwrap().imported, 0);
}

#[test]
fn a_changed_split_needs_a_later_month() {
    let mut ledger = ledger_with_parties();
    import_contracts_and_splits(&mut ledger, &[splits("GBAYE2400201,,P001,0.5,,2025-01\n")]).unwrap();
    assert_eq!(
        import_problems(import_contracts_and_splits(&mut ledger, &[splits("GBAYE2400201,,P001,0.6,,\n")]).unwrap_err()),
        ["splits.csv:2:1: valid_from: SPLIT-GBAYE2400201 version 1 in the ledger (from 2025-01) splits GBAYE2400201 differently; give the month the new split applies from in valid_from"]
    );
    assert_eq!(
        import_problems(import_contracts_and_splits(&mut ledger, &[splits("GBAYE2400201,,P001,0.6,,2024-12\n")]).unwrap_err()),
        ["splits.csv:2:1: valid_from: \"2024-12\" is not after version 1's \"2025-01\": each version must apply from a later month than the one before"]
    );
    assert_eq!(contract_versions(&ledger, "SPLIT-GBAYE2400201").unwrap().len(), 1);
}

#[test]
fn a_split_shows_like_any_contract() {
    let mut ledger = ledger_with_parties();
    import_contracts_and_splits(&mut ledger, &[example()]).unwrap();
    let stored = latest_contract(&ledger, "SPLIT-GBAYE2400201").unwrap().unwrap();
    assert!(stored.source_text.starts_with("# A simple split, generated from a splits CSV"));
    assert_eq!(stored.contract.payees[0].name.as_deref(), Some("Winter Radio"), "payees are named from the ledger's parties");
    let text = describe(&stored.contract);
    assert!(text.starts_with("SPLIT-GBAYE2400201 version 1 (in force from 2025-01): Split of track GBAYE2400201"), "{text}");
}

#[test]
fn contract_files_and_splits_files_import_together() {
    let mut ledger = ledger_with_parties();
    let toml = SourceFile::new(
        "featured-artist.toml",
        std::fs::read_to_string(format!("{}/../../docs/examples/contracts/featured-artist.toml", env!("CARGO_MANIFEST_DIR"))).unwrap(),
    );
    let report = import_contracts_and_splits(&mut ledger, &[toml, example()]).unwrap();
    assert_eq!(report.imported, 4);
}

#[test]
fn without_a_ledger_every_split_is_version_one() {
    let sources = split_sources(&example(), None).unwrap().unwrap();
    assert_eq!(sources.len(), 3);
    assert!(sources.iter().all(|source| source.text.contains("\nversion = 1\n")));
}

// One test per problem, with the exact message.

#[test]
fn a_missing_header_column_is_named() {
    let file = SourceFile::new("splits.csv", "isrc,upc,share\nGBAYE2400201,,0.5\n");
    assert_eq!(
        problems(&file),
        ["splits.csv:1:1: payee: the header has no payee column; a splits file has the columns isrc or upc (or both), payee and share, and optionally recoupable and valid_from"]
    );
}

#[test]
fn a_row_with_both_an_isrc_and_a_upc_is_refused() {
    assert_eq!(
        problems(&splits("GBAYE2400201,5012345000107,P001,0.5,,\n")),
        ["splits.csv:2:1: isrc: \"GBAYE2400201\" and upc \"5012345000107\" are both given; a row splits one recording: give the ISRC of a track or the UPC of a release, not both"]
    );
}

#[test]
fn a_row_with_neither_an_isrc_nor_a_upc_is_refused() {
    assert_eq!(
        problems(&splits(",,P001,0.5,,\n")),
        ["splits.csv:2:1: isrc: the row names no recording: give the ISRC of a track or the UPC of a release"]
    );
}

#[test]
fn a_malformed_isrc_is_refused() {
    assert_eq!(
        problems(&splits("GBAYE24O0201,,P001,0.5,,\n")),
        ["splits.csv:2:1: isrc: ISRC \"GBAYE24O0201\": character 8 is 'O', but the designation (NNNNN in CC-XXX-YY-NNNNN) must be digits"]
    );
}

#[test]
fn a_upc_with_a_wrong_check_digit_is_refused() {
    assert_eq!(
        problems(&splits(",5012345000108,P001,0.5,,\n")),
        ["splits.csv:2:2: upc: EAN \"5012345000108\" check digit is 8, expected 7"]
    );
}

#[test]
fn a_share_that_is_not_a_decimal_is_refused() {
    assert_eq!(
        problems(&splits("GBAYE2400201,,P001,half,,\n")),
        ["splits.csv:2:20: share: \"half\" is not a decimal; write a fraction such as 0.25 or a percentage such as 25%"]
    );
}

#[test]
fn a_share_out_of_range_is_refused() {
    assert_eq!(
        problems(&splits("GBAYE2400201,,P001,150%,,\nGBAYE2400202,,P001,0,,\n")),
        [
            "splits.csv:2:20: share: \"150%\" is out of range; a share is above 0 and at most 1 (100%)",
            "splits.csv:3:20: share: \"0\" is out of range; a share is above 0 and at most 1 (100%)",
        ]
    );
}

#[test]
fn shares_of_a_track_above_one_are_refused() {
    assert_eq!(
        problems(&splits("GBAYE2400201,,P001,0.6,,\nGBAYE2400201,,P002,50%,,\n")),
        ["splits.csv:3:20: share: the shares of GBAYE2400201 add up to 1.1 (P001 0.6 + P002 0.5), more than all of the receipts; they must add up to 1 at most (the label keeps the rest)"]
    );
}

#[test]
fn a_payee_twice_on_one_track_is_refused() {
    assert_eq!(
        problems(&splits("GBAYE2400201,,P001,0.2,,\nGB-AYE-24-00201,,P001,0.3,,\n")),
        ["splits.csv:3:18: payee: \"P001\" is already a payee of GBAYE2400201 on line 2; give each payee one row per recording, with the whole share"]
    );
}

#[test]
fn an_unknown_payee_is_refused_when_a_ledger_is_given() {
    let mut ledger = ledger_with_parties();
    let file = splits("GBAYE2400201,,P999,0.5,,\n");
    assert!(check_contracts_and_splits(std::slice::from_ref(&file)).is_ok(), "without a ledger parties are not known");
    assert_eq!(
        import_problems(import_contracts_and_splits(&mut ledger, &[file]).unwrap_err()),
        ["splits.csv:2:15: payee: \"P999\" is not a party in the ledger; import it first (ledgerline catalog import parties.csv) or correct the id"]
    );
}

#[test]
fn every_problem_of_a_file_is_listed() {
    let file = splits("GBAYE2400201,,P001,abc,maybe,2025-13\n,,P002,0.5,,\n");
    assert_eq!(problems(&file).len(), 4);
}
