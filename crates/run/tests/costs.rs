//! The costs file against a ledger: what is refused (and that a refused file stores nothing),
//! recoupable_percent checked against the contract, and the identity of cost rows (cost_id,
//! re-importing a file that has grown).

use ledgerline_catalog::{import_catalog, read_catalog_file};
use ledgerline_contracts::{import_contracts, SourceFile};
use ledgerline_run::{import_costs, RunError};
use ledgerline_store::Ledger;

const PARTIES: &str = "party_id,name,kind,email,country,vat_id,tax_residence\nP-SAMI,Sami Jansen,artist,,NL,,NL\n";
const CATALOG: &str = "release_upc,catalog_number,release_title,release_artist,label,release_date,release_format,disc_number,track_number,isrc,track_title,track_artist,duration_seconds,track_version\n\
     5012345000060,,First Album,,,,,,,,,,,\n\
     5012345000077,,Second Album,,,,,,,,,,,\n";
/// `docs/examples/contracts/advances-and-costs.toml`: recording 1, video 0.5, tour_support 1 for
/// 5012345000060 only; advances of 2024-09-01 (1) and 2025-06-01 (1 and 0.8).
const CONTRACT: &str = include_str!("../../../docs/examples/contracts/advances-and-costs.toml");
const HEADER: &str = "date,contract_id,party_id,release_upc,kind,amount,currency,recoupable_percent,description,cost_id\n";

fn ledger() -> Ledger {
    let mut ledger = Ledger::open_in_memory().unwrap();
    for (name, text) in [("parties.csv", PARTIES), ("catalog.csv", CATALOG)] {
        let file = read_catalog_file(name, text.as_bytes()).unwrap();
        import_catalog(&mut ledger, &file.catalog).unwrap();
    }
    import_contracts(&mut ledger, &[SourceFile::new("advances-and-costs.toml", CONTRACT)]).unwrap();
    ledger
}

fn count(ledger: &Ledger, table: &str) -> i64 {
    ledger.connection().query_row(&format!("SELECT count(*) FROM {table}"), [], |row| row.get(0)).unwrap()
}

/// The problems of a refused file, and that nothing was stored.
fn refused(ledger: &mut Ledger, text: &str) -> Vec<String> {
    let (costs, imports) = (count(ledger, "costs"), count(ledger, "cost_imports"));
    let problems = match import_costs(ledger, text, "costs.csv") {
        Err(RunError::BadFile { problems }) => problems,
        other => panic!("refused, not {other:?}"),
    };
    assert_eq!((count(ledger, "costs"), count(ledger, "cost_imports")), (costs, imports), "a refused file stores nothing");
    problems
}

