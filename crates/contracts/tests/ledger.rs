//! Contract versions in the ledger: imported once, unchanged on re-import, a changed version
//! refused, versions in order, one transaction, the version in force for a month, parties that
//! must be in the ledger, and the same checks without storing (`check_contracts_in`).

use ledgerline_contracts::{
    check_contracts_in, contract_versions, contracts_in_force, describe, describe_with_parties, import_contracts, latest_contract,
    ledger_parties, ContractStoreError, ImportStatus, SourceFile,
};
use ledgerline_model::Month;
use ledgerline_store::Ledger;

fn example(name: &str) -> SourceFile {
    let path = format!("{}/../../docs/examples/contracts/{name}", env!("CARGO_MANIFEST_DIR"));
    SourceFile::new(name, std::fs::read_to_string(path).unwrap())
}

/// Every party the example contracts name, as `catalog import parties.csv` would store them.
const PARTIES: [(&str, &str); 22] = [
    ("P-BEACON", "Beacon Records"),
    ("P-BRAM", "Bram de Wit"),
    ("P-ESME", "Esme Laurent"),
    ("P-IDA", "Ida Holm"),
    ("P-INES", "Ines Petit"),
    ("P-LARS", "Lars Berg"),
    ("P-LINNEA", "Linnea Sand"),
    ("P-LOTTE", "Lotte Bakker"),
    ("P-MANAGER", "Mara Vos"),
    ("P-MARGOT", "Margot Lenoir"),
    ("P-MATEO", "Mateo Ruiz"),
    ("P-NOOR", "Noor Novak"),
    ("P-NOVAK", "Noor Novak"),
    ("P-SAMI", "Sami Jansen"),
    ("P-SVEN", "Sven Holm"),
    ("P-TAMSIN", "Tamsin Gray"),
    ("P-TAMSINW", "Tamsin Wells"),
    ("P-VERA", "Vera Bakker"),
    ("P-WINTER", "Winter Radio"),
    ("P001", "Winter Radio"),
    ("P002", "Ines Petit"),
    ("P003", "Lotte Bakker"),
];

/// A ledger with the parties of the examples, and no catalog.
fn new_ledger() -> Ledger {
    let ledger = Ledger::open_in_memory().unwrap();
    for (id, name) in PARTIES {
        ledger.connection().execute("INSERT INTO parties (id, name, kind) VALUES (?1, ?2, 'artist')", [id, name]).unwrap();
    }
    ledger
}

fn stored_count(ledger: &Ledger) -> i64 {
    ledger.connection().query_row("SELECT count(*) FROM contracts", [], |row| row.get(0)).unwrap()
}

fn problems(error: ContractStoreError) -> Vec<String> {
    match error {
        ContractStoreError::Invalid(errors) => errors.iter().map(ToString::to_string).collect(),
        other => panic!("expected problems in the files, got {other}"),
    }
}

fn month(text: &str) -> Month {
    Month::parse(text).unwrap()
}

