//! Reading and validating a contract file: every problem is collected, each with its position.
//!
//! The reference for what is read here is `docs/contracts.md`; the two change together.

use std::collections::BTreeMap;

use ledgerline_model::{Icpn, Isrc, Territory};
use ledgerline_money::{Currency, Decimal};
use toml::de::DeTable;

use crate::bank::{Bic, Iban};
use crate::error::ContractError;
use crate::model::{
    Accounting, AccountingFrequency, Advance, BankAccount, Basis, Conditions, Configuration, Contract, CrossCollateralisation,
    Deal, Deduction, DeductionAmount, Escalation, EscalationThreshold, NetProfitTerms, Payee, PayeeSettings, RateChange,
    RateEntry, RateTable, RecoupableCost, Reserve, RoyaltyTerms, Scope, TerritoryScope, Term, Tier, Transfer, TransferBase,
    Usage, VatRegistration,
};
use crate::reader::{suggestion, Document, Read, Span, Table};

const ROOT_KEYS: &[&str] = &[
    "id",
    "version",
    "valid_from",
    "title",
    "deal",
    "basis",
    "currency",
    "cross_collateralisation",
    "group",
    "notes",
    "term",
    "accounting",
    "scope",
    "payees",
    "royalty",
    "net_profit",
    "deductions",
    "advances",
    "costs",
    "reserve",
    "transfers",
];
const CONDITION_KEYS: [&str; 5] = ["service", "usage", "tier", "territory", "configuration"];
const RATE_HINT: &str = "0.25 is 25%";
const SHARE_HINT: &str = "0.25 is a quarter";
const LONGEST_IDENTIFIER: usize = 64;

/// Where some values were found, for problems noticed after reading (on import).
#[derive(Clone, Debug, Default)]
pub(crate) struct Positions {
    pub version: Span,
    pub valid_from: Span,
    /// Per payee party: where its `[payees.settings]` table is.
    pub settings: BTreeMap<String, Span>,
    /// Per payee party: where its `party = "…"` value is.
    pub payee_parties: BTreeMap<String, Span>,
    /// Per transfer, in file order: where its `to = "…"` value is.
    pub transfer_targets: Vec<Span>,
    /// Per release of the scope, in file order: where its code is written.
    pub scope_releases: Vec<Span>,
    /// Per track of the scope, in file order: where its code is written.
    pub scope_tracks: Vec<Span>,
}

/// Reads a contract file. `file_name` is only used in error messages (`contracts/C001.toml`).
///
/// Returns every problem found, sorted by position, or the contract when there is none.
pub fn parse_contract(text: &str, file_name: &str) -> Result<Contract, Vec<ContractError>> {
    parse_with_positions(text, file_name).map(|(contract, _)| contract)
}

pub(crate) fn parse_with_positions(text: &str, file_name: &str) -> Result<(Contract, Positions), Vec<ContractError>> {
    let mut document = Document::new(text, file_name);
    let parsed = match DeTable::parse(text) {
        Ok(parsed) => parsed,
        Err(error) => {
            let span = error.span().unwrap_or(0..0);
            document.error_at(&span, String::new(), format!("not valid TOML: {}", error.message().trim()));
            return Err(document.errors);
        }
    };
    let root = Table::root(parsed.get_ref());
    let mut positions = Positions::default();
    let contract = read_contract(&mut document, &root, &mut positions);
    let mut errors = document.errors;
    match contract {
        Some(contract) if errors.is_empty() => Ok((contract, positions)),
        _ => {
            if errors.is_empty() {
                // Every path that gives up records why; this is a guard against a silent refusal.
                errors.push(ContractError {
                    file: file_name.to_string(),
                    line: 1,
                    column: 1,
                    key: String::new(),
                    message: "the contract could not be read".to_string(),
                });
            }
            errors.sort();
            errors.dedup();
            Err(errors)
        }
    }
}

/// Ids of contracts and parties: what is safe in file names, URLs and statements.
fn is_identifier(text: &str) -> bool {
    let mut characters = text.chars();
    characters.next().is_some_and(|first| first.is_ascii_alphanumeric())
        && characters.all(|character| character.is_ascii_alphanumeric() || matches!(character, '-' | '_' | '.'))
        && text.len() <= LONGEST_IDENTIFIER
}

fn identifier(document: &mut Document<'_>, table: &Table<'_, '_>, key: &str, what: &str, explanation: &str) -> Option<String> {
    let read = document.required_string(table, key, explanation)?;
    if !is_identifier(&read.value) {
        document.error(
            table,
            key,
            &read.span,
            format!("{} is not a {what}: use letters, digits, '-', '_' and '.' (up to {LONGEST_IDENTIFIER}), starting with a letter or digit", read.written),
        );
        return None;
    }
    Some(read.value)
}

/// One of a fixed set of names, with a suggestion when it is close to one.
fn choice<T>(
    document: &mut Document<'_>,
    table: &Table<'_, '_>,
    key: &str,
    read: &Read<String>,
    what: &str,
    names: &[&str],
    parse: impl Fn(&str) -> Option<T>,
) -> Option<T> {
    let found = parse(read.value.trim());
    if found.is_none() {
        document.error(
            table,
            key,
            &read.span,
            format!("unknown {what} {}{}; expected one of {}", read.written, suggestion(&read.value, names), names.join(", ")),
        );
    }
    found
}

