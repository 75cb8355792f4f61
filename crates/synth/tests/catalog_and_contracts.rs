//! The catalog's identifiers are valid for `ledgerline-model`; contracts reference parties,
//! releases and tracks that exist, and their payee shares add up to exactly 1; costs reference
//! contracts and parties that exist; the deal variety the engine needs is there.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use ledgerline_contracts::{
    check_contracts, parse_contract, AccountingFrequency, Contract, CrossCollateralisation, Deal, DeductionAmount,
    EscalationThreshold, RateChange, SourceFile, Usage,
};
use ledgerline_model::{Icpn, Isrc};
use ledgerline_money::{Currency, Decimal};
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

    // Contracts, read with the contract format's own reader: every file is valid, and all of
    // them together pass the checks made between files on import.
    let mut contracts: Vec<Contract> = Vec::new();
    let mut sources: Vec<SourceFile> = Vec::new();
    for entry in fs::read_dir(root.join("contracts")).unwrap() {
        let path = entry.unwrap().path();
        let source = SourceFile::new(path.display().to_string(), fs::read_to_string(&path).unwrap());
        let contract = parse_contract(&source.text, &source.name)
            .unwrap_or_else(|errors| panic!("{}", errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")));
        let expected_name = if contract.version == 1 { format!("{}.toml", contract.id) } else { format!("{}-v{}.toml", contract.id, contract.version) };
        assert_eq!(path.file_name().unwrap().to_string_lossy(), expected_name);
        for code in &contract.scope.releases {
            assert!(release_codes.contains(code.as_str()), "{} covers unknown release {code}", contract.id);
        }
        for isrc in &contract.scope.tracks {
            assert!(isrc_releases.contains_key(isrc.as_str()), "{} covers unknown track {isrc}", contract.id);
        }
        for payee in &contract.payees {
            assert!(party_ids.contains(&payee.party), "{} pays unknown party {}", contract.id, payee.party);
        }
        for transfer in &contract.transfers {
            assert!(party_ids.contains(&transfer.to), "{} transfers to unknown party {}", contract.id, transfer.to);
        }
        let share_total: Decimal = contract.payees.iter().map(|payee| payee.share).sum();
        assert_eq!(share_total, Decimal::ONE, "payee shares of {} add up to 1", contract.id);
        contracts.push(contract);
        sources.push(source);
    }
    assert_eq!(contracts.len(), summary.contracts);
    check_contracts(&sources).unwrap_or_else(|errors| panic!("{}", errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")));
    let contract_ids: BTreeSet<String> = contracts.iter().map(|contract| contract.id.clone()).collect();
    for contract in &contracts {
        for payee in &contract.payees {
            if let Some(other) = &payee.recoupment_of {
                assert!(contract_ids.contains(other), "{} waits for unknown contract {other}", contract.id);
            }
        }
    }

    // Every mechanic of the format appears somewhere.
    let has = |what: &str, predicate: &dyn Fn(&Contract) -> bool| assert!(contracts.iter().any(predicate), "no contract has {what}");
    let rates = |contract: &Contract| contract.royalty().map(|terms| terms.rates.entries.clone()).unwrap_or_default();
    let escalations = |contract: &Contract| contract.royalty().map(|terms| terms.escalations.clone()).unwrap_or_default();
    has("a 50/50 net-profit deal", &|contract| matches!(&contract.deal, Deal::NetProfit(terms) if terms.label_share.to_string() == "0.5"));
    has("a rate table and escalations", &|contract| rates(contract).len() > 1 && !escalations(contract).is_empty());
    has("a rate by service", &|contract| rates(contract).iter().any(|entry| !entry.conditions.services.is_empty()));
    has("a rate by tier", &|contract| rates(contract).iter().any(|entry| !entry.conditions.tiers.is_empty()));
    has("a rate by territory", &|contract| rates(contract).iter().any(|entry| !entry.conditions.territories.is_empty()));
    has("a rate by configuration", &|contract| rates(contract).iter().any(|entry| !entry.conditions.configurations.is_empty()));
    has("a rate by usage", &|contract| rates(contract).iter().any(|entry| !entry.conditions.usages.is_empty()));
    has("an escalation by units", &|contract| escalations(contract).iter().any(|step| matches!(step.threshold, EscalationThreshold::AfterUnits(_))));
    has("an escalation by receipts", &|contract| escalations(contract).iter().any(|step| matches!(step.threshold, EscalationThreshold::AfterReceipts(_))));
    has("an escalation from a date", &|contract| escalations(contract).iter().any(|step| matches!(step.threshold, EscalationThreshold::From(_))));
    has("an escalation that raises every rate", &|contract| escalations(contract).iter().any(|step| matches!(step.change, RateChange::Increase(_))));
    has("a reserve and deductions", &|contract| contract.reserve.is_some() && !contract.deductions.is_empty());
    has("a reserve on physical sales only", &|contract| contract.reserve.as_ref().is_some_and(|reserve| reserve.usages == [Usage::Physical]));
    has("a deduction per unit", &|contract| contract.deductions.iter().any(|deduction| matches!(deduction.amount, DeductionAmount::PerUnit(_))));
    has("a band sharing a deal", &|contract| contract.payees.len() > 1);
    has("a payee paid from record one once another contract recoups", &|contract| {
        contract.payees.iter().any(|payee| payee.from_record_one && !payee.recoupable && payee.recoupment_of.is_some())
    });
    has("a payee who pays back nothing", &|contract| contract.payees.iter().any(|payee| !payee.recoupable && !payee.from_record_one));
    has("a GBP contract", &|contract| contract.currency == Currency::GBP);
    has("an amended contract", &|contract| contract.version == 2);
    has("an advance for one release", &|contract| contract.advances.iter().any(|advance| advance.release.is_some()));
    has("a partly recoupable advance", &|contract| contract.advances.iter().any(|advance| advance.recoupable < Decimal::ONE));
    has("video costs half recoupable", &|contract| {
        contract.recoupable_costs.iter().any(|cost| cost.kind == "video" && cost.recoupable.to_string() == "0.5")
    });
    has("no cross-collateralisation", &|contract| contract.cross_collateralisation == CrossCollateralisation::None);
    has("cross-collateralisation by payee", &|contract| contract.cross_collateralisation == CrossCollateralisation::Payee);
    has("a minimum payout", &|contract| contract.accounting.minimum_payout.is_positive());
    for frequency in [AccountingFrequency::Monthly, AccountingFrequency::Quarterly, AccountingFrequency::HalfYearly] {
        has(frequency.name(), &|contract| contract.accounting.frequency == frequency);
    }
    has("a term end", &|contract| contract.term.end.is_some());
    has("excluded territories", &|contract| !contract.scope.territories.exclude.is_empty());
    has("a transfer", &|contract| !contract.transfers.is_empty());
    let settings = |contract: &Contract| contract.payees.iter().filter_map(|payee| payee.settings.clone()).collect::<Vec<_>>();
    has("a self-billed VAT-registered payee", &|contract| settings(contract).iter().any(|found| found.vat.as_ref().is_some_and(|vat| vat.self_billing)));
    has("a payee paid by IBAN", &|contract| settings(contract).iter().any(|found| found.bank.is_some()));
    has("withholding tax", &|contract| settings(contract).iter().any(|found| found.withholding_tax_rate.is_positive()));
    let groups: Vec<String> = contracts
        .iter()
        .filter_map(|contract| match &contract.cross_collateralisation {
            CrossCollateralisation::Group(group) => Some(group.clone()),
            _ => None,
        })
        .collect();
    assert!(groups.len() >= 2 && groups.windows(2).any(|pair| pair[0] == pair[1]), "two contracts share a group");
    for second in contracts.iter().filter(|contract| contract.version == 2) {
        let first = contracts.iter().find(|contract| contract.id == second.id && contract.version == 1).unwrap();
        assert!(second.valid_from > first.valid_from);
    }

    // Costs.
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

    // FX: four directions for every month from the earliest cost (costs are converted at the
    // rates of their own months) through the reporting period and the latest cost, no gaps.
    let fx = csv_rows(&root.join("fx/fx-rates.csv"));
    let earliest_cost = costs.iter().map(|row| ledgerline_model::Date::parse(&row["date"]).unwrap().month()).min().unwrap();
    let months: BTreeSet<String> = fx.iter().map(|row| row["month"].clone()).collect();
    assert_eq!(months.first().unwrap(), &earliest_cost.to_string());
    let last = ledgerline_model::Month::parse(months.last().unwrap()).unwrap();
    assert_eq!(months.len(), earliest_cost.through(last).count(), "one set of rates per month, no gaps");
    assert_eq!(fx.len(), months.len() * 4);
    for row in &fx {
        let rate = Decimal::parse(&row["rate"]).unwrap();
        assert_eq!(rate.fractional_digits().max(6), 6, "six decimals: {}", row["rate"]);
        assert!(rate > Decimal::parse("0.5").unwrap() && rate < Decimal::parse("1.5").unwrap());
    }
}
