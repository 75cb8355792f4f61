//! The command line, defined once; `--help` is generated from these doc comments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Ledgerline: open royalty accounting for independent labels and self-releasing artists.
///
/// A home folder holds everything: ledger.db (the ledger database) and lake/ (imported report
/// lines). Start with `ledgerline demo` to see it work on a generated label, or `ledgerline
/// init` to begin your own.
#[derive(Debug, Parser)]
#[command(name = "ledgerline", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    /// The Ledgerline home folder (ledger.db and lake/).
    #[arg(long, global = true, env = "LEDGERLINE_HOME", default_value = "ledgerline-home", value_name = "DIR")]
    pub home: PathBuf,

    /// Print one JSON document on stdout instead of text (for scripts).
    #[arg(long, global = true)]
    pub json: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a home folder with an empty ledger.
    Init(InitArgs),
    /// Check the ledger database: SQLite integrity, foreign keys and the trial balance.
    Check,
    /// Exchange rates by month and currency pair (`fx import FILE`).
    #[command(subcommand)]
    Fx(FxCommand),
    /// List imported lines the catalog does not know (the suspense queue), grouped by identifier.
    Unmatched,
    /// Resolve unmatched lines: record IDENTIFIER (as reported) as another name of a catalog
    /// track or release; every line carrying it matches from then on.
    Alias(AliasArgs),
    /// Import sales reports (DDEX DSR, distributor and DSP statements); the layout is detected.
    /// Importing the same content again changes nothing.
    Import(ImportArgs),
    /// Import or export the catalog: releases, tracks, parties and aliases (CSV or DDEX ERN).
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Contracts: check contract files, import them into the ledger as versions, and show what
    /// a contract says in plain language (the format is described in docs/contracts.md).
    Contracts(ContractsArgs),
    /// Costs and advances paid against contracts (`costs import FILE`).
    #[command(subcommand)]
    Costs(CostsCommand),
    /// Compute the draft statements of a period (`2026-H1`, `2026-Q3`, `2026-07`, `2026`):
    /// earnings, recoupment, reserves, transfers, tax, payable. Stores nothing; run it as often
    /// as you like until the period is closed.
    Run(PeriodArgs),
    /// Issue the statements of a period: post the ledger, record each statement with its
    /// SHA-256, and close the period for good. Later changes become adjustments.
    Close(CloseArgs),
    /// Payments to payees: record them (`payments import FILE`, `payments add`) and write a
    /// SEPA credit transfer file of what is payable (`payments sepa PERIOD --out FILE`).
    #[command(subcommand)]
    Payments(PaymentsCommand),
    /// Trace a payee's earnings in a period to the report lines and contract terms behind them.
    Explain(ExplainArgs),
    /// Write the issued statements of a closed period: HTML, PDF, CSV, XLSX, JSON.
    Statements(StatementsArgs),
    /// Check a statement file (any format it was issued in) against the ledger: is it exactly
    /// the statement that was issued?
    Verify(VerifyArgs),
    /// Write a lender pack (PDF, XLSX, JSON): income by year, month, source, territory, usage,
    /// format, release and release age, concentration, decay, liabilities, rights and an
    /// indicative valuation, every figure reconciled to the ledger (docs/finance.md).
    Value(ValueArgs),
    /// Write a synthetic label (catalog, contracts, costs, FX rates, sales reports and their
    /// ground truth) into a folder. Deterministic: the same seed gives the same bytes.
    Synth(SynthArgs),
    /// Generate a label into a fresh home, run every step Ledgerline has on it, say what it
    /// did and where to look, then serve the portal with a label admin and two payee logins.
    Demo(DemoArgs),
    /// Serve the portal and the JSON API (docs/portal.md). Put a TLS reverse proxy in front of
    /// it for anything but local development.
    Serve(ServeArgs),
    /// Portal users: add them (`users add --email E --role admin|staff|payee [--payee ID]
    /// --password-stdin`), list them, or give a label user an API token.
    #[command(subcommand)]
    Users(UsersCommand),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDRESS:PORT")]
    pub bind: std::net::SocketAddr,
    /// Plain-HTTP development on a loopback address: cookies without Secure. Refused for any
    /// other address.
    #[arg(long)]
    pub insecure_http: bool,
    /// The address people open the portal at (https://royalties.label.example), used in the
    /// links it hands out, such as invitations; without it, the request's Host header.
    #[arg(long, value_name = "URL")]
    pub public_url: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Add a user; the password is read from standard input.
    Add {
        #[arg(long)]
        email: String,
        /// admin (everything), staff (reads; every payee, or those given with --grant) or payee
        /// (their own statements).
        #[arg(long)]
        role: String,
        /// For a payee user: the party id they are.
        #[arg(long, value_name = "ID")]
        payee: Option<String>,
        /// For staff: a payee they may see (repeat for more); without it staff see every payee.
        #[arg(long, value_name = "PAYEE")]
        grant: Vec<String>,
        /// Read the password from standard input (the only way: never on the command line).
        #[arg(long)]
        password_stdin: bool,
    },
    /// List the users and what they may see.
    List,
    /// Create an API token for a label user (shown once).
    Token {
        #[arg(long)]
        email: String,
        /// What the token is for, to recognise it later.
        #[arg(long, default_value = "integration")]
        name: String,
    },
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Accounting currency of the label (ISO 4217): statements and the ledger are kept in it.
    /// Default EUR. Set once, when the home is created.
    #[arg(long, value_name = "CODE")]
    pub currency: Option<String>,
    /// The label's name, as printed on statements. Default "My Label".
    #[arg(long, value_name = "NAME")]
    pub label_name: Option<String>,
    /// Rounding of statement amounts to the currency's minor unit: half-even (the default) or
    /// half-up.
    #[arg(long, value_name = "MODE")]
    pub rounding: Option<String>,
    /// Which month receipts are accounted in: `reporting_month` (the default: the month the
    /// source reported them, usual for labels) or `sale_month`. Chosen once: closed periods
    /// depend on it.
    #[arg(long, value_name = "BASIS")]
    pub accounting_basis: Option<String>,
    /// The label's VAT number, printed on self-billing invoices.
    #[arg(long, value_name = "NUMBER")]
    pub vat_number: Option<String>,
    /// The label's country (ISO 3166 alpha-2), for the reverse-charge mention on invoices.
    #[arg(long, value_name = "CODE")]
    pub country: Option<String>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Report files: CSV, TSV, TXT, DSR .tsv, gzip or ZIP.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Read the files as this source's layouts only (e.g. fuga, ddex-dsr).
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,
    /// Read the files with this mapping file (see docs/formats.md).
    #[arg(long, value_name = "FILE", conflicts_with = "source")]
    pub mapping: Option<PathBuf>,
    /// Import the good rows of a file with bad rows; the rejected rows are kept with reasons.
    #[arg(long)]
    pub skip_bad_rows: bool,
    /// Import a report whose layout, line count, sale days and totals are exactly those of a
    /// report imported before (refused otherwise, as the same report saved again).
    #[arg(long)]
    pub allow_same_totals: bool,
}

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Import catalog files: catalog, parties or aliases CSV, or DDEX ERN 3.8.2 / 4.x XML (told
    /// apart by content; see docs/catalog.md). A file with any error imports nothing; importing
    /// the same content again changes nothing and says so.
    Import(CatalogImportArgs),
    /// Write the catalog as a catalog CSV, the layout `catalog import` reads, sorted by release.
    Export(CatalogExportArgs),
}