fn read_contract(document: &mut Document<'_>, root: &Table<'_, '_>, positions: &mut Positions) -> Option<Contract> {
    document.deny_unknown_keys(root, ROOT_KEYS);

    let id = identifier(document, root, "id", "contract id", "the contract's id, shared by all its versions, as in id = \"C001\"");
    let version = read_version(document, root, positions);
    let valid_from = if root.has("valid_from") {
        document.month(root, "valid_from").inspect(|read| positions.valid_from = read.span.clone()).map(|read| read.value)
    } else {
        document.missing(root, "valid_from", "the first month this version governs, as in valid_from = \"2026-01\"");
        None
    };
    let title = document.required_string(root, "title", "a name people recognise, as in title = \"Recording agreement: Winter Radio\"");
    let notes = document.optional_text(root, "notes");
    let currency = read_currency(document, root, "currency", true);
    let basis = read_basis(document, root);
    let cross_collateralisation = read_cross_collateralisation(document, root);
    let term = read_term(document, root);
    let accounting = read_accounting(document, root);
    let scope = read_scope(document, root, positions);
    let payees = read_payees(document, root, id.as_deref(), positions);
    let deal = read_deal(document, root);
    let deductions = read_deductions(document, root);
    let scope_releases: Vec<Icpn> = scope.as_ref().map(|scope| scope.releases.clone()).unwrap_or_default();
    let advances = read_advances(document, root, &scope_releases);
    let recoupable_costs = read_costs(document, root, &scope_releases);
    let reserve = read_reserve(document, root);
    let transfers = read_transfers(document, root, payees.as_deref().unwrap_or(&[]), positions);

    Some(Contract {
        id: id?,
        version: version?,
        valid_from: valid_from?,
        title: title?.value.trim().to_string(),
        deal: deal?,
        basis: basis?,
        currency: currency?,
        term: term?,
        accounting: accounting?,
        scope: scope?,
        payees: payees?,
        deductions: deductions?,
        advances: advances?,
        recoupable_costs: recoupable_costs?,
        cross_collateralisation: cross_collateralisation?,
        reserve: reserve?,
        transfers: transfers?,
        notes,
    })
}

fn read_version(document: &mut Document<'_>, root: &Table<'_, '_>, positions: &mut Positions) -> Option<u32> {
    if !root.has("version") {
        document.missing(root, "version", "1 for a new contract, the next number for each amendment, as in version = 1");
        return None;
    }
    let read = document.integer(root, "version")?;
    positions.version = read.span.clone();
    match u32::try_from(read.value) {
        Ok(version) if version >= 1 => Some(version),
        _ => {
            document.error(root, "version", &read.span, format!("{} is not a version: versions count from 1", read.written));
            None
        }
    }
}

fn read_currency(document: &mut Document<'_>, table: &Table<'_, '_>, key: &str, required: bool) -> Option<Currency> {
    if !table.has(key) {
        if required {
            document.missing(table, key, "the ISO 4217 code of the amounts in the contract, as in currency = \"EUR\"");
        }
        return None;
    }
    let read = document.string(table, key)?;
    match Currency::parse(&read.value) {
        Ok(currency) => Some(currency),
        Err(error) => {
            document.error(table, key, &read.span, error.to_string());
            None
        }
    }
}

fn read_basis(document: &mut Document<'_>, root: &Table<'_, '_>) -> Option<Basis> {
    if !root.has("basis") {
        return Some(Basis::NetReceipts);
    }
    let read = document.string(root, "basis")?;
    choice(document, root, "basis", &read, "basis", &["net_receipts", "gross_receipts"], |name| match name {
        "net_receipts" => Some(Basis::NetReceipts),
        "gross_receipts" => Some(Basis::GrossReceipts),
        _ => None,
    })
}

fn read_cross_collateralisation(document: &mut Document<'_>, root: &Table<'_, '_>) -> Option<CrossCollateralisation> {
    let kind = if root.has("cross_collateralisation") {
        let read = document.string(root, "cross_collateralisation")?;
        choice(document, root, "cross_collateralisation", &read, "cross-collateralisation", &["none", "payee", "group"], |name| {
            matches!(name, "none" | "payee" | "group").then(|| name.to_string())
        })?
    } else {
        "none".to_string()
    };
    let group = root.get("group").and_then(|_| document.string(root, "group"));
    if root.has("group") && group.is_none() {
        return None;
    }
    match (kind.as_str(), group) {
        ("group", Some(group)) if is_identifier(group.value.trim()) => Some(CrossCollateralisation::Group(group.value.trim().to_string())),
        ("group", Some(group)) => {
            document.error(root, "group", &group.span, format!("{} is not a group name: use letters, digits, '-', '_' and '.'", group.written));
            None
        }
        ("group", None) => {
            let span = root.get("cross_collateralisation").map(|value| value.span()).unwrap_or_default();
            document.error(
                root,
                "group",
                &span,
                "missing: cross_collateralisation = \"group\" needs the group's name, as in group = \"lotte-bakker-albums\"",
            );
            None
        }
        (_, Some(group)) => {
            document.error(
                root,
                "group",
                &group.span,
                "is only read with cross_collateralisation = \"group\"; remove it or set cross_collateralisation = \"group\"",
            );
            None
        }
        ("payee", None) => Some(CrossCollateralisation::Payee),
        (_, None) => Some(CrossCollateralisation::None),
    }
}

fn read_term(document: &mut Document<'_>, root: &Table<'_, '_>) -> Option<Term> {
    if !root.has("term") {
        document.missing_table("[term]", "a [term] table with the start date, as in [term] start = \"2026-01-15\"");
        return None;
    }
    let table = document.table(root, "term")?;
    document.deny_unknown_keys(&table, &["start", "end"]);
    let start = if table.has("start") {
        document.date(&table, "start")
    } else {
        document.missing(&table, "start", "the date the contract starts, as in start = \"2026-01-15\"");
        None
    };
    let end = table.get("end").and_then(|_| document.date(&table, "end"));
    if let (Some(start), Some(end)) = (&start, &end) {
        if end.value < start.value {
            document.error(&table, "end", &end.span, format!("{} is before the start {}", end.written, start.written));
            return None;
        }
    }
    if table.has("end") && end.is_none() {
        return None;
    }
    Some(Term { start: start?.value, end: end.map(|read| read.value) })
}

fn read_accounting(document: &mut Document<'_>, root: &Table<'_, '_>) -> Option<Accounting> {
    let Some(table) = root.get("accounting").and_then(|_| document.table(root, "accounting")) else {
        return if root.has("accounting") {
            None
        } else {
            Some(Accounting { frequency: AccountingFrequency::HalfYearly, minimum_payout: Decimal::ZERO })
        };
    };
    document.deny_unknown_keys(&table, &["frequency", "minimum_payout"]);
    let frequency = match table.has("frequency") {
        false => Some(AccountingFrequency::HalfYearly),
        true => document.string(&table, "frequency").and_then(|read| {
            choice(document, &table, "frequency", &read, "frequency", &AccountingFrequency::NAMES, AccountingFrequency::parse)
        }),
    };
    let minimum_payout = match table.has("minimum_payout") {
        false => Some(Decimal::ZERO),
        true => document.amount(&table, "minimum_payout", "a minimum payout is zero or more").map(|read| read.value),
    };
    Some(Accounting { frequency: frequency?, minimum_payout: minimum_payout? })
}

