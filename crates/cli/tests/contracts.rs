//! `ledgerline contracts import|check|show`, run as the real binary in temporary folders.

use std::path::{Path, PathBuf};
use std::process::Output;

mod common;
use common::{ledgerline, stdout, stderr, json};

fn with_files(home: &Path, arguments: &[&str], files: &[PathBuf]) -> Output {
    let mut all: Vec<String> = arguments.iter().map(|argument| argument.to_string()).collect();
    all.extend(files.iter().map(|file| file.display().to_string()));
    let borrowed: Vec<&str> = all.iter().map(String::as_str).collect();
    ledgerline(home, &borrowed)
}

fn init(folder: &Path) -> PathBuf {
    let home = folder.join("home");
    let output = ledgerline(&home, &["init"]);
    assert!(output.status.success(), "{}", stderr(&output));
    home
}

/// Every party the documented examples name; contracts refer to parties of the ledger, so they
/// are imported first.
const EXAMPLE_PARTIES: &str = "party_id,name,kind,email,country,vat_id,tax_residence\n\
    P-BEACON,Beacon Records,label,,,,\n\
    P-BRAM,Bram de Wit,band_member,,,,\n\
    P-ESME,Esme Laurent,artist,,,,\n\
    P-IDA,Ida Holm,artist,,,,\n\
    P-INES,Ines Petit,artist,,,,\n\
    P-LARS,Lars Berg,producer,,,,\n\
    P-LINNEA,Linnea Sand,artist,,,,\n\
    P-LOTTE,Lotte Bakker,artist,,,,\n\
    P-MANAGER,Mara Vos,other,,,,\n\
    P-MARGOT,Margot Lenoir,artist,,,,\n\
    P-MATEO,Mateo Ruiz,producer,,,,\n\
    P-NOOR,Noor Novak,artist,,,,\n\
    P-NOVAK,Noor Novak,featured_artist,,,,\n\
    P-SAMI,Sami Jansen,artist,,,,\n\
    P-SVEN,Sven Holm,band_member,,,,\n\
    P-TAMSIN,Tamsin Gray,artist,,,,\n\
    P-TAMSINW,Tamsin Wells,artist,,,,\n\
    P-VERA,Vera Bakker,band_member,,,,\n\
    P-WINTER,Winter Radio,artist,,,,\n";

/// A home with the examples' parties (and no catalog).
fn init_with_parties(folder: &Path) -> PathBuf {
    let home = init(folder);
    let parties = folder.join("parties.csv");
    std::fs::write(&parties, EXAMPLE_PARTIES).unwrap();
    let output = ledgerline(&home, &["catalog", "import", parties.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    home
}

fn toml_files(folder: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "toml"))
        .collect();
    files.sort();
    files
}

fn examples() -> Vec<PathBuf> {
    toml_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples/contracts"))
}

fn stored_contracts(home: &Path) -> i64 {
    let connection = rusqlite::Connection::open(home.join("ledger.db")).unwrap();
    connection.query_row("SELECT count(*) FROM contracts", [], |row| row.get(0)).unwrap()
}

#[test]
fn every_synthetic_contract_imports_and_importing_again_changes_nothing() {
    let folder = tempfile::tempdir().unwrap();
    let label = folder.path().join("label");
    let generated = ledgerline(folder.path(), &["synth", "--out", label.to_str().unwrap()]);
    assert!(generated.status.success(), "{}", stderr(&generated));
    let home = init(folder.path());
    let catalog = ledgerline(&home, &["catalog", "import", label.join("catalog/catalog.csv").to_str().unwrap(), label.join("catalog/parties.csv").to_str().unwrap()]);
    assert!(catalog.status.success(), "{}", stderr(&catalog));
    let files = toml_files(&label.join("contracts"));
    assert!(files.len() > 10);

    let first = with_files(&home, &["--json", "contracts", "import"], &files);
    assert!(first.status.success(), "{}", stderr(&first));
    let report = json(&first);
    assert_eq!(report["imported"], files.len());
    assert_eq!(report["unchanged"], 0);
    assert_eq!(stored_contracts(&home), files.len() as i64);

    let again = with_files(&home, &["contracts", "import"], &files);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(stdout(&again).contains(&format!("0 imported, {} unchanged.", files.len())), "{}", stdout(&again));
    assert_eq!(stored_contracts(&home), files.len() as i64);

    // The amended contract shows its latest version and both versions in the ledger.
    let amended = files.iter().find(|file| file.file_name().unwrap().to_string_lossy().contains("-v2")).unwrap();
    let id = amended.file_name().unwrap().to_string_lossy().split("-v2").next().unwrap().to_string();
    let shown = ledgerline(&home, &["contracts", "show", &id]);
    assert!(shown.status.success(), "{}", stderr(&shown));
    let text = stdout(&shown);
    assert!(text.starts_with(&format!("{id} version 2 (in force from 2026-03)")), "{text}");
    assert!(text.contains("version 1 from") && text.contains("version 2 from 2026-03"), "{text}");
}

