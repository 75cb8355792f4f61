//! `ledgerline demo`: a generated label taken through every step Ledgerline has so far.
//!
//! It grows with each capability: today it creates the home, generates the label into
//! `inbox/` inside it, imports the catalog, contracts, rates, costs and every sales report,
//! closes the generated half-year (postings, issued statements, conservation figures) and checks
//! the ledger; statements as documents and the portal join as they land.

use std::fmt::Write;

use ledgerline_import::ImportOptions;
use ledgerline_money::{Currency, RoundingMode};
use ledgerline_synth::{generate, SynthOptions, SynthSummary};
use serde::Serialize;

use crate::args::{Cli, DemoArgs};
use crate::commands::catalog::CatalogImportReport;
use crate::commands::check::{check_ledger, CheckReport};
use crate::commands::import::{import_files, FileOutcome, ImportReport};
use crate::commands::init::LabelSettings;
use crate::commands::royalties::RunReport;
use crate::home::Home;
use crate::output::{refuse, Output};

/// Folder inside the home where the demo writes the generated label's files.
const INBOX_FOLDER: &str = "inbox";

#[derive(Serialize)]
struct DemoReport {
    home: String,
    inbox: String,
    label_name: String,
    generated: SynthSummary,
    catalog: CatalogImportReport,
    contracts: ledgerline_contracts::ContractImport,
    fx: ledgerline_import::fx::FxImport,
    costs: ledgerline_run::CostsImport,
    imported: ImportReport,
    closed: RunReport,
    statements: crate::commands::statements::WrittenStatements,
    lender_pack: crate::commands::value::ValueReport,
    check: CheckReport,
    next_steps: Vec<String>,
    /// Portal logins made for the demo: a label admin and two payees.
    logins: Vec<DemoLogin>,
    /// Where the portal is served (unless --no-serve).
    portal: Option<String>,
}

#[derive(Serialize)]
struct DemoLogin {
    role: &'static str,
    email: String,
    password: String,
    payee: Option<String>,
}

/// A label admin and the two payees with the largest earnings in `period`, each with a fresh
/// random password (shown once, in the demo's report).
fn demo_logins(
    home: &Home,
    statements: &[(String, ledgerline_engine::Statement)],
) -> anyhow::Result<Vec<DemoLogin>> {
    use ledgerline_server::users::{new_token, Role};
    let mut ranked: Vec<&ledgerline_engine::Statement> =
        statements.iter().map(|(_, statement)| statement).collect();
    ranked.sort_by(|a, b| {
        b.summary
            .earnings
            .cmp(&a.summary.earnings)
            .then_with(|| a.payee.cmp(&b.payee))
    });
    let mut logins = vec![DemoLogin {
        role: "admin",
        email: "admin@label.example".to_string(),
        password: new_token()[..20].to_string(),
        payee: None,
    }];
    for statement in ranked.into_iter().take(2) {
        let email = format!("{}@artists.example", statement.payee.to_lowercase());
        logins.push(DemoLogin {
            role: "payee",
            email,
            password: new_token()[..20].to_string(),
            payee: Some(statement.payee.clone()),
        });
    }
    for login in &logins {
        let role = if login.role == "admin" {
            Role::Admin
        } else {
            Role::Payee
        };
        crate::commands::serve::add_user(
            home,
            &login.email,
            role,
            login.payee.as_deref(),
            &[],
            &login.password,
        )?;
    }
    Ok(logins)
}

/// Makes `home` a fresh demo home. An earlier demo home is replaced; anything else is refused,
/// so the demo never deletes a real ledger or unrelated files.
fn prepare_fresh_home(home: &Home) -> anyhow::Result<()> {
    if home.is_initialised() {
        let is_demo = home.open()?.setting("demo")?.as_deref() == Some("true");
        if !is_demo {
            return Err(refuse(
                format!(
                    "{} holds a ledger that is not a demo; the demo will not touch it",
                    home.path.display()
                ),
                "run the demo elsewhere: `ledgerline --home /tmp/ledgerline-demo demo`",
            ));
        }
        std::fs::remove_dir_all(&home.path)?;
    } else if home.path.exists() && std::fs::read_dir(&home.path)?.next().is_some() {
        return Err(refuse(
            format!("{} exists and is not empty", home.path.display()),
            "give the demo an empty or new folder with --home DIR",
        ));
    }
    Ok(())
}