fn read_scope(document: &mut Document<'_>, root: &Table<'_, '_>, positions: &mut Positions) -> Option<Scope> {
    if !root.has("scope") {
        document.missing_table("[scope]", "a [scope] table listing the releases (UPC/EAN) or tracks (ISRC) the contract covers");
        return None;
    }
    let table = document.table(root, "scope")?;
    document.deny_unknown_keys(&table, &["releases", "tracks", "territories", "excluded_territories"]);
    let mut failed = false;

    let mut releases: Vec<Icpn> = Vec::new();
    for read in document.string_list(&table, "releases").unwrap_or_default() {
        match Icpn::parse(&read.value) {
            Ok(code) if releases.contains(&code) => {
                document.error(&table, "releases", &read.span, format!("{} is listed twice", read.written));
                failed = true;
            }
            Ok(code) => {
                releases.push(code);
                positions.scope_releases.push(read.span.clone());
            }
            Err(error) => {
                document.error(&table, "releases", &read.span, error.to_string());
                failed = true;
            }
        }
    }
    let mut tracks: Vec<Isrc> = Vec::new();
    for read in document.string_list(&table, "tracks").unwrap_or_default() {
        match Isrc::parse(&read.value) {
            Ok(code) if tracks.contains(&code) => {
                document.error(&table, "tracks", &read.span, format!("{} is listed twice", read.written));
                failed = true;
            }
            Ok(code) => {
                tracks.push(code);
                positions.scope_tracks.push(read.span.clone());
            }
            Err(error) => {
                document.error(&table, "tracks", &read.span, error.to_string());
                failed = true;
            }
        }
    }
    // A key that is there but unreadable has been reported already.
    if releases.is_empty() && tracks.is_empty() && !failed && !table.has("releases") && !table.has("tracks") {
        let span = table.span.clone();
        document.error_at(&span, table.name.clone(), "covers no recordings: list releases (UPC/EAN codes), tracks (ISRCs), or both");
        failed = true;
    }

    let include: Vec<Territory> = match table.has("territories") {
        false => vec![Territory::Worldwide],
        true => territory_list(document, &table, "territories", true, &mut failed).into_iter().map(|(territory, _)| territory).collect(),
    };
    let excluded = territory_list(document, &table, "excluded_territories", false, &mut failed);
    // Territories are the world or single countries, so only the world can have exceptions.
    if !include.iter().any(|territory| territory.is_worldwide()) {
        for (territory, read) in &excluded {
            let message = if include.contains(territory) {
                format!("{} is both included and excluded; remove it from territories instead", read.written)
            } else {
                format!("{} is not in territories, so there is nothing to exclude it from", read.written)
            };
            document.error(&table, "excluded_territories", &read.span, message);
            failed = true;
        }
    }
    let exclude: Vec<Territory> = excluded.into_iter().map(|(territory, _)| territory).collect();
    if failed {
        return None;
    }
    Some(Scope { releases, tracks, territories: TerritoryScope { include, exclude } })
}

/// Territories of a list; `worldwide_allowed` for inclusion lists, where `WW` means everywhere.
fn territory_list(
    document: &mut Document<'_>,
    table: &Table<'_, '_>,
    key: &str,
    worldwide_allowed: bool,
    failed: &mut bool,
) -> Vec<(Territory, Read<String>)> {
    let mut territories: Vec<(Territory, Read<String>)> = Vec::new();
    for read in document.string_list(table, key).unwrap_or_default() {
        match Territory::parse(&read.value) {
            Ok(Territory::Worldwide) if !worldwide_allowed => {
                document.error(table, key, &read.span, format!("{} means worldwide; only countries can be excluded", read.written));
                *failed = true;
            }
            Ok(territory) if territories.iter().any(|(listed, _)| *listed == territory) => {
                document.error(table, key, &read.span, format!("{} is listed twice", read.written));
                *failed = true;
            }
            Ok(territory) => territories.push((territory, read)),
            Err(error) => {
                document.error(table, key, &read.span, error.to_string());
                *failed = true;
            }
        }
    }
    if worldwide_allowed && territories.len() > 1 && territories.iter().any(|(territory, _)| territory.is_worldwide()) {
        let span = table.get(key).map(|value| value.span()).unwrap_or(table.span.clone());
        document.error(table, key, &span, "lists WW (worldwide) with countries; WW alone already covers them, use excluded_territories to carve some out");
        *failed = true;
    }
    territories
}

