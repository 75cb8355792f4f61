//! `costs/costs.csv`: advances and the costs a label spends on its releases.
//!
//! Columns: `date,contract_id,party_id,release_upc,kind,amount,currency,recoupable_percent,
//! description`. `recoupable_percent` is a fraction like the contract percents (`1` = fully
//! recoupable, `0.5` = half, as is usual for videos, `0` = the label's own cost). `party_id` is
//! the payee for single-payee contracts and empty where the cost is charged to the contract as a
//! whole (a band's shared account). `release_upc` is empty for advances, which belong to the
//! contract rather than to one release.

use anyhow::Result;
use ledgerline_model::{Date, Month};
use ledgerline_money::Decimal;

use crate::contracts::Contract;
use crate::label::{Label, ReleaseFormat};
use crate::random::Random;
use crate::text::{decimal_text, Row, TextStyle};

pub const COLUMNS: [&str; 9] =
    ["date", "contract_id", "party_id", "release_upc", "kind", "amount", "currency", "recoupable_percent", "description"];

struct Cost {
    date: Date,
    contract: usize,
    release_upc: String,
    kind: &'static str,
    amount: Decimal,
    recoupable: Decimal,
    description: String,
}

fn cost_date(random: &mut Random, month: Month, months_before: i32) -> Result<Date> {
    let month = month.add_months(-months_before).unwrap_or(month);
    Ok(Date::new(month.year(), month.number(), 1 + random.below(28) as u8)?)
}

/// The costs CSV and its row count.
pub fn costs_csv(seed: u64, label: &Label, contracts: &[Contract]) -> Result<(Vec<u8>, u64)> {
    let mut random = Random::for_stream(seed, "costs");
    let mut costs: Vec<Cost> = Vec::new();
    let whole = Decimal::ONE;
    let half = Decimal::from_units(5, 1).unwrap_or(Decimal::ZERO);
    let euros = |amount: i64| Decimal::from_integer(amount);

    for (contract_index, contract) in contracts.iter().enumerate() {
        // A second version amends terms; its costs are those of the first.
        if contract.version != 1 {
            continue;
        }
        if let Some((amount, date)) = contract.advance {
            costs.push(Cost {
                date,
                contract: contract_index,
                release_upc: String::new(),
                kind: "advance",
                amount,
                recoupable: whole,
                description: "Advance paid on signature".to_string(),
            });
        }
        // Only the artists' own deals carry production costs.
        if contract.payees.iter().all(|payee| payee.from_record_one) {
            continue;
        }
        for (position, &release_index) in contract.releases.iter().enumerate() {
            let release = &label.releases[release_index];
            let month = release.month();
            if release.format != ReleaseFormat::Single {
                costs.push(Cost {
                    date: cost_date(&mut random, month, 3)?,
                    contract: contract_index,
                    release_upc: release.upc.clone(),
                    kind: "recording",
                    amount: euros(1_500 + random.range(0, 40) * 250),
                    recoupable: whole,
                    description: format!("Studio and mixing: {}", release.title),
                });
            }
            if position == 0 {
                costs.push(Cost {
                    date: cost_date(&mut random, month, 1)?,
                    contract: contract_index,
                    release_upc: release.upc.clone(),
                    kind: "video",
                    amount: euros(800 + random.range(0, 24) * 100),
                    recoupable: half,
                    description: format!("Music video: {}", release.title),
                });
                costs.push(Cost {
                    date: cost_date(&mut random, month, 0)?,
                    contract: contract_index,
                    release_upc: release.upc.clone(),
                    kind: "marketing",
                    amount: euros(300 + random.range(0, 30) * 50),
                    recoupable: if contract.is_net_profit() { whole } else { Decimal::ZERO },
                    description: format!("Playlist and press campaign: {}", release.title),
                });
            }
            if position == 1 && random.chance(1, 2) {
                costs.push(Cost {
                    date: cost_date(&mut random, month, -2)?,
                    contract: contract_index,
                    release_upc: release.upc.clone(),
                    kind: "tour_support",
                    amount: euros(1_000 + random.range(0, 20) * 100),
                    recoupable: whole,
                    description: format!("Tour support: {}", release.title),
                });
            }
        }
    }
    // In date order, as a bookkeeper would list them; ties keep contract order.
    costs.sort_by(|left, right| left.date.cmp(&right.date).then(left.contract.cmp(&right.contract)));

    let mut out = Vec::new();
    Row::new(&mut out, TextStyle::CSV).texts(&COLUMNS).end();
    for cost in &costs {
        let contract = &contracts[cost.contract];
        let party_id = match contract.payees.as_slice() {
            [only] => label.parties[only.party].id.as_str(),
            _ => "",
        };
        Row::new(&mut out, TextStyle::CSV)
            .text(&cost.date.to_string())
            .text(&contract.id)
            .text(party_id)
            .text(&cost.release_upc)
            .text(cost.kind)
            .text(&decimal_text(cost.amount, contract.currency.minor_digits()))
            .text(contract.currency.code())
            .text(&cost.recoupable.to_string())
            .text(&cost.description)
            .end();
    }
    Ok((out, costs.len() as u64))
}

/// The months of the rows of a costs CSV written by [`costs_csv`].
pub fn months(csv: &[u8]) -> Vec<Month> {
    String::from_utf8_lossy(csv)
        .lines()
        .skip(1)
        .filter_map(|line| line.split(',').next().and_then(|date| Date::parse(date).ok()))
        .map(|date| date.month())
        .collect()
}
