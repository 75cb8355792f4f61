//! The catalog's identifiers are valid for `ledgerline-model`; contracts reference parties,
//! releases and tracks that exist, and their payee shares add up to exactly 1; costs reference
//! contracts and parties that exist; the deal variety the engine needs is there.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use ledgerline_model::{Icpn, Isrc};
use ledgerline_money::Decimal;
use ledgerline_synth::{generate, SynthOptions};

/// Rows of a simple CSV (no quoted delimiters in these files' data is assumed, and checked:
/// every row has as many cells as the header).
fn csv_rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let text = fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(str::to_string).collect();
    lines
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            assert_eq!(cells.len(), header.len(), "{line}");
            header.iter().cloned().zip(cells.iter().map(|cell| cell.to_string())).collect()
        })
        .collect()
}

/// A contract file read just far enough for these checks: top-level keys, and the keys of each
/// table (`[[payees]]`, `[royalty]`, …) in order.
#[derive(Debug, Default)]
struct ContractFile {
    top: BTreeMap<String, String>,
    tables: Vec<(String, BTreeMap<String, String>)>,
}

impl ContractFile {
    fn parse(text: &str) -> ContractFile {
        let mut contract = ContractFile::default();
        for line in text.lines().map(str::trim).filter(|line| !line.is_empty() && !line.starts_with('#')) {
            if line.starts_with('[') {
                contract.tables.push((line.trim_matches(|character| character == '[' || character == ']').to_string(), BTreeMap::new()));
                continue;
            }
            let (key, value) = line.split_once(" = ").unwrap_or_else(|| panic!("not a key = value line: {line}"));
            let value = value.to_string();
            match contract.tables.last_mut() {
                Some((_, keys)) => keys.insert(key.to_string(), value),
                None => contract.top.insert(key.to_string(), value),
            };
        }
        contract
    }

    fn tables<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a BTreeMap<String, String>> + 'a {
        self.tables.iter().filter(move |(table, _)| table == name).map(|(_, keys)| keys)
    }
}

/// The content of a TOML basic string (these files use no escapes but `\"`).
fn string_value(value: &str) -> String {
    assert!(value.starts_with('"') && value.ends_with('"'), "{value} is a quoted string");
    value[1..value.len() - 1].replace("\\\"", "\"")
}

fn string_array(value: &str) -> Vec<String> {
    let inner = value.strip_prefix('[').and_then(|rest| rest.strip_suffix(']')).unwrap();
    inner.split(", ").filter(|item| !item.is_empty()).map(string_value).collect()
}