fn read_payees(document: &mut Document<'_>, root: &Table<'_, '_>, contract_id: Option<&str>, positions: &mut Positions) -> Option<Vec<Payee>> {
    let tables = document.tables(root, "payees");
    if tables.is_empty() {
        if !root.has("payees") {
            document.missing_table("[[payees]]", "at least one [[payees]] table with party and share");
        }
        return None;
    }
    let mut payees = Vec::new();
    let mut failed = false;
    let mut share_reads: Vec<(String, Read<Decimal>)> = Vec::new();
    for table in &tables {
        document.deny_unknown_keys(table, &["party", "name", "share", "recoupable", "from_record_one", "recoupment_of", "settings"]);
        let party = identifier(document, table, "party", "party id", "the payee's party id, as in party = \"P001\"");
        let name = document.optional_text(table, "name");
        let share = if table.has("share") {
            document.fraction(table, "share", "shares", SHARE_HINT)
        } else {
            document.missing(table, "share", "the payee's part of what the payees earn, as in share = \"1\" for a sole payee");
            None
        };
        if let Some(read) = &share {
            if read.value.is_zero() {
                document.error(table, "share", &read.span, format!("{} gives this payee nothing; remove the payee or give a share above 0", read.written));
                failed = true;
            }
        }
        let recoupable = if table.has("recoupable") { document.boolean(table, "recoupable") } else { Some(true) };
        let from_record_one = if table.has("from_record_one") { document.boolean(table, "from_record_one") } else { Some(false) };
        let recoupment_of = match table.get("recoupment_of") {
            None => None,
            Some(_) => {
                let id = identifier(document, table, "recoupment_of", "contract id", "the contract whose recoupment releases the payments");
                if id.is_some() && from_record_one == Some(false) {
                    let span = table.get("recoupment_of").map(|value| value.span()).unwrap_or_default();
                    document.error(table, "recoupment_of", &span, "is only read with from_record_one = true");
                    failed = true;
                }
                if id.is_none() {
                    failed = true;
                }
                id.filter(|other| Some(other.as_str()) != contract_id)
            }
        };
        let settings = match table.get("settings") {
            None => Some(None),
            Some(_) => {
                let settings_table = document.table(table, "settings");
                if let (Some(settings_table), Some(party)) = (&settings_table, &party) {
                    positions.settings.insert(party.clone(), settings_table.span.clone());
                }
                settings_table.and_then(|settings_table| read_settings(document, &settings_table)).map(Some)
            }
        };
        if let Some(party) = &party {
            let span = table.get("party").map(|value| value.span()).unwrap_or_default();
            positions.payee_parties.entry(party.clone()).or_insert(span);
        }
        if let (Some(party), Some(share)) = (&party, &share) {
            if payees.iter().any(|payee: &Payee| &payee.party == party) {
                let span = table.get("party").map(|value| value.span()).unwrap_or_default();
                document.error(table, "party", &span, format!("\"{party}\" is already a payee of this contract; give each party one [[payees]] entry"));
                failed = true;
            }
            share_reads.push((party.clone(), share.clone()));
        }
        match (party, share, recoupable, from_record_one, settings) {
            (Some(party), Some(share), Some(recoupable), Some(from_record_one), Some(settings)) => payees.push(Payee {
                party,
                name,
                share: share.value,
                recoupable,
                from_record_one,
                recoupment_of,
                settings,
            }),
            _ => failed = true,
        }
    }
    if !failed && share_reads.len() == payees.len() {
        let total: Decimal = share_reads.iter().map(|(_, read)| read.value).sum();
        if total != Decimal::ONE {
            let listing: Vec<String> = share_reads.iter().map(|(party, read)| format!("{party} {}", read.value)).collect();
            let span = share_reads.first().map(|(_, read)| read.span.clone()).unwrap_or_default();
            document.error_at(
                &span,
                "[[payees]] share".to_string(),
                format!("the payees' shares add up to {total}, not 1 ({}); shares split what the payees earn, so they must add up to exactly 1", listing.join(" + ")),
            );
            failed = true;
        }
    }
    // A from-record-one payee waiting on this contract needs someone here who pays back costs,
    // or the payments would be held forever.
    for (table, payee) in tables.iter().zip(&payees) {
        if payee.from_record_one && payee.recoupment_of.is_none() && !payees.iter().any(|other| other.party != payee.party && other.recoupable) {
            let span = table.get("from_record_one").map(|value| value.span()).unwrap_or(table.span.clone());
            document.error(
                table,
                "from_record_one",
                &span,
                "waits for this contract to recoup, but no other payee of it pays back costs; name the contract whose recoupment releases the payments with recoupment_of",
            );
            failed = true;
        }
    }
    if failed {
        return None;
    }
    Some(payees)
}

fn read_settings(document: &mut Document<'_>, table: &Table<'_, '_>) -> Option<PayeeSettings> {
    document.deny_unknown_keys(
        table,
        &["statement_currency", "vat_registered", "vat_number", "vat_rate", "self_billing", "withholding_tax_rate", "bank"],
    );
    let mut failed = false;
    let statement_currency = read_currency(document, table, "statement_currency", false);
    failed |= table.has("statement_currency") && statement_currency.is_none();
    let vat_registered = if table.has("vat_registered") { document.boolean(table, "vat_registered") } else { Some(false) };
    let vat_number = document.optional_text(table, "vat_number");
    let vat_rate = table.get("vat_rate").and_then(|_| document.fraction(table, "vat_rate", "VAT rates", "0.21 is 21%"));
    let self_billing = if table.has("self_billing") { document.boolean(table, "self_billing") } else { Some(false) };
    let withholding = match table.has("withholding_tax_rate") {
        false => Some(Decimal::ZERO),
        true => document.fraction(table, "withholding_tax_rate", "tax rates", "0.15 is 15%").map(|read| read.value),
    };
    failed |= vat_registered.is_none() || self_billing.is_none() || withholding.is_none();
    failed |= (table.has("vat_number") && vat_number.is_none()) || (table.has("vat_rate") && vat_rate.is_none());

    let vat = match vat_registered {
        Some(true) => {
            if !table.has("vat_number") {
                document.missing(table, "vat_number", "a VAT-registered payee's VAT number, as in vat_number = \"NL804842539B01\"");
                failed = true;
            }
            if !table.has("vat_rate") {
                document.missing(table, "vat_rate", "the VAT rate charged on the payee's royalties, as in vat_rate = \"0.21\" (\"0\" for reverse charge)");
                failed = true;
            }
            match (vat_number, &vat_rate) {
                (Some(number), Some(rate)) => Some(VatRegistration { number, rate: rate.value, self_billing: self_billing == Some(true) }),
                _ => None,
            }
        }
        _ => {
            for key in ["vat_number", "vat_rate"] {
                if let Some(value) = table.get(key) {
                    document.error(table, key, &value.span(), "is only read with vat_registered = true");
                    failed = true;
                }
            }
            if self_billing == Some(true) {
                let span = table.get("self_billing").map(|value| value.span()).unwrap_or_default();
                document.error(table, "self_billing", &span, "self-billing invoices are for VAT-registered payees; set vat_registered = true with vat_number and vat_rate");
                failed = true;
            }
            None
        }
    };

    let bank = match table.get("bank") {
        None => None,
        Some(_) => match document.table(table, "bank") {
            Some(bank_table) => {
                let bank = read_bank(document, &bank_table);
                failed |= bank.is_none();
                bank
            }
            None => {
                failed = true;
                None
            }
        },
    };
    if failed {
        return None;
    }
    Some(PayeeSettings { statement_currency, vat, withholding_tax_rate: withholding?, bank })
}

