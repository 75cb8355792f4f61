//! Which rate applies to a sale: the most specific matching entry of the rate table, as
//! documented in docs/contracts.md ("Which rate applies"), on the rate-table example.

use ledgerline_contracts::{parse_contract, Configuration, Contract, Sale, Tier, Usage};
use ledgerline_model::{CountryCode, Territory};
use ledgerline_money::Decimal;

fn example(name: &str) -> Contract {
    let path = format!("{}/../../docs/examples/contracts/{name}", env!("CARGO_MANIFEST_DIR"));
    parse_contract(&std::fs::read_to_string(path).unwrap(), name).unwrap()
}

fn country(code: &str) -> Territory {
    Territory::parse(code).unwrap()
}

fn rate(contract: &Contract, service: &str, usage: Usage, tier: Tier, territory: &str, configuration: Option<Configuration>) -> String {
    let sale = Sale { service, usage, tier, territory: country(territory), configuration };
    contract.royalty().unwrap().rates.rate_for(&sale).to_string()
}

#[test]
fn the_most_specific_entry_wins() {
    let contract = example("royalty-rate-table.toml");
    let album = Some(Configuration::Album);
    let single = Some(Configuration::Single);
    // Nothing but the default matches.
    assert_eq!(rate(&contract, "Spotify", Usage::Stream, Tier::Premium, "DE", album), "0.18");
    // One condition.
    assert_eq!(rate(&contract, "iTunes", Usage::Download, Tier::Other, "DE", album), "0.23");
    assert_eq!(rate(&contract, "Spotify", Usage::Stream, Tier::Premium, "DE", single), "0.2");
    // Two entries of two conditions: usage+tier beats usage+territory (tier weighs more).
    assert_eq!(rate(&contract, "Spotify", Usage::Stream, Tier::AdSupported, "US", album), "0.15");
    assert_eq!(rate(&contract, "Spotify", Usage::Stream, Tier::Premium, "US", album), "0.16");
    // Two conditions beat one: TikTok UGC of a single is 10%, not the singles' 20%.
    assert_eq!(rate(&contract, "TikTok", Usage::Ugc, Tier::Other, "FR", single), "0.1");
    // Service names are compared without regard to letter case.
    assert_eq!(rate(&contract, "tiktok", Usage::Ugc, Tier::Other, "FR", album), "0.1");
    // One condition each: usage beats configuration.
    assert_eq!(rate(&contract, "Bandcamp", Usage::Download, Tier::Other, "GB", single), "0.23");
    // A sale reported for the whole world matches no territory condition.
    assert_eq!(rate(&contract, "Spotify", Usage::Stream, Tier::Premium, "WW", album), "0.18");
    // A sale without a known configuration matches no configuration condition.
    assert_eq!(rate(&contract, "Spotify", Usage::Stream, Tier::Premium, "DE", None), "0.18");
}

#[test]
fn territory_scope_carves_out_excluded_countries() {
    let licence = example("licence-territories.toml");
    let covers = |code: &str| licence.scope.territories.covers(CountryCode::parse(code).unwrap());
    assert!(covers("DE") && covers("US"));
    assert!(!covers("GB") && !covers("IE"));
    assert!(licence.term_covers_month(ledgerline_model::Month::parse("2027-12").unwrap()));
    assert!(!licence.term_covers_month(ledgerline_model::Month::parse("2028-01").unwrap()));
}

#[test]
fn rates_shares_and_amounts_are_exact_decimals() {
    let band = example("band-with-shares.toml");
    let total: Decimal = band.payees.iter().map(|payee| payee.share).sum();
    assert_eq!(total, Decimal::ONE);
    assert_eq!(band.payees[0].share.to_string(), "0.2125");
}