/// Imports every contract file the generator wrote, in one transaction.
fn import_generated_contracts(
    home: &Home,
    generated: &SynthSummary,
    inbox: &std::path::Path,
) -> anyhow::Result<ledgerline_contracts::ContractImport> {
    let mut sources = Vec::new();
    for file in generated
        .files
        .iter()
        .filter(|file| file.kind == "contract")
    {
        let text = std::fs::read_to_string(inbox.join(&file.path))?;
        sources.push(ledgerline_contracts::SourceFile::new(
            file.path.display().to_string(),
            text,
        ));
    }
    let mut ledger = home.open()?;
    ledgerline_contracts::import_contracts(&mut ledger, &sources)
        .map_err(|error| anyhow::anyhow!("the generated contracts: {error}"))
}

fn render(report: &DemoReport) -> String {
    let mut text = String::new();
    let _ = writeln!(text, "Ledgerline demo: {}", report.label_name);
    let _ = writeln!(text, "  home: {}", report.home);
    let _ = write!(
        text,
        "  1. generated the label into {}: {}",
        report.inbox,
        crate::commands::synth::render(&report.generated)
    );
    let mut sources: Vec<&str> = report
        .generated
        .files
        .iter()
        .filter_map(|file| file.source.as_deref())
        .collect();
    sources.sort_unstable();
    sources.dedup();
    let _ = writeln!(text, "     report formats: {}", sources.join(", "));
    let catalog_counts: Vec<String> = report
        .catalog
        .files
        .iter()
        .filter_map(|file| file.counts.as_ref())
        .flat_map(|counts| {
            [
                ("releases", &counts.releases),
                ("tracks", &counts.tracks),
                ("parties", &counts.parties),
            ]
            .into_iter()
            .filter(|(_, count)| count.added > 0)
            .map(|(name, count)| format!("{} {name}", count.added))
        })
        .collect();
    let _ = writeln!(
        text,
        "  2. imported the catalog: {} ({} refused)",
        catalog_counts.join(", "),
        report.catalog.refused
    );
    let _ = writeln!(
        text,
        "  3. imported {} contract versions, every term checked (see `ledgerline contracts show ID`), and {} exchange rates",
        report.contracts.imported + report.contracts.unchanged,
        report.fx.added + report.fx.unchanged
    );
    let (mut lines, mut matched) = (0u64, 0u64);
    let mut net_by_currency: std::collections::BTreeMap<String, ledgerline_money::Decimal> =
        Default::default();
    for outcome in &report.imported.files {
        if let FileOutcome::Done(import) = outcome {
            lines += import.lines;
            matched += import.matched_lines;
            for (currency, totals) in &import.totals {
                *net_by_currency
                    .entry(currency.code().to_string())
                    .or_default() += totals.net;
            }
        }
    }
    let net: Vec<String> = net_by_currency
        .iter()
        .map(|(currency, amount)| amount_for_people(*amount, currency))
        .collect();
    let _ = writeln!(
        text,
        "  4. imported {} reports ({} refused): {lines} sale lines, {matched} matched to the catalog; net receipts {}",
        report.imported.imported + report.imported.already_imported,
        report.imported.refused,
        net.join(", ")
    );
    for outcome in &report.imported.files {
        if let FileOutcome::Failed { error, .. } = outcome {
            let _ = writeln!(text, "     refused: {error}");
        }
    }
    let closed = &report.closed;
    let _ = writeln!(
        text,
        "  5. recorded {} costs and advances, then closed {} ({} to {}):",
        report.costs.rows, closed.period, closed.first_month, closed.last_month
    );
    for (currency, figures) in &closed.currencies {
        let _ = writeln!(
            text,
            "     money is conserved ({currency}): net receipts {} = payee credits {} + label share {} + suspense {} (to the cent; --json gives the exact figures)",
            amount_for_people(figures.net_receipts, currency),
            amount_for_people(figures.payee_credits, currency),
            amount_for_people(figures.label_share, currency),
            amount_for_people(figures.suspense, currency)
        );
    }
    let mut payable: std::collections::BTreeMap<&str, ledgerline_money::Decimal> = Default::default();
    for payee in &closed.payees {
        *payable.entry(payee.currency.as_str()).or_default() += payee.summary.payable;
    }
    let payable: Vec<String> = payable.iter().map(|(currency, amount)| amount_for_people(*amount, currency)).collect();
    let _ = writeln!(
        text,
        "     {} statements issued, each with its SHA-256; payable now {}",
        closed.payees.len(),
        if payable.is_empty() { "nothing".to_string() } else { payable.join(", ") }
    );
    let _ = writeln!(
        text,
        "     wrote them as HTML, PDF, CSV, XLSX and JSON ({} files) into {}",
        report.statements.files.len(),
        report.statements.folder
    );
    let _ = writeln!(
        text,
        "     wrote the lender pack (PDF, XLSX, JSON) into {}: LTM net label share {}, equal to the ledger's closed periods",
        report.lender_pack.written.folder,
        amount_for_people(report.lender_pack.ltm.flow.label_share, &report.lender_pack.currency.to_string())
    );
    let _ = writeln!(
        text,
        "  6. checked the ledger: {} (schema {}, {} postings)",
        if report.check.ok { "ok" } else { "PROBLEMS" },
        report.check.schema_version,
        report.check.trial_balance.postings
    );
    let _ = writeln!(text, "Where to look:");
    for step in &report.next_steps {
        let _ = writeln!(text, "  - {step}");
    }
    let _ = writeln!(
        text,
        "Portal logins (passwords made for this demo, shown once):"
    );
    for login in &report.logins {
        let who = login.payee.as_deref().map_or_else(
            || "label admin".to_string(),
            |payee| format!("payee {payee}"),
        );
        let _ = writeln!(text, "  {:<28} {}  ({who})", login.email, login.password);
    }
    match &report.portal {
        Some(address) => {
            let _ = writeln!(
                text,
                "The portal: {address} (plain HTTP on loopback, for this demo). Ctrl-C stops it."
            );
        }
        None => {
            let _ = writeln!(
                text,
                "Serve the portal with `ledgerline --home {} serve --insecure-http`.",
                report.home
            );
        }
    }
    text
}