fn read_bank(document: &mut Document<'_>, table: &Table<'_, '_>) -> Option<BankAccount> {
    document.deny_unknown_keys(table, &["account_holder", "iban", "bic"]);
    let account_holder = document.optional_text(table, "account_holder");
    let iban = match document.required_string(table, "iban", "the account's IBAN, as in iban = \"NL91 ABNA 0417 1643 00\"") {
        Some(read) => match Iban::parse(&read.value) {
            Ok(iban) => Some(iban),
            Err(message) => {
                document.error(table, "iban", &read.span, message);
                None
            }
        },
        None => None,
    };
    let bic = match table.get("bic") {
        None => Some(None),
        Some(_) => match document.string(table, "bic") {
            Some(read) => match Bic::parse(&read.value) {
                Ok(bic) => Some(Some(bic)),
                Err(message) => {
                    document.error(table, "bic", &read.span, message);
                    None
                }
            },
            None => None,
        },
    };
    Some(BankAccount { account_holder, iban: iban?, bic: bic? })
}

fn read_deal(document: &mut Document<'_>, root: &Table<'_, '_>) -> Option<Deal> {
    let kind = if root.has("deal") {
        document.string(root, "deal").and_then(|read| {
            choice(document, root, "deal", &read, "deal", &["royalty", "net_profit"], |name| match name {
                "royalty" | "net_profit" => Some(name.to_string()),
                _ => None,
            })
        })
    } else {
        document.missing(root, "deal", "the kind of deal: deal = \"royalty\" (a rate of receipts) or deal = \"net_profit\" (a split of receipts minus costs)");
        None
    };
    let (wanted, unwanted) = match kind.as_deref() {
        Some("royalty") => ("royalty", "net_profit"),
        Some(_) => ("net_profit", "royalty"),
        None => return None,
    };
    if let Some(value) = root.get(unwanted) {
        document.error_at(&value.span(), format!("[{unwanted}]"), format!("does not belong in a {wanted} deal; remove it or change deal"));
    }
    if !root.has(wanted) {
        let explanation = if wanted == "royalty" {
            "a royalty deal needs a [royalty] table with default_rate"
        } else {
            "a net_profit deal needs a [net_profit] table with label_share"
        };
        document.missing_table(&format!("[{wanted}]"), explanation);
        return None;
    }
    let table = document.table(root, wanted)?;
    if wanted == "royalty" {
        read_royalty(document, &table).map(Deal::Royalty)
    } else {
        document.deny_unknown_keys(&table, &["label_share"]);
        if !table.has("label_share") {
            document.missing(&table, "label_share", "the label's part of the net profit, as in label_share = \"0.5\" for a 50/50 split");
            return None;
        }
        let label_share = document.fraction(&table, "label_share", "shares", SHARE_HINT)?;
        Some(Deal::NetProfit(NetProfitTerms { label_share: label_share.value }))
    }
}

/// The sale conditions of a rate entry, a deduction or a reserve. `None` if any is invalid.
fn read_conditions(document: &mut Document<'_>, table: &Table<'_, '_>) -> Option<Conditions> {
    let mut conditions = Conditions::default();
    let mut failed = false;
    for read in document.string_list(table, "service").unwrap_or_default() {
        if read.value.trim().is_empty() {
            document.error(table, "service", &read.span, "is empty; name the store as reports do, as in \"Spotify\"");
            failed = true;
        } else {
            conditions.services.push(read.value.trim().to_string());
        }
    }
    let usage_names: Vec<&str> = Usage::ALL.iter().map(|usage| usage.name()).collect();
    for read in document.string_list(table, "usage").unwrap_or_default() {
        match choice(document, table, "usage", &read, "usage", &usage_names, Usage::parse) {
            Some(usage) => conditions.usages.push(usage),
            None => failed = true,
        }
    }
    let tier_names: Vec<&str> = Tier::ALL.iter().map(|tier| tier.name()).collect();
    for read in document.string_list(table, "tier").unwrap_or_default() {
        match choice(document, table, "tier", &read, "tier", &tier_names, Tier::parse) {
            Some(tier) => conditions.tiers.push(tier),
            None => failed = true,
        }
    }
    for read in document.string_list(table, "territory").unwrap_or_default() {
        match Territory::parse(&read.value) {
            Ok(Territory::Worldwide) => {
                document.error(table, "territory", &read.span, format!("{} matches every sale; leave territory out to mean everywhere", read.written));
                failed = true;
            }
            Ok(territory) => conditions.territories.push(territory),
            Err(error) => {
                document.error(table, "territory", &read.span, error.to_string());
                failed = true;
            }
        }
    }
    let configuration_names: Vec<&str> = Configuration::ALL.iter().map(|configuration| configuration.name()).collect();
    for read in document.string_list(table, "configuration").unwrap_or_default() {
        match choice(document, table, "configuration", &read, "configuration", &configuration_names, Configuration::parse) {
            Some(configuration) => conditions.configurations.push(configuration),
            None => failed = true,
        }
    }
    let listed_but_unread = CONDITION_KEYS.iter().any(|key| table.get(key).is_some_and(|value| !value.get_ref().is_str() && !value.get_ref().is_array()));
    if failed || listed_but_unread {
        return None;
    }
    Some(conditions)
}

