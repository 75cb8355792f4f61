//! One case per validation rule: a valid contract with one change, and the exact problems
//! reported (file, line, column, key, message).

use ledgerline_contracts::parse_contract;

const FILE: &str = "contracts/T001.toml";

/// A contract that uses every table, valid as it stands.
const VALID: &str = r#"id = "T001"
version = 1
valid_from = "2026-01"
title = "Test agreement"
deal = "royalty"
currency = "EUR"
cross_collateralisation = "payee"

[term]
start = "2026-01-01"

[accounting]
frequency = "quarterly"
minimum_payout = "50.00"

[scope]
releases = ["5012345000015"]
tracks = ["GBAYE2600001"]
territories = ["WW"]
excluded_territories = ["US"]

[[payees]]
party = "P001"
share = "0.5"

[payees.settings]
statement_currency = "EUR"
vat_registered = true
vat_number = "NL804842539B01"
vat_rate = "0.21"
self_billing = true

[payees.settings.bank]
iban = "NL91 ABNA 0417 1643 00"
bic = "ABNANL2A"

[[payees]]
party = "P002"
share = "0.5"

[royalty]
default_rate = "0.20"

[[royalty.rates]]
usage = "download"
rate = "0.25"

[[royalty.rates]]
service = "TikTok"
tier = "ad-supported"
rate = "0.10"

[[royalty.escalations]]
after_units = 1000
rate = "0.22"

[[royalty.escalations]]
after_units = 5000
rate = "0.24"

[[deductions]]
name = "Distribution fee"
rate = "0.15"

[[advances]]
amount = "1000.00"
date = "2026-01-01"
release = "5012345000015"

[[costs]]
kind = "video"
recoupable = "0.5"

[reserve]
rate = "0.10"
release_over_periods = 2

[[transfers]]
from = "P001"
to = "P900"
share = "0.2"
"#;

/// The valid contract with each `(from, to)` replaced; each `from` must occur exactly once.
fn changed(replacements: &[(&str, &str)]) -> String {
    let mut text = VALID.to_string();
    for (from, to) in replacements {
        assert_eq!(text.matches(from).count(), 1, "{from:?} occurs once in the valid contract");
        text = text.replacen(from, to, 1);
    }
    text
}

fn problems(text: &str) -> Vec<String> {
    match parse_contract(text, FILE) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn the_valid_contract_is_valid() {
    assert_eq!(problems(VALID), Vec::<String>::new());
}

/// (what is wrong, the change, the problems expected).
type Case = (&'static str, &'static [(&'static str, &'static str)], &'static [&'static str]);