#[derive(Debug, Args)]
pub struct CatalogImportArgs {
    /// Catalog CSV, parties CSV, aliases CSV or DDEX ERN XML files.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CatalogExportArgs {
    /// The CSV file to write (replaced if it exists).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct ContractsArgs {
    #[command(subcommand)]
    pub command: ContractsCommand,
}

#[derive(Debug, Subcommand)]
pub enum ContractsCommand {
    /// Import contract files into the ledger, all of them or, if any has a problem, none. A new
    /// version is stored with its text; the same version again changes nothing; a changed
    /// contract must be a new version.
    Import {
        /// Contract files (TOML) and splits files (CSV with an isrc or upc, payee and share
        /// header; see docs/contracts.md, "Simple splits in bulk").
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Check contract files and list every problem with its file, line and column. Stores
    /// nothing and needs no home.
    Check {
        /// Contract files (TOML) and splits files (CSV with an isrc or upc, payee and share
        /// header; see docs/contracts.md, "Simple splits in bulk").
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Show a contract in plain language: its latest version, or the version given.
    Show {
        /// The contract's id, as in its file (id = "C001").
        #[arg(value_name = "ID")]
        id: String,
        /// A version number; the latest when left out.
        #[arg(value_name = "VERSION")]
        contract_version: Option<u32>,
    },
}

#[derive(Debug, Args)]
pub struct SynthArgs {
    /// Folder to write into (created if missing; existing files are overwritten).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Seed of the generator: the same seed gives byte-identical output.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Number of artists on the label.
    #[arg(long, default_value_t = 12)]
    pub artists: u32,
    /// Number of months of sales reports.
    #[arg(long, default_value_t = 6)]
    pub months: u32,
    /// Write one large FUGA CSV and one DSR report of about N lines each instead of the
    /// monthly reports (for benchmarks).
    #[arg(long, value_name = "N")]
    pub lines: Option<u64>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Seed of the generated label.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Stop after the statements instead of serving the portal.
    #[arg(long)]
    pub no_serve: bool,
    /// Where the portal listens (a loopback address: the demo serves plain HTTP).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDRESS:PORT")]
    pub bind: std::net::SocketAddr,
}

#[derive(Debug, Args)]
pub struct AliasArgs {
    /// The identifier as the reports carry it (an ISRC, UPC, catalog number or a store's id).
    #[arg(value_name = "IDENTIFIER")]
    pub identifier: String,
    /// The catalog track it stands for.
    #[arg(long, value_name = "ISRC", conflicts_with = "release")]
    pub track: Option<String>,
    /// The catalog release it stands for.
    #[arg(long, value_name = "UPC")]
    pub release: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum FxCommand {
    /// Import a rate table: CSV with the columns month,from,to,rate (one unit of `from` is
    /// `rate` units of `to` for sales of that month). A rate already stored is kept; with
    /// --replace, one of a month no closed period covers is corrected.
    Import {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Replace the stored rates of months no closed period covers by the file's (a rate a
        /// closed period used is always kept).
        #[arg(long)]
        replace: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum CostsCommand {
    /// Import a costs file (docs/costs.md): CSV with the columns date, contract_id, kind,
    /// amount, currency and optionally release_upc, party_id, recoupable_percent, description,
    /// cost_id. The contract decides which kinds are paid back; recoupable_percent, when given,
    /// must agree with it, and a kind the contract does not recoup needs recoupable_percent 0.
    /// Contracts, parties and releases must be in the ledger. Importing the same file again
    /// changes nothing; rows whose cost_id was recorded before are skipped, and a row equal to
    /// a cost already recorded without a cost_id is refused. All rows or none.
    Import {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct PeriodArgs {
    /// The period: a month (`2026-07`), quarter (`2026-Q3`), half (`2026-H1`) or year (`2026`).
    #[arg(value_name = "PERIOD")]
    pub period: String,
    /// Show every payee's figures in the text output, not only the totals.
    #[arg(long)]
    pub payees: bool,
}

#[derive(Debug, Args)]
pub struct CloseArgs {
    #[command(flatten)]
    pub period: PeriodArgs,
    /// Close although the ledger holds no contract: every receipt goes to the label share (a
    /// label that owes no one royalties). Without it, closing before any contract is imported
    /// is refused.
    #[arg(long)]
    pub without_contracts: bool,
}

#[derive(Debug, Subcommand)]
pub enum PaymentsCommand {
    /// Record the payments in a CSV file (date, payee, amount, currency, and optionally
    /// reference and period; see docs/payments.md). All rows or none. Payments are money that
    /// has left the bank: a payee paid more than is payable is recorded all the same, with a
    /// warning naming the payee, the amount payable and the excess.
    Import {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Record one payment. An amount above what is payable to the payee (their last issued
    /// statement's payable amount, less payments recorded since) is refused unless --overpay.
    Add {
        #[arg(long, value_name = "ID")]
        payee: String,
        #[arg(long, value_name = "AMOUNT")]
        amount: String,
        /// ISO 4217; the accounting currency when left out.
        #[arg(long, value_name = "CODE")]
        currency: Option<String>,
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: String,
        #[arg(long, value_name = "TEXT", default_value = "")]
        reference: String,
        /// Record the payment although it is more than is payable to the payee (it was really
        /// paid): the excess is recovered from the payee's later earnings.
        #[arg(long)]
        overpay: bool,
    },
    /// Write an ISO 20022 pain.001 SEPA credit transfer file paying what is still payable from
    /// a closed period, and list the payees left out and why. Each file gets a new message id.
    Sepa {
        #[arg(value_name = "PERIOD")]
        period: String,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// The date the bank should execute the transfers (YYYY-MM-DD): today or later; today
        /// (UTC) when left out.
        #[arg(long, value_name = "YYYY-MM-DD")]
        execution_date: Option<String>,
        /// The label's account the money leaves from.
        #[arg(long, value_name = "IBAN")]
        debtor_iban: String,
        #[arg(long, value_name = "BIC")]
        debtor_bic: Option<String>,
        /// The account holder's name; the label's name when left out.
        #[arg(long, value_name = "NAME")]
        debtor_name: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The payee's party id.
    #[arg(long, value_name = "ID")]
    pub payee: String,
    /// The period; the last closed one when left out.
    #[arg(long, value_name = "PERIOD")]
    pub period: Option<String>,
    #[arg(long, value_name = "ISRC")]
    pub track: Option<String>,
    #[arg(long, value_name = "NAME")]
    pub service: Option<String>,
    /// ISO 3166 alpha-2.
    #[arg(long, value_name = "CODE")]
    pub territory: Option<String>,
    /// How many report lines to show per statement line in the text output.
    #[arg(long, default_value_t = 5)]
    pub lines: usize,
}

#[derive(Debug, Args)]
pub struct StatementsArgs {
    /// A closed period (`2026-H1`).
    #[arg(value_name = "PERIOD")]
    pub period: String,
    /// The folder to write into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Formats, separated by commas.
    #[arg(long, default_value = "html,pdf,csv,xlsx,json", value_name = "FORMATS")]
    pub format: String,
    /// Only this payee's statement.
    #[arg(long, value_name = "ID")]
    pub payee: Option<String>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// A statement file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct ValueArgs {
    /// The pack's last month (`2026-06`); default: the last month of the last closed period,
    /// or the last month with receipts when nothing is closed.
    #[arg(long, value_name = "MONTH")]
    pub as_of: Option<String>,
    /// The folder to write the pack into (created if missing); default `<home>/lender-pack`.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Years of rights remaining for the valuation (N).
    #[arg(long, value_name = "N", default_value_t = 70, value_parser = clap::value_parser!(u32).range(1..=150))]
    pub years: u32,
}