fn read_royalty(document: &mut Document<'_>, table: &Table<'_, '_>) -> Option<RoyaltyTerms> {
    document.deny_unknown_keys(table, &["default_rate", "rates", "escalations"]);
    let default_rate = if table.has("default_rate") {
        document.fraction(table, "default_rate", "rates", RATE_HINT)
    } else {
        document.missing(table, "default_rate", "the rate for sales no [[royalty.rates]] entry matches, as in default_rate = \"0.18\"");
        None
    };
    let mut failed = false;
    let mut entries: Vec<(RateEntry, Span, Read<Decimal>)> = Vec::new();
    for entry_table in document.tables(table, "rates") {
        let mut allowed: Vec<&str> = CONDITION_KEYS.to_vec();
        allowed.push("rate");
        document.deny_unknown_keys(&entry_table, &allowed);
        let conditions = read_conditions(document, &entry_table);
        let rate = if entry_table.has("rate") {
            document.fraction(&entry_table, "rate", "rates", RATE_HINT)
        } else {
            document.missing(&entry_table, "rate", "the rate for sales this entry matches, as in rate = \"0.25\"");
            None
        };
        match (conditions, rate) {
            (Some(conditions), Some(rate)) => {
                if conditions.is_empty() {
                    let span = entry_table.span.clone();
                    document.error_at(
                        &span,
                        entry_table.name.clone(),
                        "names no condition (service, usage, tier, territory or configuration); the default_rate covers sales that match nothing",
                    );
                    failed = true;
                    continue;
                }
                if let Some((_, earlier_span, _)) = entries.iter().find(|(earlier, _, _)| earlier.conditions.overlaps(&conditions)) {
                    let (earlier_line, _) = line_of(document, earlier_span);
                    let span = entry_table.span.clone();
                    document.error_at(
                        &span,
                        entry_table.name.clone(),
                        format!("matches some of the same sales as the entry on line {earlier_line} with the same kinds of conditions, so neither is more specific; merge them or make one narrower"),
                    );
                    failed = true;
                    continue;
                }
                entries.push((RateEntry { conditions, rate: rate.value }, entry_table.span.clone(), rate));
            }
            _ => failed = true,
        }
    }
    let escalations = read_escalations(document, table, default_rate.as_ref(), &entries);
    if failed {
        return None;
    }
    Some(RoyaltyTerms {
        rates: RateTable { default_rate: default_rate?.value, entries: entries.into_iter().map(|(entry, _, _)| entry).collect() },
        escalations: escalations?,
    })
}

fn line_of(document: &Document<'_>, span: &Span) -> (usize, usize) {
    crate::error::LineIndex::new(document.source).position(document.source, span.start)
}

fn read_escalations(
    document: &mut Document<'_>,
    table: &Table<'_, '_>,
    default_rate: Option<&Read<Decimal>>,
    entries: &[(RateEntry, Span, Read<Decimal>)],
) -> Option<Vec<Escalation>> {
    let mut escalations: Vec<Escalation> = Vec::new();
    let mut failed = false;
    let mut first_threshold_key: Option<&str> = None;
    let mut first_change_key: Option<&str> = None;
    for step in document.tables(table, "escalations") {
        document.deny_unknown_keys(&step, &["after_units", "after_receipts", "from", "rate", "increase"]);
        let threshold_keys: Vec<&str> = ["after_units", "after_receipts", "from"].into_iter().filter(|key| step.has(key)).collect();
        let change_keys: Vec<&str> = ["rate", "increase"].into_iter().filter(|key| step.has(key)).collect();
        let step_span = step.span.clone();
        if threshold_keys.len() != 1 {
            document.error_at(
                &step_span,
                step.name.clone(),
                format!(
                    "needs exactly one threshold: after_units (units sold), after_receipts (an amount) or from (a date){}",
                    if threshold_keys.is_empty() { String::new() } else { format!("; found {}", threshold_keys.join(" and ")) }
                ),
            );
            failed = true;
        }
        if change_keys.len() != 1 {
            document.error_at(
                &step_span,
                step.name.clone(),
                format!(
                    "needs exactly one of rate (the new default rate) or increase (added to every rate){}",
                    if change_keys.is_empty() { String::new() } else { "; found both".to_string() }
                ),
            );
            failed = true;
        }
        let (Some(&threshold_key), Some(&change_key)) = (threshold_keys.first(), change_keys.first()) else {
            continue;
        };
        if threshold_keys.len() != 1 || change_keys.len() != 1 {
            continue;
        }
        let first_threshold = *first_threshold_key.get_or_insert(threshold_key);
        if first_threshold != threshold_key {
            let span = step.get(threshold_key).map(|value| value.span()).unwrap_or(step_span.clone());
            document.error(&step, threshold_key, &span, format!("all steps of a contract use one kind of threshold; the first step uses {first_threshold}"));
            failed = true;
            continue;
        }
        let first_change = *first_change_key.get_or_insert(change_key);
        if first_change != change_key {
            let span = step.get(change_key).map(|value| value.span()).unwrap_or(step_span.clone());
            document.error(&step, change_key, &span, format!("all steps of a contract use one kind of change; the first step uses {first_change}"));
            failed = true;
            continue;
        }
        let threshold = match threshold_key {
            "after_units" => document.integer(&step, "after_units").and_then(|read| match u64::try_from(read.value) {
                Ok(units) if units >= 1 => Some((EscalationThreshold::AfterUnits(units), read)),
                _ => {
                    document.error(&step, "after_units", &read.span, format!("{} is not a number of units: it must be 1 or more", read.written));
                    None
                }
            }),
            "after_receipts" => document.amount(&step, "after_receipts", "a threshold of receipts is more than zero").and_then(|read| {
                if read.value.is_zero() {
                    document.error(&step, "after_receipts", &read.span, "is 0; a step from the first sale is the default_rate itself");
                    None
                } else {
                    Some((EscalationThreshold::AfterReceipts(read.value), Read { value: 0, span: read.span, written: read.written }))
                }
            }),
            _ => document.date(&step, "from").map(|read| (EscalationThreshold::From(read.value), Read { value: 0, span: read.span, written: read.written })),
        };
        let change = match change_key {
            "rate" => document.fraction(&step, "rate", "rates", RATE_HINT).map(|read| RateChange::DefaultRate(read.value)),
            _ => document.fraction(&step, "increase", "increases", "0.02 is two points").and_then(|read| {
                if read.value.is_zero() {
                    document.error(&step, "increase", &read.span, "is 0; a step must change the rates");
                    return None;
                }
                let mut too_high: Vec<String> = Vec::new();
                if let Some(default_rate) = default_rate {
                    if default_rate.value + read.value > Decimal::ONE {
                        too_high.push(format!("default_rate {} to {}", default_rate.written, default_rate.value + read.value));
                    }
                }
                for (entry, _, rate) in entries {
                    if entry.rate + read.value > Decimal::ONE {
                        too_high.push(format!("rate {} to {}", rate.written, entry.rate + read.value));
                    }
                }
                if !too_high.is_empty() {
                    document.error(&step, "increase", &read.span, format!("{} would raise {}, above 1", read.written, too_high.join(" and ")));
                    return None;
                }
                Some(RateChange::Increase(read.value))
            }),
        };
        let (Some((threshold, threshold_read)), Some(change)) = (threshold, change) else {
            failed = true;
            continue;
        };
        if let Some(previous) = escalations.last() {
            let increasing = match (previous.threshold, threshold) {
                (EscalationThreshold::AfterUnits(before), EscalationThreshold::AfterUnits(now)) => now > before,
                (EscalationThreshold::AfterReceipts(before), EscalationThreshold::AfterReceipts(now)) => now > before,
                (EscalationThreshold::From(before), EscalationThreshold::From(now)) => now > before,
                _ => true,
            };
            if !increasing {
                let previous_text = match previous.threshold {
                    EscalationThreshold::AfterUnits(units) => units.to_string(),
                    EscalationThreshold::AfterReceipts(amount) => format!("\"{amount}\""),
                    EscalationThreshold::From(date) => format!("\"{date}\""),
                };
                document.error(
                    &step,
                    threshold_key,
                    &threshold_read.span,
                    format!("{} is not after the previous step's {previous_text}; list steps in increasing order of their thresholds", threshold_read.written),
                );
                failed = true;
                continue;
            }
        }
        escalations.push(Escalation { threshold, change });
    }
    if failed {
        return None;
    }
    Some(escalations)
}

