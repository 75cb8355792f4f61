//! The fixture statement: two contracts (a royalty deal and a net-profit split), 200 earning
//! lines over eight services, fifteen territories and six months, a return, deductions, a
//! cost line without service or territory, a charge, a transfer, a payment, an adjustment.

#![allow(dead_code)]

use std::path::PathBuf;

use ledgerline_engine::{
    AccountLine, Adjustment, ChargeLine, EarningLine, PaymentLine, Statement, StatementContract, Summary, TransferLine,
};
use ledgerline_money::{Decimal, RoundingMode};

pub fn d(text: &str) -> Decimal {
    Decimal::parse(text).unwrap_or_else(|error| panic!("{text}: {error:?}"))
}

const SERVICES: [&str; 8] = ["Spotify", "Apple Music", "YouTube Music", "Amazon Music", "Deezer", "TIDAL", "iTunes", "Bandcamp"];
const TERRITORIES: [&str; 15] = ["DE", "US", "GB", "FR", "NL", "SE", "JP", "BR", "ES", "IT", "AT", "CH", "PL", "CA", "AU"];
const TRACKS: [(&str, &str, &str); 5] = [
    ("5012345000015", "GBAYE2400001", "Northern Lights"),
    ("5012345000015", "GBAYE2400002", "Harbour Song"),
    ("5012345000015", "GBAYE2400003", "Salt & Iron"),
    ("5012345000022", "GBAYE2400011", "Night Ferry (Live at the \"Roundhouse\")"),
    ("5012345000022", "GBAYE2400012", "Lanterns, Slowly"),
];

/// A small deterministic generator (no clock, no hash maps).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % bound
    }
}