pub fn run(cli: &Cli, arguments: &DemoArgs, output: Output) -> anyhow::Result<u8> {
    let home = Home::new(&cli.home);
    prepare_fresh_home(&home)?;
    let ledger = home.create()?;
    ledger.set_setting("demo", "true")?;
    let inbox = home.path.join(INBOX_FOLDER);
    let spinner = output.spinner("generating the demo label");
    // Two years of reports, so that the lender pack has a history to fit a decay to.
    let options = SynthOptions {
        seed: arguments.seed,
        first_month: ledgerline_model::Month::new(2024, 7).expect("2024-07 is a valid month"),
        months: 24,
        ..SynthOptions::default()
    };
    let generated = generate(&options, &inbox)?;
    spinner.finish_and_clear();
    let label_name = format!("{} (demo)", generated.label_name);
    LabelSettings {
        label_name: label_name.clone(),
        accounting_currency: Currency::EUR,
        rounding_mode: RoundingMode::HalfEven,
        basis: ledgerline_engine::AccountingBasis::ReportingMonth,
        vat_number: Some("NL001234567B01".to_string()),
        country: Some("NL".to_string()),
    }
    .store(&ledger)?;

    drop(ledger);
    let catalog_files: Vec<std::path::PathBuf> = ["catalog/catalog.csv", "catalog/parties.csv"]
        .iter()
        .map(|file| inbox.join(file))
        .collect();
    let catalog = crate::commands::catalog::import_files(&home, &catalog_files, output)?;
    let contracts = import_generated_contracts(&home, &generated, &inbox)?;
    let fx = crate::commands::fx::import_file(&home, &inbox.join("fx/fx-rates.csv"), false)?;

    let mut reports: Vec<std::path::PathBuf> = generated
        .files
        .iter()
        .filter(|file| file.kind == "report")
        .map(|file| inbox.join(&file.path))
        .collect();
    reports.sort();
    let imported = import_files(&home, &reports, &ImportOptions::default(), output)?;
    let costs =
        crate::commands::royalties::import_costs_file(&home, &inbox.join("costs/costs.csv"))?;
    let period = ledgerline_model::Period::containing(
        ledgerline_model::PeriodKind::Half,
        options.last_month(),
    );
    let (draft, closed) = crate::commands::royalties::close(&home, period, ledgerline_run::CloseOptions::default(), output)?;
    let closed = crate::commands::royalties::report(&draft, "closed", Some(&closed));
    let ledger = home.open()?;
    let statements_folder = home.path.join("statements").join(period.to_string());
    let statements = crate::commands::statements::write_statements(
        &ledger,
        &period.to_string(),
        &statements_folder,
        &ledgerline_render::Format::ALL,
        None,
    )?;

    let lender_pack = crate::commands::value::write_lender_pack(
        &ledger,
        &home.path.join(crate::home::LAKE_FOLDER),
        &ledgerline_finance::Options::default(),
        &home.path.join(crate::commands::value::PACK_FOLDER),
    )?;

    let issued = ledgerline_run::issued_statements(&ledger, Some(&period.to_string()))
        .map_err(crate::commands::royalties::refusal)?;
    drop(ledger);
    let logins = demo_logins(&home, &issued)?;
    let ledger = home.open()?;
    let check = check_ledger(&ledger, &home.path.join(crate::home::LAKE_FOLDER))?;
    let ok = check.ok && imported.refused == 0 && catalog.refused == 0;
    let report = DemoReport {
        home: home.path.display().to_string(),
        inbox: inbox.display().to_string(),
        label_name,
        next_steps: vec![
            format!("the catalog, contracts, costs and FX rates: {}/catalog, contracts, costs, fx", inbox.display()),
            format!("the sales reports, one folder per source: {}/reports", inbox.display()),
            format!("what each report contains, exactly: {}/truth", inbox.display()),
            format!("the lines no catalog entry matches, and how to resolve them: `ledgerline --home {} unmatched`", home.path.display()),
            format!("a contract in plain language: `ledgerline --home {} contracts show C001`", home.path.display()),
            format!(
                "the draft of the next period, every payee: `ledgerline --home {} run {} --payees`",
                home.path.display(),
                period.next().map_or(String::new(), |next| next.to_string())
            ),
            format!("how a payee's earnings were made, line by line: `ledgerline --home {} explain --payee P008 --period {period}`", home.path.display()),
            format!(
                "a statement as the artist gets it: {}/{period}-P008.pdf, and its check: `ledgerline --home {} verify {}/{period}-P008.pdf`",
                statements_folder.display(),
                home.path.display(),
                statements_folder.display()
            ),
            format!("the ledger: `ledgerline --home {} check`", home.path.display()),
            format!("what a lender sees: {}/{}/lender-pack.pdf (`ledgerline --home {} value`)", home.path.display(), crate::commands::value::PACK_FOLDER, home.path.display()),
        ],
        generated,
        catalog,
        contracts,
        fx,
        costs,
        imported,
        closed,
        statements,
        lender_pack,
        check,
        logins,
        portal: (!arguments.no_serve).then(|| format!("http://{}/", arguments.bind)),
    };
    output.report(&report, render)?;
    if !ok {
        return Ok(1);
    }
    if !arguments.no_serve {
        drop(ledger);
        crate::commands::serve::serve_home(&home, arguments.bind, true, None)?;
    }
    Ok(0)
}

/// An amount as shown to people: to the currency's minor unit (the cent), with its code,
/// `2751.00 GBP`; the exact figure stays in `--json`.
fn amount_for_people(amount: ledgerline_money::Decimal, currency: &str) -> String {
    let digits = Currency::parse(currency).map_or(2, |currency| currency.minor_digits());
    format!("{} {currency}", amount.format_fixed(digits, RoundingMode::HalfEven))
}