fn read_deductions(document: &mut Document<'_>, root: &Table<'_, '_>) -> Option<Vec<Deduction>> {
    let mut deductions = Vec::new();
    let mut failed = false;
    let mut unconditional_total = Decimal::ZERO;
    for table in document.tables(root, "deductions") {
        let mut allowed: Vec<&str> = vec!["name", "rate", "per_unit"];
        allowed.extend(CONDITION_KEYS);
        document.deny_unknown_keys(&table, &allowed);
        let name = document.required_string(&table, "name", "what is deducted, as in name = \"Distribution fee\"");
        let conditions = read_conditions(document, &table);
        let amount = match (table.has("rate"), table.has("per_unit")) {
            (true, false) => document.fraction(&table, "rate", "rates", RATE_HINT).map(|read| DeductionAmount::Rate(read.value)),
            (false, true) => document.amount(&table, "per_unit", "a per-unit deduction is an amount of 0 or more").map(|read| DeductionAmount::PerUnit(read.value)),
            (true, true) => {
                let span = table.span.clone();
                document.error_at(&span, table.name.clone(), "has both rate and per_unit; write two [[deductions]] entries");
                None
            }
            (false, false) => {
                document.missing(&table, "rate", "a deduction is a rate of the base (rate = \"0.15\") or an amount per unit (per_unit = \"0.50\")");
                None
            }
        };
        match (name, conditions, amount) {
            (Some(name), Some(conditions), Some(amount)) => {
                if let (DeductionAmount::Rate(rate), true) = (amount, conditions.is_empty()) {
                    unconditional_total += rate;
                    if unconditional_total > Decimal::ONE {
                        let span = table.get("rate").map(|value| value.span()).unwrap_or_default();
                        document.error(&table, "rate", &span, format!("the deductions off every sale add up to {unconditional_total}, more than the whole base"));
                        failed = true;
                    }
                }
                deductions.push(Deduction { name: name.value.trim().to_string(), amount, conditions });
            }
            _ => failed = true,
        }
    }
    if failed {
        return None;
    }
    Some(deductions)
}

/// A release reference of an advance or cost: valid, and one of the contract's releases when the
/// scope lists releases.
fn scoped_release(document: &mut Document<'_>, table: &Table<'_, '_>, scope_releases: &[Icpn]) -> Option<Option<Icpn>> {
    if !table.has("release") {
        return Some(None);
    }
    let read = document.string(table, "release")?;
    match Icpn::parse(&read.value) {
        Ok(code) if !scope_releases.is_empty() && !scope_releases.contains(&code) => {
            document.error(table, "release", &read.span, format!("{} is not one of the releases in [scope] releases", read.written));
            None
        }
        Ok(code) => Some(Some(code)),
        Err(error) => {
            document.error(table, "release", &read.span, error.to_string());
            None
        }
    }
}

fn read_advances(document: &mut Document<'_>, root: &Table<'_, '_>, scope_releases: &[Icpn]) -> Option<Vec<Advance>> {
    let mut advances = Vec::new();
    let mut failed = false;
    for table in document.tables(root, "advances") {
        document.deny_unknown_keys(&table, &["amount", "date", "recoupable", "release", "description"]);
        let amount = if table.has("amount") {
            document.amount(&table, "amount", "an advance is an amount paid to the payees").and_then(|read| {
                if read.value.is_zero() {
                    document.error(&table, "amount", &read.span, "is 0; remove the advance");
                    None
                } else {
                    Some(read.value)
                }
            })
        } else {
            document.missing(&table, "amount", "the advance in the contract currency, as in amount = \"5000.00\"");
            None
        };
        let date = if table.has("date") {
            document.date(&table, "date").map(|read| read.value)
        } else {
            document.missing(&table, "date", "when the advance is paid, as in date = \"2026-01-15\"");
            None
        };
        let recoupable = match table.has("recoupable") {
            false => Some(Decimal::ONE),
            true => document.fraction(&table, "recoupable", "recoupable parts", "0.5 is half").map(|read| read.value),
        };
        let release = scoped_release(document, &table, scope_releases);
        let description = document.optional_text(&table, "description");
        match (amount, date, recoupable, release) {
            (Some(amount), Some(date), Some(recoupable), Some(release)) => {
                advances.push(Advance { amount, date, recoupable, release, description })
            }
            _ => failed = true,
        }
    }
    if failed {
        return None;
    }
    Some(advances)
}

fn is_cost_kind(text: &str) -> bool {
    let mut characters = text.chars();
    characters.next().is_some_and(|first| first.is_ascii_lowercase())
        && characters.all(|character| character.is_ascii_lowercase() || character.is_ascii_digit() || character == '_')
}