pub fn fixture() -> Statement {
    let mut rng = Lcg(2026);
    let mut earnings = Vec::new();
    for index in 0..196 {
        let (release, track, title) = TRACKS[index % TRACKS.len()];
        let service = SERVICES[rng.next(SERVICES.len() as u64) as usize];
        let territory = TERRITORIES[(rng.next(100) * rng.next(100) / 660) as usize % TERRITORIES.len()];
        let month = format!("2026-{:02}", 1 + index % 6);
        let (usage, tier) = match service {
            "iTunes" | "Bandcamp" => ("download", ""),
            "YouTube Music" => ("stream", if rng.next(2) == 0 { "ad-supported" } else { "premium" }),
            _ => ("stream", if rng.next(4) == 0 { "ad-supported" } else { "premium" }),
        };
        let units = 1 + rng.next(4000) as i64;
        // Exact receipts with sub-cent digits, as DSPs report them.
        let receipts = Decimal::from_units(i128::from(units) * (900 + rng.next(3000) as i128), 5).unwrap_or(Decimal::ZERO);
        let rate = if usage == "download" { d("0.2") } else { d("0.185") };
        let amount = receipts.checked_mul(rate, RoundingMode::HalfEven).unwrap_or(Decimal::ZERO).round_to(2, RoundingMode::HalfEven);
        earnings.push(line("C001", 2, release, track, title, service, territory, usage, tier, &month, units, receipts, Decimal::ZERO, rate, amount));
    }
    // A return: a negative download line.
    earnings.push(line("C001", 2, "5012345000015", "GBAYE2400001", "Northern Lights", "iTunes", "DE", "download", "", "2026-03", -3, d("-2.97"), Decimal::ZERO, d("0.2"), d("-0.59")));
    // Physical sales with packaging deductions.
    earnings.push(line("C001", 2, "5012345000022", "", "Lanterns (LP)", "Rough Trade", "GB", "physical", "", "2026-04", 120, d("1560"), d("195"), d("0.15"), d("204.75")));
    // The net-profit split: a receipts line and a cost line with no service, territory or month.
    earnings.push(line("C007", 1, "5012345000022", "GBAYE2400011", "Night Ferry (Live at the \"Roundhouse\")", "Spotify", "US", "stream", "premium", "2026-05", 5000, d("17.5"), Decimal::ZERO, d("0.5"), d("4.38")));
    earnings.push(line("C007", 1, "5012345000022", "", "mastering: Live mastering (2026-02-01)", "", "", "cost", "", "", 0, d("-300"), Decimal::ZERO, d("0.5"), d("-75.00")));
    earnings.sort();

    let total: Decimal = earnings.iter().map(|l| l.amount).sum();
    let opening = d("120.00");
    let transfers_out = (total.checked_mul(d("0.1"), RoundingMode::HalfEven).unwrap_or(Decimal::ZERO)).round_to(2, RoundingMode::HalfEven);
    let charges = d("500.00");
    let payments = d("250.00");
    let adjustments = d("12.34");
    let closing = opening + total - transfers_out - charges - payments + adjustments;
    let reserves = d("40.00");
    let summary = Summary {
        opening_balance: opening,
        earnings: total,
        transfers_in: Decimal::ZERO,
        transfers_out,
        charges,
        vat: Decimal::ZERO,
        withholding_tax: Decimal::ZERO,
        payments,
        adjustments,
        closing_balance: closing,
        reserves_held: reserves,
        reserves_released: Decimal::ZERO,
        held_until_recoupment: Decimal::ZERO,
        released_after_recoupment: Decimal::ZERO,
        payable: closing - reserves,
        reserves_balance: reserves,
        held_balance: Decimal::ZERO,
        carried_forward: Decimal::ZERO,
        unrecouped: Decimal::ZERO,
    };
    assert!(summary.adds_up(), "the fixture adds up");
    Statement {
        label: "Northern Lights Records".to_string(),
        payee: "P008".to_string(),
        payee_name: "Ada Moreno".to_string(),
        period: "2026-H1".to_string(),
        first_month: "2026-01".to_string(),
        last_month: "2026-06".to_string(),
        currency: "EUR".to_string(),
        rounding: "half-even".to_string(),
        contracts: vec![
            StatementContract { id: "C001".into(), version: 2, title: "Recording agreement".into(), deal: "royalty".into(), share: d("1") },
            StatementContract { id: "C007".into(), version: 1, title: "Live album split".into(), deal: "net_profit".into(), share: d("0.5") },
        ],
        summary,
        accounts: vec![
            AccountLine { kind: "payable".into(), name: "payable".into(), balance: closing - reserves },
            AccountLine { kind: "recoupment".into(), name: "C001".into(), balance: Decimal::ZERO },
            AccountLine { kind: "reserve".into(), name: "C001".into(), balance: reserves },
        ],
        earnings,
        charges: vec![ChargeLine {
            date: "2026-02-15".into(),
            contract: "C001".into(),
            kind: "marketing".into(),
            description: "Playlist campaign, spring".into(),
            release: "5012345000015".into(),
            amount: d("1000"),
            recoupable: d("500"),
            charged: charges,
        }],
        transfers: vec![TransferLine {
            contract: "C001".into(),
            from: "P008".into(),
            to: "P011".into(),
            of: "earnings".into(),
            share: d("0.1"),
            amount: -transfers_out,
            description: "Producer points to Sam Lee".into(),
        }],
        payments: vec![PaymentLine { date: "2026-03-31".into(), amount: payments, reference: "SEPA 2025-H2 P008".into() }],
        adjustments: vec![Adjustment {
            period: "2025-H2".into(),
            figure: "earnings".into(),
            issued: d("800.00"),
            recomputed: d("812.34"),
            difference: adjustments,
        }],
        notes: vec![
            "Receipts are accounted in the month the source reported them.".into(),
            "A reserve of 10% of physical sales is held for two periods.".into(),
        ],
        tax: None,
        invoice: None,
        payable_converted: None,
    }
}

#[allow(clippy::too_many_arguments)]
fn line(
    contract: &str,
    version: u32,
    release: &str,
    track: &str,
    title: &str,
    service: &str,
    territory: &str,
    usage: &str,
    tier: &str,
    sale_month: &str,
    units: i64,
    receipts: Decimal,
    deductions: Decimal,
    rate: Decimal,
    amount: Decimal,
) -> EarningLine {
    EarningLine {
        contract: contract.into(),
        version,
        release: release.into(),
        track: track.into(),
        title: title.into(),
        service: service.into(),
        territory: territory.into(),
        usage: usage.into(),
        tier: tier.into(),
        sale_month: sale_month.into(),
        units,
        receipts,
        deductions,
        rate,
        amount,
    }
}

/// Where tests leave files for a person to look at (PNG pages, rendered statements).
pub fn output_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("render");
    std::fs::create_dir_all(&dir).unwrap_or_else(|error| panic!("{}: {error}", dir.display()));
    dir
}

/// Whether `program` is on the PATH.
pub fn have(program: &str) -> bool {
    std::process::Command::new("sh").arg("-c").arg(format!("command -v {program}")).output().map(|o| o.status.success()).unwrap_or(false)
}