#[test]
fn importing_again_changes_nothing() {
    let mut ledger = new_ledger();
    let files = vec![example("amended-contract.toml"), example("amended-contract-v2.toml"), example("royalty-rate-table.toml")];
    let first = import_contracts(&mut ledger, &files).unwrap();
    assert_eq!((first.imported, first.unchanged), (3, 0));
    assert!(first.contracts.iter().all(|contract| contract.status == ImportStatus::Imported));
    let again = import_contracts(&mut ledger, &files).unwrap();
    assert_eq!((again.imported, again.unchanged), (0, 3));
    assert_eq!(stored_count(&ledger), 3);
    let versions = contract_versions(&ledger, "EX-AMENDED").unwrap();
    assert_eq!(versions.iter().map(|version| version.version).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(versions[0].content_sha256.len(), 64);
    assert_eq!(latest_contract(&ledger, "EX-AMENDED").unwrap().unwrap().contract.version, 2);
    assert!(latest_contract(&ledger, "NO-SUCH").unwrap().is_none());
}

#[test]
fn a_changed_version_is_refused_and_nothing_of_the_batch_is_stored() {
    let mut ledger = new_ledger();
    import_contracts(&mut ledger, &[example("amended-contract.toml")]).unwrap();
    let mut changed = example("amended-contract.toml");
    changed.text = changed.text.replace("default_rate = \"0.18\"", "default_rate = \"0.19\"");
    let error = import_contracts(&mut ledger, &[example("royalty-rate-table.toml"), changed]).unwrap_err();
    assert_eq!(
        problems(error)[0].split(" (imported").next().unwrap(),
        "amended-contract.toml:5:11: version: EX-AMENDED version 1 is already in the ledger with different content"
    );
    assert_eq!(stored_count(&ledger), 1, "the good file of the batch was not stored either");
}

#[test]
fn versions_must_apply_from_increasing_months() {
    let mut ledger = new_ledger();
    let mut second = example("amended-contract-v2.toml");
    second.text = second.text.replace("valid_from = \"2026-03\"", "valid_from = \"2024-06\"");
    let error = import_contracts(&mut ledger, &[example("amended-contract.toml"), second]).unwrap_err();
    assert_eq!(
        problems(error),
        ["amended-contract-v2.toml:7:14: valid_from: \"2024-06\" is not after version 1's \"2024-06\": each version must apply from a later month than the one before"]
    );
    assert_eq!(stored_count(&ledger), 0);

    // Version 2 first, then a version 1 that would apply later: reported on version 1.
    import_contracts(&mut ledger, &[example("amended-contract-v2.toml")]).unwrap();
    let mut first = example("amended-contract.toml");
    first.text = first.text.replace("valid_from = \"2024-06\"", "valid_from = \"2026-04\"");
    assert_eq!(
        problems(import_contracts(&mut ledger, &[first]).unwrap_err()),
        ["amended-contract.toml:6:14: valid_from: \"2026-04\" is not before version 2's \"2026-03\": each version must apply from a later month than the one before"]
    );
}

#[test]
fn the_same_version_twice_in_one_import_must_be_the_same() {
    let mut ledger = new_ledger();
    let mut copy = example("amended-contract.toml");
    copy.name = "copy.toml".to_string();
    let same = import_contracts(&mut ledger, &[example("amended-contract.toml"), copy.clone()]).unwrap();
    assert_eq!((same.imported, same.unchanged), (1, 1));

    let mut ledger = new_ledger();
    copy.text = copy.text.replace("Sven Holm\"", "Sven Holm Jr\"");
    let problems = problems(import_contracts(&mut ledger, &[example("amended-contract.toml"), copy]).unwrap_err());
    assert_eq!(problems.len(), 1);
    assert!(problems[0].starts_with("copy.toml:5:11: version: EX-AMENDED version 1 is also in amended-contract.toml with different content"), "{problems:?}");
}

#[test]
fn a_payees_settings_agree_across_contracts() {
    let mut ledger = new_ledger();
    import_contracts(&mut ledger, &[example("payee-settings.toml")]).unwrap();
    let mut other = example("payee-settings.toml");
    other.name = "other.toml".to_string();
    other.text = other.text.replace("id = \"EX-SETTINGS\"", "id = \"EX-SETTINGS-2\"").replace("vat_rate = \"0.20\"", "vat_rate = \"0.0\"");
    let problems = problems(import_contracts(&mut ledger, &[other.clone()]).unwrap_err());
    assert_eq!(
        problems,
        ["other.toml:23:1: [payees.settings]: the settings of P-INES differ from those in EX-SETTINGS version 1; settings belong to the payee, so give them once or keep them the same in every contract"]
    );
    other.text = other.text.replace("vat_rate = \"0.0\"", "vat_rate = \"0.2\"");
    import_contracts(&mut ledger, &[other]).unwrap();
}

#[test]
fn the_version_in_force_is_the_latest_that_has_started() {
    let mut ledger = new_ledger();
    import_contracts(&mut ledger, &[example("amended-contract.toml"), example("amended-contract-v2.toml"), example("cross-collateralised-second.toml")]).unwrap();
    let in_force = |text: &str| -> Vec<(String, u32)> {
        contracts_in_force(&ledger, month(text)).unwrap().into_iter().map(|stored| (stored.contract.id, stored.contract.version)).collect()
    };
    assert_eq!(in_force("2024-05"), []);
    assert_eq!(in_force("2024-06"), [("EX-AMENDED".to_string(), 1)]);
    assert_eq!(in_force("2026-02"), [("EX-AMENDED".to_string(), 1), ("EX-GROUP-2".to_string(), 1)]);
    assert_eq!(in_force("2026-03"), [("EX-AMENDED".to_string(), 2), ("EX-GROUP-2".to_string(), 1)]);
}

#[test]
fn every_example_names_only_parties_of_the_examples_ledger() {
    let ledger = new_ledger();
    let folder = format!("{}/../../docs/examples/contracts", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(folder).unwrap().map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    let files: Vec<SourceFile> = names.iter().map(|name| example(name)).collect();
    let report = check_contracts_in(&ledger, &files).unwrap_or_else(|error| panic!("{:?}", problems(error)));
    assert_eq!(report.imported, files.len());
}

#[test]
fn a_payee_not_in_the_ledger_is_refused_with_its_place_and_nothing_is_stored() {
    let mut ledger = new_ledger();
    let mut unknown = example("payee-settings.toml");
    unknown.text = unknown.text.replace("party = \"P-INES\"", "party = \"P099\"");
    let problems = problems(import_contracts(&mut ledger, &[example("amended-contract.toml"), unknown]).unwrap_err());
    assert_eq!(
        problems,
        ["payee-settings.toml:19:9: [[payees]] party: \"P099\" is not a party in the ledger, so its statements would have no one to go to; import the party first (ledgerline catalog import parties.csv) or correct the id"]
    );
    assert_eq!(stored_count(&ledger), 0, "the good file of the batch was not stored either");
}

#[test]
fn a_transfer_to_a_party_not_in_the_ledger_is_refused() {
    let mut ledger = new_ledger();
    let mut unknown = example("manager-commission.toml");
    unknown.text = unknown.text.replace("to = \"P-MANAGER\"", "to = \"P-NOBODY\"");
    assert_eq!(
        problems(import_contracts(&mut ledger, &[unknown]).unwrap_err()),
        ["manager-commission.toml:28:6: [[transfers]] to: \"P-NOBODY\" is not a party in the ledger, so the transfer would have no one to go to; import the party first (ledgerline catalog import parties.csv) or correct the id"]
    );
    assert_eq!(stored_count(&ledger), 0);
}

#[test]
fn without_parties_the_hint_is_to_import_them_first() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    assert_eq!(
        problems(import_contracts(&mut ledger, &[example("payee-settings.toml")]).unwrap_err()),
        ["payee-settings.toml:19:9: [[payees]] party: \"P-INES\" is not a party in the ledger, so its statements would have no one to go to; the ledger has no parties yet: import them first (ledgerline catalog import parties.csv)"]
    );
}

#[test]
fn recordings_missing_from_the_catalog_are_warnings_not_refusals() {
    let mut ledger = new_ledger();
    let report = import_contracts(&mut ledger, &[example("payee-settings.toml")]).unwrap();
    assert_eq!(report.imported, 1);
    let warnings: Vec<String> = report.warnings.iter().map(ToString::to_string).collect();
    assert!(!warnings.is_empty());
    assert!(
        warnings[0].starts_with("payee-settings.toml:") && warnings[0].contains("[scope] ") && warnings[0].contains("is not in the catalog; its sales are matched to the contract through the catalog"),
        "{warnings:?}"
    );

    // With the recordings in the catalog, no warning.
    let stored = latest_contract(&ledger, "EX-SETTINGS").unwrap().unwrap().contract;
    for release in &stored.scope.releases {
        ledger.connection().execute("INSERT INTO releases (icpn, title) VALUES (?1, 'A release')", [release.as_str()]).unwrap();
    }
    for track in &stored.scope.tracks {
        ledger.connection().execute("INSERT INTO tracks (isrc, title) VALUES (?1, 'A track')", [track.as_str()]).unwrap();
    }
    let again = import_contracts(&mut ledger, &[example("payee-settings.toml")]).unwrap();
    assert_eq!((again.unchanged, again.warnings.len()), (1, 0));
}

#[test]
fn checking_against_the_ledger_finds_what_import_would_refuse_and_stores_nothing() {
    let mut ledger = new_ledger();
    import_contracts(&mut ledger, &[example("amended-contract.toml")]).unwrap();

    // A changed version 1.
    let mut changed = example("amended-contract.toml");
    changed.text = changed.text.replace("default_rate = \"0.18\"", "default_rate = \"0.19\"");
    let checked = problems(check_contracts_in(&ledger, std::slice::from_ref(&changed)).unwrap_err());
    let imported = problems(import_contracts(&mut ledger, &[changed]).unwrap_err());
    assert_eq!(checked, imported);
    assert!(checked[0].starts_with("amended-contract.toml:5:11: version: EX-AMENDED version 1 is already in the ledger with different content"), "{checked:?}");

    // A version 2 dated before version 1.
    let mut early = example("amended-contract-v2.toml");
    early.text = early.text.replace("valid_from = \"2026-03\"", "valid_from = \"2024-01\"");
    assert_eq!(
        problems(check_contracts_in(&ledger, &[early]).unwrap_err()),
        ["amended-contract-v2.toml:7:14: valid_from: \"2024-01\" is not after version 1's \"2024-06\": each version must apply from a later month than the one before"]
    );

    // A good new version: reported as an import would, and not stored.
    let report = check_contracts_in(&ledger, &[example("amended-contract.toml"), example("amended-contract-v2.toml")]).unwrap();
    assert_eq!((report.imported, report.unchanged), (1, 1));
    assert_eq!(stored_count(&ledger), 1, "a check stores nothing");
}

#[test]
fn a_description_names_the_payees_the_ledger_knows() {
    let mut ledger = new_ledger();
    let mut nameless = example("payee-settings.toml");
    nameless.text = nameless.text.replace("name = \"Ines Petit\"\n", "");
    import_contracts(&mut ledger, &[nameless]).unwrap();
    let contract = latest_contract(&ledger, "EX-SETTINGS").unwrap().unwrap().contract;
    assert_eq!(contract.payees[0].name, None);
    assert!(describe(&contract).contains("Paid to P-INES,"), "{}", describe(&contract));
    let text = describe_with_parties(&contract, &ledger_parties(&ledger).unwrap());
    assert!(text.contains("Paid to Ines Petit (P-INES),"), "{text}");
}