#[test]
fn a_catalogue_of_bad_costs_files_each_refused_with_its_place_and_nothing_stored() {
    let cases: &[(&str, &str)] = &[
        // A contract not in the ledger.
        (
            "2025-03-01,C999,,,recording,100,EUR,,Studio,\n",
            "costs.csv:2:2: contract_id: \"C999\" is not a contract in the ledger (the contracts are EX-RECOUPMENT); import the contract first (ledgerline contracts import FILE) or correct the id",
        ),
        // A misspelt kind, without recoupable_percent.
        (
            "2025-03-01,EX-RECOUPMENT,,,recordng,100,EUR,,Studio,\n",
            "costs.csv:2:5: kind: contract EX-RECOUPMENT (version 1) has no [[costs]] entry for \"recordng\", so this cost would never be recouped; it recoups recording (1), video (0.5), tour_support of release 5012345000060 (1); correct the kind if it is misspelt, or write 0 in recoupable_percent to record the label's own cost",
        ),
        // A kind the contract recoups for one release only, on another release.
        (
            "2025-03-01,EX-RECOUPMENT,,5012345000077,tour_support,100,EUR,,Tour,\n",
            "costs.csv:2:5: kind: contract EX-RECOUPMENT (version 1) has no [[costs]] entry for \"tour_support\" costs of release 5012345000077, so this cost would never be recouped; it recoups recording (1), video (0.5), tour_support of release 5012345000060 (1); correct the kind if it is misspelt, or write 0 in recoupable_percent to record the label's own cost",
        ),
        // recoupable_percent says 0 where the contract recoups 1.
        (
            "2025-03-01,EX-RECOUPMENT,,,recording,100,EUR,0,Studio,\n",
            "costs.csv:2:8: recoupable_percent: 0 here, but contract EX-RECOUPMENT (version 1, the one for 2025-03-01) recoups 1 of recording costs; the contract decides what is recouped: correct the column (or leave it empty), or import a new version of the contract",
        ),
        // recoupable_percent on a kind the contract does not recoup.
        (
            "2025-03-01,EX-RECOUPMENT,,,marketing,100,EUR,1,Ads,\n",
            "costs.csv:2:8: recoupable_percent: 1 here, but contract EX-RECOUPMENT (version 1, the one for 2025-03-01) has no [[costs]] entry for \"marketing\", so it recoups 0 of it; it recoups recording (1), video (0.5), tour_support of release 5012345000060 (1); the contract decides what is recouped: correct the column (or leave it empty), or import a new version of the contract",
        ),
        // An advance paid on a day the contract has advances of 1 and 0.8.
        (
            "2025-06-01,EX-RECOUPMENT,,,advance,1000,EUR,0.5,Equipment,\n",
            "costs.csv:2:8: recoupable_percent: 0.5 here, but contract EX-RECOUPMENT (version 1, the one for 2025-06-01) recoups 1 of its advance of 2025-06-01 and 0.8 of its advance of 2025-06-01 ([[advances]]); the contract decides what is recouped: correct the column (or leave it empty), or import a new version of the contract",
        ),
        // A percentage where a fraction belongs.
        (
            "2025-03-01,EX-RECOUPMENT,,,video,100,EUR,50,Video,\n",
            "costs.csv:2:8: recoupable_percent: \"50\" is not between 0 and 1: write the part recouped as a fraction, as contracts do (1 fully, 0.5 half, 0 not at all)",
        ),
        (
            "2025-03-01,EX-RECOUPMENT,,,video,100,EUR,50%,Video,\n",
            "costs.csv:2:8: recoupable_percent: \"50%\" is not a fraction: write the part recouped as contracts do (1 fully, 0.5 half, 0 not at all)",
        ),
        // An amount that is not a decimal, named once.
        (
            "2025-03-01,EX-RECOUPMENT,,,recording,abc,EUR,,Studio,\n",
            "costs.csv:2:6: amount: \"abc\" is not a decimal number: unexpected 'a' at character 1",
        ),
        // A party and a release the ledger does not have.
        (
            "2025-03-01,EX-RECOUPMENT,P-NOBODY,,recording,100,EUR,,Studio,\n",
            "costs.csv:2:3: party_id: \"P-NOBODY\" is not a party in the ledger; import it first (ledgerline catalog import parties.csv) or correct the id",
        ),
        (
            "2025-03-01,EX-RECOUPMENT,,5012345000015,recording,100,EUR,,Studio,\n",
            "costs.csv:2:4: release_upc: 5012345000015 is not a release in the catalog; import the catalog first (ledgerline catalog import FILE) or correct the code",
        ),
        // The same cost twice without cost_ids, and one cost_id twice.
        (
            "2025-03-01,EX-RECOUPMENT,,,recording,100,EUR,,Studio,\n2025-03-01,EX-RECOUPMENT,,,recording,100.00,EUR,,Studio,\n",
            "costs.csv:3:1: the same cost (every column) as line 2; leave one out if they are one cost, or give each its own cost_id if they are two",
        ),
        (
            "2025-03-01,EX-RECOUPMENT,,,recording,100,EUR,,Studio,INV-1\n2025-03-02,EX-RECOUPMENT,,,recording,200,EUR,,Mixing,INV-1\n",
            "costs.csv:3:10: cost_id: \"INV-1\" is also the cost_id of line 2; each cost has its own",
        ),
    ];
    for (rows, expected) in cases {
        let mut ledger = ledger();
        let problems = refused(&mut ledger, &format!("{HEADER}{rows}"));
        assert_eq!(problems, vec![expected.to_string()], "{rows}");
    }
}

