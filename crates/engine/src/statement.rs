//! The statement: what one payee is told about one period, every figure to the cent.
//!
//! A statement is data first: the renderers (HTML, PDF, CSV, XLSX) and the portal draw it, and
//! its canonical JSON ([`Statement::canonical_json`]) is what the SHA-256 recorded at issue is
//! computed over. Fields are in a fixed order and every collection is sorted, so the same
//! figures always give the same bytes.

use ledgerline_money::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One payee's statement for one period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub label: String,
    pub payee: String,
    pub payee_name: String,
    /// The period as written on the command line (`2026-H1`).
    pub period: String,
    /// The months it covers: the period's, plus earlier months no earlier statement covered.
    pub first_month: String,
    pub last_month: String,
    pub currency: String,
    /// How amounts were rounded to the cent (`half-even`).
    pub rounding: String,
    pub contracts: Vec<StatementContract>,
    pub summary: Summary,
    /// Where the closing balance sits, by recoupment account.
    pub accounts: Vec<AccountLine>,
    pub earnings: Vec<EarningLine>,
    pub charges: Vec<ChargeLine>,
    pub transfers: Vec<TransferLine>,
    pub payments: Vec<PaymentLine>,
    /// Changes to periods already issued (late reports, resolved aliases, contract fixes),
    /// as differences of their summary figures.
    pub adjustments: Vec<Adjustment>,
    /// Plain-language notes on how the figures were made.
    pub notes: Vec<String>,
    /// The payee's tax position from their contract settings, when they have settings: what the
    /// VAT and withholding figures were computed with.
    pub tax: Option<PayeeTax>,
    /// The self-billing invoice issued with the statement: for a VAT-registered payee who
    /// agreed to self-billing and to whom something became payable. Numbered at close.
    pub invoice: Option<Invoice>,
    /// The payable amount in the payee's `statement_currency`, when that is not the
    /// statement's currency. Every figure above stays in the accounting currency, where it adds
    /// up to the cent; this converts the one amount the payee is paid.
    pub payable_converted: Option<ConvertedAmount>,
}

/// An amount converted at a stated rate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConvertedAmount {
    pub currency: String,
    /// One unit of the statement's currency is `rate` units of `currency`.
    pub rate: Decimal,
    /// The month whose rate was used: the period's last month or the latest before it with one.
    pub rate_month: String,
    pub amount: Decimal,
}

/// What a payee's tax figures were computed with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayeeTax {
    /// The payee's VAT number, when VAT registered.
    pub vat_number: Option<String>,
    /// The VAT rate added to what became payable (0 for reverse charge).
    pub vat_rate: Decimal,
    pub self_billing: bool,
    pub withholding_tax_rate: Decimal,
    /// The payee's country (ISO 3166 alpha-2), from the parties file.
    pub country: Option<String>,
    /// What became payable in the period before tax: the base of the VAT and the withholding.
    pub taxable: Decimal,
}

/// A self-billing invoice: issued by the label on the payee's behalf, for the royalties that
/// became payable in the period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    /// Sequential across the ledger (`SB-000001`).
    pub number: String,
    /// The day it was issued (the day the period was closed), `YYYY-MM-DD`.
    pub date: String,
    /// The customer: the label.
    pub label_name: String,
    pub label_vat_number: Option<String>,
    pub label_country: Option<String>,
    /// The supplier: the payee.
    pub payee_name: String,
    pub payee_vat_number: String,
    pub payee_country: Option<String>,
    /// Royalties for the period, before VAT.
    pub net: Decimal,
    pub vat_rate: Decimal,
    pub vat: Decimal,
    /// Tax withheld by the label from the payment (shown, not part of the invoice total).
    pub withholding_tax_rate: Decimal,
    pub withholding_tax: Decimal,
    /// `net + vat`: the invoice total.
    pub total: Decimal,
    /// What the label pays: `total − withholding_tax`.
    pub to_pay: Decimal,
    /// Supplier and customer in different EU member states and no VAT charged: the customer
    /// accounts for the VAT (reverse charge); the invoice must say so.
    pub reverse_charge: bool,
}

/// A contract version that paid this payee in the period.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct StatementContract {
    pub id: String,
    pub version: u32,
    pub title: String,
    pub deal: String,
    pub share: Decimal,
}