#[test]
fn each_documented_example_imports() {
    let folder = tempfile::tempdir().unwrap();
    let home = init_with_parties(folder.path());
    let files = examples();
    assert!(files.len() >= 12);
    for file in &files {
        let output = with_files(&home, &["contracts", "import"], std::slice::from_ref(file));
        assert!(output.status.success(), "{}: {}", file.display(), stderr(&output));
        assert!(stdout(&output).contains("1 imported, 0 unchanged."), "{}", stdout(&output));
    }
    let all = with_files(&home, &["contracts", "import"], &files);
    assert!(all.status.success(), "{}", stderr(&all));
    assert!(stdout(&all).contains(&format!("0 imported, {} unchanged.", files.len())));
}

#[test]
fn a_bad_file_is_refused_with_its_position_and_nothing_is_stored() {
    let folder = tempfile::tempdir().unwrap();
    let home = init_with_parties(folder.path());
    let bad = folder.path().join("C900.toml");
    let good = examples().into_iter().find(|file| file.ends_with("royalty-rate-table.toml")).unwrap();
    let text = std::fs::read_to_string(&good).unwrap().replace("id = \"EX-ROYALTY\"", "id = \"C900\"").replace("rate = \"0.23\"", "rate = \"1.5\"");
    std::fs::write(&bad, text).unwrap();

    let output = with_files(&home, &["contracts", "import"], &[good.clone(), bad.clone()]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let errors = stderr(&output);
    let expected = format!("{}:34:8: [[royalty.rates]] rate: \"1.5\" is above 1 (rates are fractions: 0.25 is 25%)", bad.display());
    assert!(errors.contains(&expected), "{errors}");
    assert!(errors.contains("1 problem in 1 of 2 files; nothing was imported"), "{errors}");
    assert_eq!(stored_contracts(&home), 0, "the good file of the batch is not stored either");

    let as_json = with_files(&home, &["--json", "contracts", "import"], std::slice::from_ref(&bad));
    assert_eq!(as_json.status.code(), Some(1));
    let report = json(&as_json);
    assert_eq!(report["status"], "refused");
    assert_eq!(report["problems"][0]["line"], 34);
    assert_eq!(report["problems"][0]["column"], 8);
    assert_eq!(report["problems"][0]["key"], "[[royalty.rates]] rate");

    // Check says the same without a home.
    let checked = with_files(&folder.path().join("no-home"), &["contracts", "check"], &[bad]);
    assert_eq!(checked.status.code(), Some(1));
    assert!(stderr(&checked).contains(&expected), "{}", stderr(&checked));
    assert!(!folder.path().join("no-home").exists(), "check creates nothing");
}

#[test]
fn check_validates_without_storing() {
    let folder = tempfile::tempdir().unwrap();
    let home = init_with_parties(folder.path());
    let output = with_files(&home, &["--json", "contracts", "check"], &examples());
    assert!(output.status.success(), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["status"], "ok");
    assert_eq!(report["contracts"].as_array().unwrap().len(), examples().len());
    assert_eq!(stored_contracts(&home), 0);

    let missing = ledgerline(&home, &["contracts", "check", "no-such-file.toml"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).contains("no-such-file.toml:1:1: cannot be read"), "{}", stderr(&missing));
}

#[test]
fn show_describes_the_contract_and_gives_the_model_as_json() {
    let folder = tempfile::tempdir().unwrap();
    let home = init_with_parties(folder.path());
    let imported = with_files(&home, &["contracts", "import"], &examples());
    assert!(imported.status.success(), "{}", stderr(&imported));

    let text = ledgerline(&home, &["contracts", "show", "EX-ROYALTY"]);
    assert!(text.status.success(), "{}", stderr(&text));
    assert!(stdout(&text).contains("- 10% for user-generated content on TikTok or Instagram"), "{}", stdout(&text));

    let model = json(&ledgerline(&home, &["--json", "contracts", "show", "EX-AMENDED", "1"]));
    assert_eq!(model["version"], 1);
    assert_eq!(model["contract"]["deal"]["kind"], "royalty");
    assert_eq!(model["contract"]["deal"]["rates"]["default_rate"], "0.18", "decimals are strings, never floats");
    assert_eq!(model["versions"].as_array().unwrap().len(), 2);

    let unknown = ledgerline(&home, &["contracts", "show", "NOPE"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(stderr(&unknown).contains("contract NOPE is not in the ledger"), "{}", stderr(&unknown));
    assert!(stderr(&unknown).contains("hint: contracts in the ledger: EX-AMENDED"), "{}", stderr(&unknown));
}

#[test]
fn a_contract_paying_a_party_not_in_the_ledger_is_refused_by_import_and_check() {
    let folder = tempfile::tempdir().unwrap();
    let home = init_with_parties(folder.path());
    let good = examples().into_iter().find(|file| file.ends_with("royalty-rate-table.toml")).unwrap();
    let unknown = folder.path().join("payee-settings.toml");
    let original = examples().into_iter().find(|file| file.ends_with("payee-settings.toml")).unwrap();
    std::fs::write(&unknown, std::fs::read_to_string(original).unwrap().replace("party = \"P-INES\"", "party = \"P099\"")).unwrap();
    let expected = format!(
        "{}:19:9: [[payees]] party: \"P099\" is not a party in the ledger, so its statements would have no one to go to; import the party first (ledgerline catalog import parties.csv) or correct the id",
        unknown.display()
    );

    let imported = with_files(&home, &["contracts", "import"], &[good.clone(), unknown.clone()]);
    assert_eq!(imported.status.code(), Some(1), "{}", stdout(&imported));
    assert!(stderr(&imported).contains(&expected), "{}", stderr(&imported));
    assert!(stderr(&imported).contains("1 problem in 1 of 2 files; nothing was imported"), "{}", stderr(&imported));
    assert_eq!(stored_contracts(&home), 0, "the good file of the batch is not stored either");

    let checked = with_files(&home, &["--json", "contracts", "check"], &[good, unknown]);
    assert_eq!(checked.status.code(), Some(1));
    assert!(stderr(&checked).contains(&expected), "{}", stderr(&checked));
    let report = json(&checked);
    assert_eq!(report["problems"][0]["key"], "[[payees]] party");
    assert_eq!((report["problems"][0]["line"].as_u64(), report["problems"][0]["column"].as_u64()), (Some(19), Some(9)));
}

#[test]
fn check_against_the_ledger_refuses_what_import_would_and_warns_about_the_catalog() {
    let folder = tempfile::tempdir().unwrap();
    let home = init_with_parties(folder.path());
    let first = examples().into_iter().find(|file| file.ends_with("amended-contract.toml")).unwrap();
    let imported = with_files(&home, &["contracts", "import"], std::slice::from_ref(&first));
    assert!(imported.status.success(), "{}", stderr(&imported));
    assert!(stdout(&imported).contains("warning: "), "the scope is not in the catalog: {}", stdout(&imported));

    // Version 1 changed after it was imported.
    let changed = folder.path().join("changed.toml");
    std::fs::write(&changed, std::fs::read_to_string(&first).unwrap().replace("default_rate = \"0.18\"", "default_rate = \"0.19\"")).unwrap();
    let checked = with_files(&home, &["contracts", "check"], std::slice::from_ref(&changed));
    assert_eq!(checked.status.code(), Some(1), "{}", stdout(&checked));
    assert!(stderr(&checked).contains(&format!("{}:5:11: version: EX-AMENDED version 1 is already in the ledger with different content", changed.display())), "{}", stderr(&checked));

    // A version 2 dated before version 1.
    let second = examples().into_iter().find(|file| file.ends_with("amended-contract-v2.toml")).unwrap();
    let early = folder.path().join("early.toml");
    std::fs::write(&early, std::fs::read_to_string(&second).unwrap().replace("valid_from = \"2026-03\"", "valid_from = \"2024-01\"")).unwrap();
    let checked = with_files(&home, &["contracts", "check"], std::slice::from_ref(&early));
    assert_eq!(checked.status.code(), Some(1));
    assert!(stderr(&checked).contains("valid_from: \"2024-01\" is not after version 1's \"2024-06\""), "{}", stderr(&checked));

    // The real version 2: fine, new, warned about the catalog, and not stored.
    let checked = with_files(&home, &["--json", "contracts", "check"], &[first, second]);
    assert!(checked.status.success(), "{}", stderr(&checked));
    let report = json(&checked);
    assert_eq!(report["ledger"], home.display().to_string());
    assert_eq!(report["contracts"][0]["status"], "unchanged");
    assert_eq!(report["contracts"][1]["status"], "new");
    let warning = report["warnings"][0]["message"].as_str().unwrap();
    assert!(warning.contains("is not in the catalog"), "{warning}");
    assert_eq!(stored_contracts(&home), 1, "check stores nothing");

    // Without a home, the files alone, and a note that says what was not checked.
    let alone = with_files(&folder.path().join("no-home"), &["contracts", "check"], std::slice::from_ref(&changed));
    assert!(alone.status.success(), "{}", stderr(&alone));
    assert!(stderr(&alone).contains("is not a Ledgerline home, so the files were checked on their own"), "{}", stderr(&alone));
}

#[test]
fn show_names_the_payee_from_the_ledger() {
    let folder = tempfile::tempdir().unwrap();
    let home = init_with_parties(folder.path());
    let original = examples().into_iter().find(|file| file.ends_with("payee-settings.toml")).unwrap();
    let nameless = folder.path().join("payee-settings.toml");
    std::fs::write(&nameless, std::fs::read_to_string(original).unwrap().replace("name = \"Ines Petit\"\n", "")).unwrap();
    let imported = with_files(&home, &["contracts", "import"], &[nameless]);
    assert!(imported.status.success(), "{}", stderr(&imported));
    let shown = ledgerline(&home, &["contracts", "show", "EX-SETTINGS"]);
    assert!(stdout(&shown).contains("Paid to Ines Petit (P-INES),"), "{}", stdout(&shown));
}