#[test]
fn every_problem_of_a_file_is_listed_in_line_order() {
    let mut ledger = ledger();
    let text = format!("{HEADER}2025-03-01,C999,,,recording,100,EUR,,Studio,\n2025-02-30,EX-RECOUPMENT,,,recording,100,EUR,,Studio,\n2025-03-01,EX-RECOUPMENT,,,recordng,100,EUR,,Studio,\n");
    let problems = refused(&mut ledger, &text);
    let places: Vec<&str> = problems.iter().map(|problem| problem.split(": ").next().unwrap()).collect();
    assert_eq!(places, ["costs.csv:2:2", "costs.csv:3:1", "costs.csv:4:5"], "{problems:#?}");
}

#[test]
fn recoupable_percent_that_agrees_and_the_labels_own_costs_are_recorded() {
    let mut ledger = ledger();
    let text = format!(
        "{HEADER}2025-03-01,EX-RECOUPMENT,P-SAMI,5012345000060,recording,1500.00,EUR,1,Studio,\n\
         2025-03-02,EX-RECOUPMENT,,5012345000060,video,800,EUR,0.50,Video,\n\
         2025-03-03,EX-RECOUPMENT,,5012345000060,tour_support,300,EUR,,Tour,\n\
         2025-03-04,EX-RECOUPMENT,,,marketing,200,EUR,0,Ads,\n\
         2024-09-01,EX-RECOUPMENT,P-SAMI,,advance,5000,EUR,1,On signature,\n\
         2025-06-01,EX-RECOUPMENT,,,advance,1000,EUR,0.8,Equipment,\n"
    );
    let outcome = import_costs(&mut ledger, &text, "costs.csv").unwrap();
    assert_eq!((outcome.status, outcome.rows, outcome.recorded), ("imported", 6, 6));
    assert_eq!(outcome.not_recouped.len(), 1);
    assert_eq!((outcome.not_recouped[0].line, outcome.not_recouped[0].kind.as_str()), (5, "marketing"));
    assert_eq!(count(&ledger, "costs"), 6);
    // The same bytes again: nothing changes.
    let again = import_costs(&mut ledger, &text, "costs.csv").unwrap();
    assert_eq!((again.status, again.recorded), ("already_imported", 0));
    assert_eq!(count(&ledger, "costs"), 6);
}

#[test]
fn a_grown_file_without_cost_ids_is_refused_naming_the_rows_already_recorded() {
    let mut ledger = ledger();
    let two = format!("{HEADER}2025-03-01,EX-RECOUPMENT,,,recording,1500,EUR,,Studio,\n2025-03-02,EX-RECOUPMENT,,,video,800,EUR,,Video,\n");
    assert_eq!(import_costs(&mut ledger, &two, "costs.csv").unwrap().recorded, 2);
    let three = format!("{two}2025-04-01,EX-RECOUPMENT,,,recording,500,EUR,,Mastering,\n");
    let problems = refused(&mut ledger, &three);
    assert_eq!(
        problems,
        [
            "costs.csv:2:1: the same cost (every column) is already recorded, from costs.csv:2; leave the row out if it is that cost; if it is another cost with the same figures, tell the two apart in description (an invoice number, say): the recorded one has no cost_id",
            "costs.csv:3:1: the same cost (every column) is already recorded, from costs.csv:3; leave the row out if it is that cost; if it is another cost with the same figures, tell the two apart in description (an invoice number, say): the recorded one has no cost_id",
        ]
    );
    // Adding cost_ids afterwards does not make the recorded rows new costs.
    let with_ids = format!(
        "{HEADER}2025-03-01,EX-RECOUPMENT,,,recording,1500,EUR,,Studio,A-1\n2025-03-02,EX-RECOUPMENT,,,video,800,EUR,,Video,A-2\n2025-04-01,EX-RECOUPMENT,,,recording,500,EUR,,Mastering,A-3\n"
    );
    assert_eq!(refused(&mut ledger, &with_ids).len(), 2);
    // Only the new row: recorded.
    let new = format!("{HEADER}2025-04-01,EX-RECOUPMENT,,,recording,500,EUR,,Mastering,\n");
    assert_eq!(import_costs(&mut ledger, &new, "costs-april.csv").unwrap().recorded, 1);
    assert_eq!(count(&ledger, "costs"), 3);
}

