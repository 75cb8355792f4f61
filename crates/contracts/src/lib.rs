//! Ledgerline contracts: the contract file format, its typed model, and contract versions in the
//! ledger.
//!
//! A label's royalty manager writes each deal as a TOML file (reference: `docs/contracts.md`,
//! examples: `docs/examples/contracts/`). This crate:
//!
//! - reads a file into a [`Contract`] with [`parse_contract`], or reports every problem in it,
//!   each with file, line, column and key ([`ContractError`]);
//! - says what a contract means in plain language with [`describe`];
//! - writes a contract back as a file with [`contract_to_toml`];
//! - stores contract versions in the ledger ([`import_contracts`]), refusing parties the ledger
//!   does not have, checks files against the ledger without storing them
//!   ([`check_contracts_in`]), and reads back the versions that govern a month
//!   ([`contracts_in_force`]).
//! - reads splits CSVs (ISRC or UPC, payee, share) as one generated contract per recording,
//!   versioned like contract files ([`import_contracts_and_splits`], [`check_contracts_and_splits`]).
//!
//! What it is not: it applies no terms to sales (that is the engine, which uses the model and
//! the rate-matching rules here: [`RateTable::rate_for`], [`Conditions::matches`]). Rates,
//! shares and amounts are exact decimals, never binary floating point.

mod bank;
mod describe;
mod error;
mod ledger;
mod model;
mod parse;
mod reader;
mod splits;
mod write;

pub use bank::{iban_check_digits, iban_remainder, Bic, Iban};
pub use describe::{describe, describe_with_parties, money, percent};
pub use error::ContractError;
pub use ledger::{
    all_contract_versions, check_contracts, check_contracts_in, content_sha256, contract_ids, contract_versions, contracts_in_force, import_contracts,
    latest_contract, stored_contract, ContractImport, ContractStoreError, ImportStatus, ImportedContract, SourceFile,
    StoredContract, StoredVersion,
};
pub use model::{
    Accounting, AccountingFrequency, Advance, BankAccount, Basis, Conditions, Configuration, Contract, CrossCollateralisation,
    Deal, Deduction, DeductionAmount, Escalation, EscalationThreshold, NetProfitTerms, Payee, PayeeSettings, RateChange,
    RateEntry, RateTable, RecoupableCost, Reserve, RoyaltyTerms, Sale, Scope, TerritoryScope, Term, Tier, Transfer,
    TransferBase, Usage, VatRegistration,
};
pub use parse::parse_contract;
pub use splits::{
    check_contracts_and_splits, check_contracts_and_splits_in, import_contracts_and_splits, is_splits_csv, ledger_parties, read_splits, split_sources, Parties,
    SplitRecording, SplitRow, SPLIT_COLUMNS, SPLIT_ID_PREFIX,
};
pub use write::contract_to_toml;
