//! Contract versions in the ledger: imported once, unchanged on re-import, a changed version
//! refused, versions in order, one transaction, and the version in force for a month.

use ledgerline_contracts::{
    contract_versions, contracts_in_force, import_contracts, latest_contract, ContractStoreError, ImportStatus, SourceFile,
};
use ledgerline_model::Month;
use ledgerline_store::Ledger;

fn example(name: &str) -> SourceFile {
    let path = format!("{}/../../docs/examples/contracts/{name}", env!("CARGO_MANIFEST_DIR"));
    SourceFile::new(name, std::fs::read_to_string(path).unwrap())
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
    let mut ledger = Ledger::open_in_memory().unwrap();
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
    let mut ledger = Ledger::open_in_memory().unwrap();
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
    let mut ledger = Ledger::open_in_memory().unwrap();
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
    let mut ledger = Ledger::open_in_memory().unwrap();
    let mut copy = example("amended-contract.toml");
    copy.name = "copy.toml".to_string();
    let same = import_contracts(&mut ledger, &[example("amended-contract.toml"), copy.clone()]).unwrap();
    assert_eq!((same.imported, same.unchanged), (1, 1));

    let mut ledger = Ledger::open_in_memory().unwrap();
    copy.text = copy.text.replace("Sven Holm\"", "Sven Holm Jr\"");
    let problems = problems(import_contracts(&mut ledger, &[example("amended-contract.toml"), copy]).unwrap_err());
    assert_eq!(problems.len(), 1);
    assert!(problems[0].starts_with("copy.toml:5:11: version: EX-AMENDED version 1 is also in amended-contract.toml with different content"), "{problems:?}");
}

#[test]
fn a_payees_settings_agree_across_contracts() {
    let mut ledger = Ledger::open_in_memory().unwrap();
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
    let mut ledger = Ledger::open_in_memory().unwrap();
    import_contracts(&mut ledger, &[example("amended-contract.toml"), example("amended-contract-v2.toml"), example("cross-collateralised-second.toml")]).unwrap();
    let in_force = |text: &str| -> Vec<(String, u32)> {
        contracts_in_force(&ledger, month(text)).unwrap().into_iter().map(|stored| (stored.contract.id, stored.contract.version)).collect()
    };
    assert_eq!(in_force("2024-05"), []);
    assert_eq!(in_force("2024-06"), [("EX-AMENDED".to_string(), 1)]);
    assert_eq!(in_force("2026-02"), [("EX-AMENDED".to_string(), 1), ("EX-GROUP-2".to_string(), 1)]);
    assert_eq!(in_force("2026-03"), [("EX-AMENDED".to_string(), 2), ("EX-GROUP-2".to_string(), 1)]);
}
