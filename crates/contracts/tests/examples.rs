//! Every example in docs/examples/contracts reads, writes back and reads again to the same
//! contract, and all of them together pass the checks between files.

use std::path::PathBuf;

use ledgerline_contracts::{check_contracts, contract_to_toml, parse_contract, SourceFile};

fn examples() -> Vec<SourceFile> {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples/contracts");
    let mut files: Vec<SourceFile> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "toml"))
        .map(|path| SourceFile::new(format!("docs/examples/contracts/{}", path.file_name().unwrap().to_string_lossy()), std::fs::read_to_string(&path).unwrap()))
        .collect();
    files.sort_by(|left, right| left.name.cmp(&right.name));
    files
}

#[test]
fn every_example_reads_and_round_trips() {
    let files = examples();
    assert!(files.len() >= 12, "one example per mechanic");
    for file in &files {
        let contract = parse_contract(&file.text, &file.name).unwrap_or_else(|errors| {
            panic!("{}", errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))
        });
        let written = contract_to_toml(&contract);
        let again = parse_contract(&written, "written.toml").unwrap_or_else(|errors| {
            panic!("{}\n{written}", errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))
        });
        assert_eq!(contract, again, "{} round-trips", file.name);
        assert_eq!(contract_to_toml(&again), written, "{}: writing is stable", file.name);
    }
}

#[test]
fn the_examples_are_consistent_with_each_other() {
    let files = examples();
    let contracts = check_contracts(&files).unwrap_or_else(|errors| {
        panic!("{}", errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))
    });
    assert_eq!(contracts.len(), files.len());
}


#[test]
fn the_first_contract_in_the_reference_reads() {
    let reference = std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/contracts.md")).unwrap();
    let first = reference.split("```toml\n").nth(1).and_then(|rest| rest.split("```").next()).unwrap();
    let contract = parse_contract(first, "docs/contracts.md").unwrap_or_else(|errors| {
        panic!("{}", errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))
    });
    assert_eq!(contract.id, "C001");
}