#[test]
fn catalog_contracts_and_costs_are_consistent() {
    let folder = tempfile::tempdir().unwrap();
    let summary = generate(&SynthOptions::default(), folder.path()).unwrap();
    let root = folder.path();

    // Catalog identifiers.
    let catalog = csv_rows(&root.join("catalog/catalog.csv"));
    let mut release_codes = BTreeSet::new();
    let mut release_lengths = BTreeSet::new();
    let mut isrc_release_years: BTreeMap<String, Vec<i32>> = BTreeMap::new();
    let mut isrc_releases: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for row in &catalog {
        let upc = &row["release_upc"];
        let icpn = Icpn::parse(upc).unwrap_or_else(|error| panic!("{error}"));
        release_codes.insert(icpn.as_str().to_string());
        release_lengths.insert(upc.len());
        let isrc = Isrc::parse(&row["isrc"]).unwrap_or_else(|error| panic!("{error}"));
        assert!(["GB", "DE", "FR", "NL", "SE", "US"].contains(&isrc.country_code()), "{isrc}");
        let year: i32 = row["release_date"][..4].parse().unwrap();
        isrc_release_years.entry(isrc.to_string()).or_default().push(year);
        isrc_releases.entry(isrc.to_string()).or_default().insert(icpn.as_str().to_string());
        let duration: u32 = row["duration_seconds"].parse().unwrap();
        assert!((60..=900).contains(&duration));
        assert!(["Album", "EP", "Single"].contains(&row["release_format"].as_str()));
    }
    assert_eq!(release_codes.len(), summary.releases);
    assert_eq!(isrc_releases.len(), summary.tracks);
    assert!(release_lengths.contains(&12) && release_lengths.contains(&13), "both UPC-A and EAN-13 appear");
    for (isrc, years) in &isrc_release_years {
        let first_year = years.iter().min().unwrap();
        assert_eq!(i32::from(Isrc::parse(isrc).unwrap().year_two_digits()), first_year % 100, "{isrc} carries its first release year");
    }
    assert!(isrc_releases.values().any(|releases| releases.len() == 2), "a track is on a single and its album");
    let oldest = isrc_release_years.values().flatten().min().unwrap();
    assert!(*oldest <= 2016, "part of the catalog is ten years old or more");

    // Parties.
    let parties = csv_rows(&root.join("catalog/parties.csv"));
    let party_ids: BTreeSet<String> = parties.iter().map(|row| row["party_id"].clone()).collect();
    assert_eq!(party_ids.len(), summary.parties);
    let kinds: BTreeSet<&str> = parties.iter().map(|row| row["kind"].as_str()).collect();
    assert_eq!(kinds, BTreeSet::from(["artist", "band_member", "featured_artist", "label", "producer"]));
    assert!(parties.iter().any(|row| !row["vat_id"].is_empty()) && parties.iter().any(|row| row["vat_id"].is_empty()));

    // Contracts.
    let mut contracts: Vec<ContractFile> = Vec::new();
    for entry in fs::read_dir(root.join("contracts")).unwrap() {
        let path = entry.unwrap().path();
        let contract = ContractFile::parse(&fs::read_to_string(&path).unwrap());
        let id = string_value(&contract.top["id"]);
        let version: u32 = contract.top["version"].parse().unwrap();
        let expected_name = if version == 1 { format!("{id}.toml") } else { format!("{id}-v{version}.toml") };
        assert_eq!(path.file_name().unwrap().to_string_lossy(), expected_name);

        if let Some(releases) = contract.top.get("releases") {
            for code in string_array(releases) {
                assert!(release_codes.contains(&code), "{id} covers unknown release {code}");
            }
        } else {
            for isrc in string_array(&contract.top["tracks"]) {
                assert!(isrc_releases.contains_key(&isrc), "{id} covers unknown track {isrc}");
            }
        }
        let mut share_total = Decimal::ZERO;
        for payee in contract.tables("payees") {
            let party = string_value(&payee["party"]);
            assert!(party_ids.contains(&party), "{id} pays unknown party {party}");
            share_total += Decimal::parse(&string_value(&payee["share"])).unwrap();
        }
        assert_eq!(share_total, Decimal::ONE, "payee shares of {id} add up to 1");
        for (table, keys) in &contract.tables {
            for (key, value) in keys {
                if ["rate", "default_rate", "percent", "share", "label_share", "amount"].contains(&key.as_str()) {
                    Decimal::parse(&string_value(value)).unwrap_or_else(|error| panic!("{id} [{table}] {key}: {error}"));
                }
            }
        }
        contracts.push(contract);
    }
    assert_eq!(contracts.len(), summary.contracts);

    let value_of = |contract: &ContractFile, key: &str| contract.top.get(key).map(|value| string_value(value));
    let has = |predicate: &dyn Fn(&ContractFile) -> bool| contracts.iter().any(predicate);
    assert!(has(&|contract| value_of(contract, "deal").as_deref() == Some("net_profit")
        && contract.tables("net_profit").any(|keys| string_value(&keys["label_share"]) == "0.50")));
    assert!(has(&|contract| contract.tables("royalty.rates").count() > 1 && contract.tables("royalty.escalations").count() > 0));
    assert!(has(&|contract| contract.tables("reserve").count() == 1 && contract.tables("deductions").count() > 0));
    assert!(has(&|contract| contract.tables("payees").count() > 1), "a band shares a deal");
    assert!(has(&|contract| contract.tables("payees").any(|keys| keys.get("from_record_one").map(String::as_str) == Some("true")
        && keys["recoupable"] == "false")));
    assert!(has(&|contract| value_of(contract, "currency").as_deref() == Some("GBP")));
    assert!(has(&|contract| contract.top["version"] == "2"), "an amended contract");
    let groups: Vec<String> = contracts
        .iter()
        .filter_map(|contract| value_of(contract, "cross_collateralisation"))
        .filter(|group| group != "payee" && group != "none")
        .collect();
    assert!(groups.len() >= 2 && groups.windows(2).any(|pair| pair[0] == pair[1]), "two contracts share a group");
    let amended: Vec<&ContractFile> = contracts.iter().filter(|contract| contract.top["version"] == "2").collect();
    for second in amended {
        let id = value_of(second, "id");
        let first = contracts.iter().find(|contract| value_of(contract, "id") == id && contract.top["version"] == "1").unwrap();
        assert!(value_of(second, "valid_from") > value_of(first, "valid_from"));
    }

    // Costs.
    let contract_ids: BTreeSet<String> = contracts.iter().filter_map(|contract| value_of(contract, "id")).collect();
    let costs = csv_rows(&root.join("costs/costs.csv"));
    let cost_kinds: BTreeSet<&str> = costs.iter().map(|row| row["kind"].as_str()).collect();
    assert!(cost_kinds.is_superset(&BTreeSet::from(["advance", "marketing", "recording", "video"])));
    for row in &costs {
        assert!(contract_ids.contains(&row["contract_id"]));
        assert!(row["party_id"].is_empty() || party_ids.contains(&row["party_id"]));
        assert!(row["release_upc"].is_empty() || release_codes.contains(Icpn::parse(&row["release_upc"]).unwrap().as_str()));
        Decimal::parse(&row["amount"]).unwrap();
        let recoupable = Decimal::parse(&row["recoupable_percent"]).unwrap();
        assert!(recoupable >= Decimal::ZERO && recoupable <= Decimal::ONE);
        if row["kind"] == "video" {
            assert_eq!(row["recoupable_percent"], "0.5");
        }
    }

    // FX: four directions for every month.
    let fx = csv_rows(&root.join("fx/fx-rates.csv"));
    assert_eq!(fx.len(), 6 * 4);
    for row in &fx {
        let rate = Decimal::parse(&row["rate"]).unwrap();
        assert_eq!(rate.fractional_digits().max(6), 6, "six decimals: {}", row["rate"]);
        assert!(rate > Decimal::parse("0.5").unwrap() && rate < Decimal::parse("1.5").unwrap());
    }
}