fn read_costs(document: &mut Document<'_>, root: &Table<'_, '_>, scope_releases: &[Icpn]) -> Option<Vec<RecoupableCost>> {
    let mut costs: Vec<RecoupableCost> = Vec::new();
    let mut failed = false;
    for table in document.tables(root, "costs") {
        document.deny_unknown_keys(&table, &["kind", "recoupable", "release"]);
        let kind = document.required_string(&table, "kind", "the kind of cost as the costs file names it, as in kind = \"video\"").and_then(|read| {
            if read.value == "advance" {
                document.error(&table, "kind", &read.span, "advances are written as [[advances]] entries");
                None
            } else if !is_cost_kind(&read.value) {
                document.error(&table, "kind", &read.span, format!("{} is not a cost kind: use lower-case letters, digits and '_', as in \"tour_support\"", read.written));
                None
            } else {
                Some(read)
            }
        });
        let recoupable = if table.has("recoupable") {
            document.fraction(&table, "recoupable", "recoupable parts", "0.5 is half").map(|read| read.value)
        } else {
            document.missing(&table, "recoupable", "the part of these costs paid back from earnings, as in recoupable = \"0.5\" for half");
            None
        };
        let release = scoped_release(document, &table, scope_releases);
        match (kind, recoupable, release) {
            (Some(kind), Some(recoupable), Some(release)) => {
                if costs.iter().any(|cost| cost.kind == kind.value && cost.release == release) {
                    document.error(&table, "kind", &kind.span, format!("{} is listed twice for the same releases", kind.written));
                    failed = true;
                    continue;
                }
                costs.push(RecoupableCost { kind: kind.value, recoupable, release });
            }
            _ => failed = true,
        }
    }
    if failed {
        return None;
    }
    Some(costs)
}

fn read_reserve(document: &mut Document<'_>, root: &Table<'_, '_>) -> Option<Option<Reserve>> {
    if !root.has("reserve") {
        return Some(None);
    }
    let table = document.table(root, "reserve")?;
    document.deny_unknown_keys(&table, &["rate", "release_over_periods", "usage"]);
    let rate = if table.has("rate") {
        document.fraction(&table, "rate", "rates", RATE_HINT).and_then(|read| {
            if read.value.is_zero() {
                document.error(&table, "rate", &read.span, "is 0; remove the [reserve] table instead");
                None
            } else {
                Some(read.value)
            }
        })
    } else {
        document.missing(&table, "rate", "the part of each period's earnings held back, as in rate = \"0.10\"");
        None
    };
    let periods = if table.has("release_over_periods") {
        document.integer(&table, "release_over_periods").and_then(|read| match u32::try_from(read.value) {
            Ok(periods) if periods >= 1 => Some(periods),
            _ => {
                document.error(
                    &table,
                    "release_over_periods",
                    &read.span,
                    format!("{} periods: a reserve is released over 1 period or more", read.written),
                );
                None
            }
        })
    } else {
        document.missing(&table, "release_over_periods", "over how many later periods the reserve is released, as in release_over_periods = 2");
        None
    };
    let usage_names: Vec<&str> = Usage::ALL.iter().map(|usage| usage.name()).collect();
    let mut usages = Vec::new();
    let mut failed = false;
    for read in document.string_list(&table, "usage").unwrap_or_default() {
        match choice(document, &table, "usage", &read, "usage", &usage_names, Usage::parse) {
            Some(usage) => usages.push(usage),
            None => failed = true,
        }
    }
    if failed {
        return None;
    }
    Some(Some(Reserve { rate: rate?, release_over_periods: periods?, usages }))
}

fn read_transfers(document: &mut Document<'_>, root: &Table<'_, '_>, payees: &[Payee], positions: &mut Positions) -> Option<Vec<Transfer>> {
    let mut transfers: Vec<Transfer> = Vec::new();
    let mut failed = false;
    let mut totals: BTreeMap<String, Decimal> = BTreeMap::new();
    for table in document.tables(root, "transfers") {
        document.deny_unknown_keys(&table, &["from", "to", "share", "of", "description"]);
        let from = identifier(document, &table, "from", "party id", "the payee whose money is transferred, as in from = \"P001\"");
        let to = identifier(document, &table, "to", "party id", "the party who receives it, as in to = \"P021\"");
        let share = if table.has("share") {
            document.fraction(&table, "share", "shares", SHARE_HINT).and_then(|read| {
                if read.value.is_zero() {
                    document.error(&table, "share", &read.span, "is 0; remove the transfer instead");
                    None
                } else {
                    Some(read)
                }
            })
        } else {
            document.missing(&table, "share", "the part transferred, as in share = \"0.2\" for a 20% commission");
            None
        };
        let of = match table.has("of") {
            false => Some(TransferBase::Payable),
            true => document.string(&table, "of").and_then(|read| {
                choice(document, &table, "of", &read, "transfer base", &["payable", "earnings"], |name| match name {
                    "payable" => Some(TransferBase::Payable),
                    "earnings" => Some(TransferBase::Earnings),
                    _ => None,
                })
            }),
        };
        let description = document.optional_text(&table, "description");
        let span_of = |key: &str| table.get(key).map(|value| value.span()).unwrap_or(table.span.clone());
        if let Some(from) = &from {
            if !payees.is_empty() && !payees.iter().any(|payee| &payee.party == from) {
                document.error(&table, "from", &span_of("from"), format!("\"{from}\" is not a payee of this contract; transfers move a payee's money"));
                failed = true;
            }
            if to.as_ref() == Some(from) {
                document.error(&table, "to", &span_of("to"), format!("\"{from}\" transfers to itself; to must be another party"));
                failed = true;
            }
        }
        match (from, to, share, of) {
            (Some(from), Some(to), Some(share), Some(of)) => {
                let total = totals.entry(from.clone()).or_default();
                *total += share.value;
                if *total > Decimal::ONE {
                    document.error(&table, "share", &share.span, format!("transfers from \"{from}\" add up to {total}, more than all of the payee's money"));
                    failed = true;
                }
                positions.transfer_targets.push(span_of("to"));
                transfers.push(Transfer { from, to, share: share.value, of, description });
            }
            _ => failed = true,
        }
    }
    if failed {
        return None;
    }
    Some(transfers)
}