#[test]
fn a_grown_file_with_cost_ids_records_only_its_new_rows() {
    let mut ledger = ledger();
    let two = format!("{HEADER}2025-03-01,EX-RECOUPMENT,,,recording,1500,EUR,,Studio,INV-1\n2025-03-02,EX-RECOUPMENT,,,video,800,EUR,,Video,INV-2\n");
    let first = import_costs(&mut ledger, &two, "costs.csv").unwrap();
    assert_eq!((first.status, first.recorded), ("imported", 2));
    // Two costs with the same figures are two costs when their cost_ids say so.
    let three = format!("{two}2025-03-01,EX-RECOUPMENT,,,recording,1500,EUR,,Studio,INV-3\n");
    let second = import_costs(&mut ledger, &three, "costs.csv").unwrap();
    assert_eq!((second.status, second.rows, second.recorded), ("imported", 3, 1));
    let skipped: Vec<(u64, &str, &str)> =
        second.already_recorded.iter().map(|row| (row.line, row.cost_id.as_str(), row.recorded_from.as_str())).collect();
    assert_eq!(skipped, [(2, "INV-1", "costs.csv:2"), (3, "INV-2", "costs.csv:3")]);
    assert_eq!(count(&ledger, "costs"), 3);
    // The same rows in another order: every one known, nothing changes.
    let reordered = format!("{HEADER}2025-03-01,EX-RECOUPMENT,,,recording,1500,EUR,,Studio,INV-3\n2025-03-02,EX-RECOUPMENT,,,video,800.00,EUR,,Video,INV-2\n");
    let third = import_costs(&mut ledger, &reordered, "costs-copy.csv").unwrap();
    assert_eq!((third.status, third.recorded, third.already_recorded.len()), ("already_imported", 0, 2));
    assert_eq!((count(&ledger, "costs"), count(&ledger, "cost_imports")), (3, 2));
}

#[test]
fn a_cost_id_recorded_with_other_content_is_a_conflict() {
    let mut ledger = ledger();
    let first = format!("{HEADER}2025-03-01,EX-RECOUPMENT,,,recording,1500,EUR,,Studio,INV-1\n");
    import_costs(&mut ledger, &first, "march.csv").unwrap();
    let changed = format!("{HEADER}2025-03-01,EX-RECOUPMENT,,,recording,1600,EUR,,Studio and mixing,INV-1\n");
    assert_eq!(
        refused(&mut ledger, &changed),
        ["costs.csv:2:10: cost_id: \"INV-1\" was recorded from march.csv:2 with other content (amount \"1500\" there, \"1600\" here, description \"Studio\" there, \"Studio and mixing\" here); a recorded cost is never changed: to correct it, record its reversal (the negative amount) and the correct cost, each under a new cost_id"]
    );
    // A new cost_id on a cost recorded with another one: told apart, recorded.
    let other = format!("{HEADER}2025-03-01,EX-RECOUPMENT,,,recording,1500,EUR,,Studio,INV-9\n");
    assert_eq!(import_costs(&mut ledger, &other, "costs.csv").unwrap().recorded, 1);
    // The same content without a cost_id: which one it is cannot be told, refused.
    let bare = format!("{HEADER}2025-03-01,EX-RECOUPMENT,,,recording,1500,EUR,,Studio,\n");
    let problems = refused(&mut ledger, &bare);
    assert_eq!(
        problems,
        ["costs.csv:2:1: the same cost (every column) is already recorded, from march.csv:2; leave the row out if it is that cost; if it is another cost with the same figures, give it a cost_id of its own"]
    );
}

#[test]
fn costs_stay_facts() {
    let mut ledger = ledger();
    let text = format!("{HEADER}2025-03-01,EX-RECOUPMENT,,,recording,1500,EUR,,Studio,INV-1\n");
    import_costs(&mut ledger, &text, "costs.csv").unwrap();
    let update = ledger.connection().execute("UPDATE costs SET cost_id = 'INV-2'", []);
    assert!(update.unwrap_err().to_string().contains("costs are facts"));
    let delete = ledger.connection().execute("DELETE FROM costs", []);
    assert!(delete.unwrap_err().to_string().contains("costs are facts"));
}