const CASES: &[Case] = &[
    (
        "rate above 1",
        &[("rate = \"0.25\"", "rate = \"1.5\"")],
        &[
            "contracts/T001.toml:46:8: [[royalty.rates]] rate: \"1.5\" is above 1 (rates are fractions: 0.25 is 25%)",
        ],
    ),
    (
        "negative default rate",
        &[("default_rate = \"0.20\"", "default_rate = \"-0.2\"")],
        &[
            "contracts/T001.toml:42:16: [royalty] default_rate: \"-0.2\" is negative; rates are fractions from 0 to 1",
        ],
    ),
    (
        "rate written as a percentage",
        &[("default_rate = \"0.20\"", "default_rate = \"20%\"")],
        &[
            "contracts/T001.toml:42:16: [royalty] default_rate: \"20%\" is a percentage; write it as a fraction: \"0.2\"",
        ],
    ),
    (
        "rate that is not a number",
        &[("default_rate = \"0.20\"", "default_rate = \"twenty\"")],
        &[
            "contracts/T001.toml:42:16: [royalty] default_rate: \"twenty\" is not a decimal; write it as digits with a point, as in \"0.25\" or \"1500.00\"",
        ],
    ),
    (
        "bare number read exactly",
        &[("default_rate = \"0.20\"", "default_rate = 0.2")],
        &[],
    ),
    (
        "shares that do not add up to 1",
        &[("party = \"P002\"\nshare = \"0.5\"", "party = \"P002\"\nshare = \"0.4\"")],
        &[
            "contracts/T001.toml:24:9: [[payees]] share: the payees' shares add up to 0.9, not 1 (P001 0.5 + P002 0.4); shares split what the payees earn, so they must add up to exactly 1",
        ],
    ),
    (
        "share of zero",
        &[("party = \"P002\"\nshare = \"0.5\"", "party = \"P002\"\nshare = \"0\"")],
        &[
            "contracts/T001.toml:39:9: [[payees]] share: \"0\" gives this payee nothing; remove the payee or give a share above 0",
        ],
    ),
    (
        "the same party twice",
        &[("party = \"P002\"", "party = \"P001\"")],
        &[
            "contracts/T001.toml:38:9: [[payees]] party: \"P001\" is already a payee of this contract; give each party one [[payees]] entry",
        ],
    ),
    (
        "unknown key at the top",
        &[("deal = \"royalty\"", "deal = \"royalty\"\ncurency = \"EUR\"")],
        &[
            "contracts/T001.toml:6:1: curency: unknown key (did you mean \"currency\"?)",
        ],
    ),
    (
        "unknown key in a table",
        &[("name = \"Distribution fee\"", "kind = \"Distribution fee\"")],
        &[
            "contracts/T001.toml:61:1: [[deductions]] name: missing: what is deducted, as in name = \"Distribution fee\"",
            "contracts/T001.toml:62:1: [[deductions]] kind: unknown key; allowed here: name, rate, per_unit, service, usage, tier, territory, configuration",
        ],
    ),
    (
        "unknown usage",
        &[("usage = \"download\"", "usage = \"downloads\"")],
        &[
            "contracts/T001.toml:45:9: [[royalty.rates]] usage: unknown usage \"downloads\" (did you mean \"download\"?); expected one of stream, download, physical, ugc, other",
        ],
    ),
    (
        "unknown tier",
        &[("tier = \"ad-supported\"", "tier = \"free\"")],
        &[
            "contracts/T001.toml:50:8: [[royalty.rates]] tier: unknown tier \"free\"; expected one of premium, ad-supported, trial, other",
        ],
    ),
    (
        "unknown configuration",
        &[("usage = \"download\"", "usage = \"download\"\nconfiguration = \"lp\"")],
        &[
            "contracts/T001.toml:46:17: [[royalty.rates]] configuration: unknown configuration \"lp\" (did you mean \"ep\"?); expected one of album, ep, single, compilation, track, video",
        ],
    ),
    (
        "bad ISRC",
        &[("tracks = [\"GBAYE2600001\"]", "tracks = [\"GBAYE260001\"]")],
        &[
            "contracts/T001.toml:18:11: [scope] tracks: ISRC \"GBAYE260001\" has 11 characters; an ISRC has 12 (CC-XXX-YY-NNNNN)",
        ],
    ),
    (
        "bad UPC check digit",
        &[("releases = [\"5012345000015\"]", "releases = [\"5012345000016\"]")],
        &[
            "contracts/T001.toml:17:13: [scope] releases: EAN \"5012345000016\" check digit is 6, expected 5",
        ],
    ),
    (
        "bad territory",
        &[("excluded_territories = [\"US\"]", "excluded_territories = [\"Atlantis\"]")],
        &[
            "contracts/T001.toml:20:25: [scope] excluded_territories: territory \"Atlantis\" is not an ISO 3166-1 alpha-2 or alpha-3 code, a known English country name, or WW/Worldwide",
        ],
    ),
    (
        "bad currency",
        &[("\ncurrency = \"EUR\"", "\ncurrency = \"EURO\"")],
        &[
            "contracts/T001.toml:6:12: currency: unknown currency \"EURO\"; expected an ISO 4217 code such as EUR, USD or GBP",
        ],
    ),
    (
        "negative minimum payout",
        &[("minimum_payout = \"50.00\"", "minimum_payout = \"-50\"")],
        &[
            "contracts/T001.toml:14:18: [accounting] minimum_payout: \"-50\" is negative; a minimum payout is zero or more",
        ],
    ),
    (
        "unknown frequency",
        &[("frequency = \"quarterly\"", "frequency = \"yearly\"")],
        &[
            "contracts/T001.toml:13:13: [accounting] frequency: unknown frequency \"yearly\"; expected one of half-yearly, quarterly, monthly",
        ],
    ),
    (
        "reserve over no periods",
        &[("release_over_periods = 2", "release_over_periods = 0")],
        &[
            "contracts/T001.toml:76:24: [reserve] release_over_periods: 0 periods: a reserve is released over 1 period or more",
        ],
    ),
    (
        "escalation thresholds not increasing",
        &[("after_units = 5000", "after_units = 500")],
        &[
            "contracts/T001.toml:58:15: [[royalty.escalations]] after_units: 500 is not after the previous step's 1000; list steps in increasing order of their thresholds",
        ],
    ),
    (
        "escalations mixing kinds",
        &[("after_units = 5000", "from = \"2027-01-01\"")],
        &[
            "contracts/T001.toml:58:8: [[royalty.escalations]] from: all steps of a contract use one kind of threshold; the first step uses after_units",
        ],
    ),
    (
        "escalation without a threshold",
        &[("after_units = 5000\n", "")],
        &[
            "contracts/T001.toml:57:1: [[royalty.escalations]]: needs exactly one threshold: after_units (units sold), after_receipts (an amount) or from (a date)",
        ],
    ),
    (
        "increase above 1",
        &[("after_units = 1000\nrate = \"0.22\"", "after_units = 1000\nincrease = \"0.8\""), ("after_units = 5000\nrate = \"0.24\"", "after_units = 5000\nincrease = \"0.9\"")],
        &[
            "contracts/T001.toml:55:12: [[royalty.escalations]] increase: \"0.8\" would raise rate \"0.25\" to 1.05, above 1",
            "contracts/T001.toml:59:12: [[royalty.escalations]] increase: \"0.9\" would raise default_rate \"0.20\" to 1.1 and rate \"0.25\" to 1.15, above 1",
        ],
    ),
    (
        "transfer to self",
        &[("to = \"P900\"", "to = \"P001\"")],
        &[
            "contracts/T001.toml:80:6: [[transfers]] to: \"P001\" transfers to itself; to must be another party",
        ],
    ),
    (
        "transfer from someone who is not a payee",
        &[("from = \"P001\"", "from = \"P777\"")],
        &[
            "contracts/T001.toml:79:8: [[transfers]] from: \"P777\" is not a payee of this contract; transfers move a payee's money",
        ],
    ),
    (
        "IBAN checksum",
        &[("iban = \"NL91 ABNA 0417 1643 00\"", "iban = \"NL91 ABNA 0417 1643 01\"")],
        &[
            "contracts/T001.toml:34:8: [payees.settings.bank] iban: IBAN \"NL91 ABNA 0417 1643 01\" fails its check (mod 97 gives 28, not 1): a character is mistyped or two are swapped",
        ],
    ),
    (
        "BIC shape",
        &[("bic = \"ABNANL2A\"", "bic = \"ABNA NL\"")],
        &[
            "contracts/T001.toml:35:7: [payees.settings.bank] bic: BIC \"ABNA NL\" has 7 characters; a BIC is 8 or 11 characters: bank (4 letters), country (2 letters), location (2 letters or digits), optional branch (3)",
        ],
    ),
    (
        "VAT number without registration",
        &[("vat_registered = true", "vat_registered = false")],
        &[
            "contracts/T001.toml:29:14: [payees.settings] vat_number: is only read with vat_registered = true",
            "contracts/T001.toml:30:12: [payees.settings] vat_rate: is only read with vat_registered = true",
            "contracts/T001.toml:31:16: [payees.settings] self_billing: self-billing invoices are for VAT-registered payees; set vat_registered = true with vat_number and vat_rate",
        ],
    ),
    (
        "registered for VAT without a rate",
        &[("vat_rate = \"0.21\"\n", "")],
        &[
            "contracts/T001.toml:26:1: [payees.settings] vat_rate: missing: the VAT rate charged on the payee's royalties, as in vat_rate = \"0.21\" (\"0\" for reverse charge)",
        ],
    ),
    (
        "version 0",
        &[("version = 1", "version = 0")],
        &[
            "contracts/T001.toml:2:11: version: 0 is not a version: versions count from 1",
        ],
    ),
    (
        "version in quotes",
        &[("version = 1", "version = \"1\"")],
        &[
            "contracts/T001.toml:2:11: version: write the whole number without quotes: 1",
        ],
    ),
    (
        "valid_from a date",
        &[("valid_from = \"2026-01\"", "valid_from = \"2026-01-15\"")],
        &[
            "contracts/T001.toml:3:14: valid_from: \"2026-01-15\" is a date; write the month alone: \"2026-01\"",
        ],
    ),
    (
        "valid_from not a month",
        &[("valid_from = \"2026-01\"", "valid_from = \"2026-13\"")],
        &[
            "contracts/T001.toml:3:14: valid_from: month \"2026-13\": month must be 01 to 12; write a month as 2026-07",
        ],
    ),
    (
        "missing id",
        &[("id = \"T001\"\n", "")],
        &[
            "contracts/T001.toml:1:1: id: missing: the contract's id, shared by all its versions, as in id = \"C001\"",
        ],
    ),
    (
        "bad contract id",
        &[("id = \"T001\"", "id = \"T 001\"")],
        &[
            "contracts/T001.toml:1:6: id: \"T 001\" is not a contract id: use letters, digits, '-', '_' and '.' (up to 64), starting with a letter or digit",
        ],
    ),
    (
        "not TOML",
        &[("title = \"Test agreement\"", "title = Test agreement")],
        &[
            "contracts/T001.toml:4:9: not valid TOML: string values must be quoted, expected literal string",
        ],
    ),
    (
        "royalty table in a net-profit deal",
        &[("deal = \"royalty\"", "deal = \"net_profit\"")],
        &[
            "contracts/T001.toml:1:1: [net_profit]: missing: a net_profit deal needs a [net_profit] table with label_share",
            "contracts/T001.toml:41:1: [royalty]: does not belong in a net_profit deal; remove it or change deal",
        ],
    ),
    (
        "from record one with nobody recouping",
        &[("party = \"P002\"\nshare = \"0.5\"", "party = \"P002\"\nshare = \"0.5\"\nrecoupable = false\nfrom_record_one = true"), ("party = \"P001\"\nshare = \"0.5\"", "party = \"P001\"\nshare = \"0.5\"\nrecoupable = false")],
        &[
            "contracts/T001.toml:42:19: [[payees]] from_record_one: waits for this contract to recoup, but no other payee of it pays back costs; name the contract whose recoupment releases the payments with recoupment_of",
        ],
    ),
    (
        "recoupment_of without from_record_one",
        &[("party = \"P002\"\nshare = \"0.5\"", "party = \"P002\"\nshare = \"0.5\"\nrecoupment_of = \"C001\"")],
        &[
            "contracts/T001.toml:40:17: [[payees]] recoupment_of: is only read with from_record_one = true",
        ],
    ),
    (
        "two rate entries that tie",
        &[("usage = \"download\"\nrate = \"0.25\"", "usage = \"download\"\nrate = \"0.25\"\n\n[[royalty.rates]]\nusage = [\"stream\", \"download\"]\nrate = \"0.3\"")],
        &[
            "contracts/T001.toml:48:1: [[royalty.rates]]: matches some of the same sales as the entry on line 44 with the same kinds of conditions, so neither is more specific; merge them or make one narrower",
        ],
    ),
    (
        "rate entry without conditions",
        &[("usage = \"download\"\n", "")],
        &[
            "contracts/T001.toml:44:1: [[royalty.rates]]: names no condition (service, usage, tier, territory or configuration); the default_rate covers sales that match nothing",
        ],
    ),
    (
        "worldwide as a rate condition",
        &[("usage = \"download\"", "territory = \"WW\"")],
        &[
            "contracts/T001.toml:45:13: [[royalty.rates]] territory: \"WW\" matches every sale; leave territory out to mean everywhere",
        ],
    ),
    (
        "advance for a release outside the scope",
        &[("release = \"5012345000015\"", "release = \"5012345000022\"")],
        &[
            "contracts/T001.toml:68:11: [[advances]] release: \"5012345000022\" is not one of the releases in [scope] releases",
        ],
    ),
    (
        "advances as a cost kind",
        &[("kind = \"video\"", "kind = \"advance\"")],
        &[
            "contracts/T001.toml:71:8: [[costs]] kind: advances are written as [[advances]] entries",
        ],
    ),
    (
        "term ending before it starts",
        &[("start = \"2026-01-01\"", "start = \"2026-01-01\"\nend = \"2025-12-31\"")],
        &[
            "contracts/T001.toml:11:7: [term] end: \"2025-12-31\" is before the start \"2026-01-01\"",
        ],
    ),
    (
        "excluding from a list of countries",
        &[("territories = [\"WW\"]", "territories = [\"DE\", \"FR\"]")],
        &[
            "contracts/T001.toml:20:25: [scope] excluded_territories: \"US\" is not in territories, so there is nothing to exclude it from",
        ],
    ),
    (
        "group without its name",
        &[("cross_collateralisation = \"payee\"", "cross_collateralisation = \"group\"")],
        &[
            "contracts/T001.toml:7:27: group: missing: cross_collateralisation = \"group\" needs the group's name, as in group = \"lotte-bakker-albums\"",
        ],
    ),
    (
        "unknown cross-collateralisation",
        &[("cross_collateralisation = \"payee\"", "cross_collateralisation = \"artist\"")],
        &[
            "contracts/T001.toml:7:27: cross_collateralisation: unknown cross-collateralisation \"artist\"; expected one of none, payee, group",
        ],
    ),
    (
        "payees with single brackets",
        &[("[[payees]]\nparty = \"P002\"\nshare = \"0.5\"\n", ""), ("[[payees]]\nparty = \"P001\"", "[payees]\nparty = \"P001\"")],
        &[
            "contracts/T001.toml:22:1: payees: write [[payees]] with double brackets: there can be several",
        ],
    ),
    (
        "scope without recordings",
        &[("releases = [\"5012345000015\"]\ntracks = [\"GBAYE2600001\"]\n", ""), ("release = \"5012345000015\"\n", "")],
        &[
            "contracts/T001.toml:16:1: [scope]: covers no recordings: list releases (UPC/EAN codes), tracks (ISRCs), or both",
        ],
    ),
    (
        "deduction with rate and per_unit",
        &[("rate = \"0.15\"", "rate = \"0.15\"\nper_unit = \"0.10\"")],
        &[
            "contracts/T001.toml:61:1: [[deductions]]: has both rate and per_unit; write two [[deductions]] entries",
        ],
    ),
    (
        "every problem at once",
        &[("version = 1", "version = 0"), ("\ncurrency = \"EUR\"", "\ncurrency = \"EURO\""), ("rate = \"0.25\"", "rate = \"1.5\""), ("to = \"P900\"", "to = \"P001\"")],
        &[
            "contracts/T001.toml:2:11: version: 0 is not a version: versions count from 1",
            "contracts/T001.toml:6:12: currency: unknown currency \"EURO\"; expected an ISO 4217 code such as EUR, USD or GBP",
            "contracts/T001.toml:46:8: [[royalty.rates]] rate: \"1.5\" is above 1 (rates are fractions: 0.25 is 25%)",
            "contracts/T001.toml:80:6: [[transfers]] to: \"P001\" transfers to itself; to must be another party",
        ],
    ),
];