/// The figures of a statement. `closing_balance = opening_balance + earnings + transfers_in −
/// transfers_out − charges + vat − withholding_tax − payments + adjustments`, to the cent, and
/// the closing balance is `payable + reserves_balance + held_balance + carried_forward +
/// unrecouped`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub opening_balance: Decimal,
    pub earnings: Decimal,
    pub transfers_in: Decimal,
    pub transfers_out: Decimal,
    /// Advances and recoupable costs charged to the payee in the period.
    pub charges: Decimal,
    pub vat: Decimal,
    pub withholding_tax: Decimal,
    pub payments: Decimal,
    /// The total of the adjustments for periods already issued.
    pub adjustments: Decimal,
    pub closing_balance: Decimal,
    /// Movements inside the balance during the period (they do not change it).
    pub reserves_held: Decimal,
    pub reserves_released: Decimal,
    pub held_until_recoupment: Decimal,
    pub released_after_recoupment: Decimal,
    /// What the closing balance is made of.
    pub payable: Decimal,
    pub reserves_balance: Decimal,
    pub held_balance: Decimal,
    /// Positive balances not yet payable (under the minimum payout).
    pub carried_forward: Decimal,
    /// Advances and costs not yet recouped (zero or negative).
    pub unrecouped: Decimal,
}

impl Summary {
    /// The figures that move the balance, by name, in statement order.
    pub fn movements(&self) -> [(&'static str, Decimal); 8] {
        [
            ("earnings", self.earnings),
            ("transfers_in", self.transfers_in),
            ("transfers_out", -self.transfers_out),
            ("charges", -self.charges),
            ("vat", self.vat),
            ("withholding_tax", -self.withholding_tax),
            ("payments", -self.payments),
            ("adjustments", self.adjustments),
        ]
    }

    /// The movements other than earnings and charges (transfers, VAT, withholding tax, payments
    /// and adjustments), signed as they move the balance: what a table of opening, earnings,
    /// charges and closing needs to add up.
    pub fn other_movements(&self) -> Decimal {
        self.movements()
            .iter()
            .filter(|(name, _)| !matches!(*name, "earnings" | "charges"))
            .map(|(_, amount)| *amount)
            .sum()
    }

    /// Whether the figures add up: opening plus movements is the closing balance, and the
    /// closing balance is the sum of its parts.
    pub fn adds_up(&self) -> bool {
        let moved: Decimal = self.movements().iter().map(|(_, amount)| *amount).sum();
        let parts = self.payable + self.reserves_balance + self.held_balance + self.carried_forward + self.unrecouped;
        self.opening_balance + moved == self.closing_balance && parts == self.closing_balance
    }
}

/// Where part of the payee's balance sits at the end of the period. The lines add up to the
/// closing balance; each is one ledger account of the payee (`payee/P001/<kind>/<name>`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AccountLine {
    /// `recoupment` (a contract id, `all-contracts` when the payee's contracts are
    /// cross-collateralised, or `group:NAME`), `release`
    /// (costs only one release pays back: `C001 5012345000015`), `held` (from record one, by
    /// contract), `reserve` (by contract), `transfers` (received, not yet payable) or `payable`.
    pub kind: String,
    pub name: String,
    pub balance: Decimal,
}

/// Earnings under one contract version from receipts that share track, service, territory,
/// usage, tier and sale month.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EarningLine {
    pub contract: String,
    pub version: u32,
    pub release: String,
    pub track: String,
    pub title: String,
    pub service: String,
    pub territory: String,
    pub usage: String,
    pub tier: String,
    pub sale_month: String,
    pub units: i64,
    /// The base the rate applied to, in the statement currency (exact).
    pub receipts: Decimal,
    /// Deductions taken off the base (exact).
    pub deductions: Decimal,
    /// The royalty rate, or for net-profit deals the payees' part of the profit.
    pub rate: Decimal,
    /// This payee's part, to the cent; the lines add up to the summary's earnings.
    pub amount: Decimal,
}

/// An advance or cost charged to the payee.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ChargeLine {
    pub date: String,
    pub contract: String,
    pub kind: String,
    pub description: String,
    pub release: String,
    /// The whole amount, in the statement currency.
    pub amount: Decimal,
    /// The part that is paid back.
    pub recoupable: Decimal,
    /// This payee's part of the recoupable amount.
    pub charged: Decimal,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TransferLine {
    pub contract: String,
    pub from: String,
    pub to: String,
    /// `earnings` or `payable`.
    pub of: String,
    pub share: Decimal,
    /// Positive when received, negative when paid away.
    pub amount: Decimal,
    pub description: String,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PaymentLine {
    pub date: String,
    pub amount: Decimal,
    pub reference: String,
}

/// The change in one summary figure of an issued period.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Adjustment {
    pub period: String,
    pub figure: String,
    pub issued: Decimal,
    pub recomputed: Decimal,
    pub difference: Decimal,
}

impl Statement {
    /// The bytes the statement's hash is computed over: compact JSON, fields in declaration
    /// order, decimals as exact strings.
    pub fn canonical_json(&self) -> String {
        // Serialising plain data with string keys cannot fail.
        serde_json::to_string(self).unwrap_or_else(|error| unreachable!("statement serialises: {error}"))
    }

    /// SHA-256 of the canonical JSON, lower-case hex.
    pub fn sha256(&self) -> String {
        let digest = Sha256::digest(self.canonical_json().as_bytes());
        digest.iter().map(|byte| format!("{byte:02x}")).collect()
    }
}