#[test]
fn each_rule_reports_its_problem_exactly() {
    let mut failures = Vec::new();
    for (name, replacements, expected) in CASES {
        let found = problems(&changed(replacements));
        if found != *expected {
            failures.push(format!("{name}:\n  expected {expected:#?}\n  found    {found:#?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}


#[test]
fn bare_numbers_are_read_from_their_digits() {
    let contract = parse_contract(&changed(&[("default_rate = \"0.20\"", "default_rate = 0.1"), ("amount = \"1000.00\"", "amount = 1_000.10")]), FILE).unwrap();
    let terms = contract.royalty().unwrap();
    assert_eq!(terms.rates.default_rate.to_string(), "0.1");
    assert_eq!(contract.advances[0].amount.to_string(), "1000.1");
    assert_eq!(
        problems(&changed(&[("default_rate = \"0.20\"", "default_rate = 1e-1")])),
        ["contracts/T001.toml:42:16: [royalty] default_rate: 1e-1 is not a decimal; write it as digits with a point, as in \"0.25\" or \"1500.00\""]
    );
}

#[test]
fn dates_may_be_bare_toml_dates() {
    let contract = parse_contract(&changed(&[("start = \"2026-01-01\"", "start = 2026-01-01")]), FILE).unwrap();
    assert_eq!(contract.term.start.to_string(), "2026-01-01");
}
