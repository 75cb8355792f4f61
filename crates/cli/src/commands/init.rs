use ledgerline_engine::AccountingBasis;
use ledgerline_money::{Currency, RoundingMode};
use ledgerline_store::{utc_timestamp_now, Ledger};
use serde::Serialize;

use crate::args::{Cli, InitArgs};
use crate::home::Home;
use crate::output::{refuse, Output};

#[derive(Serialize)]
pub struct InitReport {
    pub home: String,
    pub created: bool,
    pub label_name: String,
    pub accounting_currency: String,
    pub rounding_mode: String,
    pub accounting_basis: String,
    pub schema_version: u32,
}

/// The settings a new home starts with.
pub struct LabelSettings {
    pub label_name: String,
    pub accounting_currency: Currency,
    pub rounding_mode: RoundingMode,
    pub basis: AccountingBasis,
    pub vat_number: Option<String>,
    pub country: Option<String>,
}

impl LabelSettings {
    pub fn from_arguments(arguments: &InitArgs) -> anyhow::Result<LabelSettings> {
        let accounting_currency = Currency::parse(arguments.currency.as_deref().unwrap_or("EUR"))
            .map_err(|error| refuse(format!("--currency: {error}"), "give a three-letter ISO 4217 code, e.g. --currency EUR"))?;
        let rounding_mode: RoundingMode = arguments
            .rounding
            .as_deref()
            .unwrap_or("half-even")
            .parse()
            .map_err(|error| refuse(format!("--rounding: {error}"), "half-even is the usual choice"))?;
        let basis_text = arguments.accounting_basis.as_deref().unwrap_or("reporting_month");
        let basis = AccountingBasis::parse(basis_text)
            .ok_or_else(|| refuse(format!("--accounting-basis: \"{basis_text}\" is not a basis"), "reporting_month or sale_month"))?;
        let country = arguments
            .country
            .as_deref()
            .map(|code| {
                ledgerline_model::CountryCode::parse(code)
                    .map(|country| country.alpha2().to_string())
                    .map_err(|error| refuse(format!("--country: {error}"), "an ISO 3166 code such as NL"))
            })
            .transpose()?;
        Ok(LabelSettings {
            label_name: arguments.label_name.clone().unwrap_or_else(|| "My Label".to_string()),
            accounting_currency,
            rounding_mode,
            basis,
            vat_number: arguments.vat_number.clone(),
            country,
        })
    }

    pub fn store(&self, ledger: &Ledger) -> anyhow::Result<()> {
        ledger.set_setting("label_name", &self.label_name)?;
        ledger.set_setting("accounting_currency", self.accounting_currency.code())?;
        ledger.set_setting("rounding_mode", self.rounding_mode.name())?;
        ledger.set_setting(ledgerline_run::BASIS_SETTING, self.basis.name())?;
        if let Some(vat_number) = &self.vat_number {
            ledger.set_setting("label_vat_number", vat_number)?;
        }
        if let Some(country) = &self.country {
            ledger.set_setting("label_country", country)?;
        }
        ledger.set_setting("created_at", &utc_timestamp_now())?;
        Ok(())
    }
}

pub fn report_for(home: &Home, ledger: &Ledger, created: bool) -> anyhow::Result<InitReport> {
    let setting = |key: &str| -> anyhow::Result<String> { Ok(ledger.setting(key)?.unwrap_or_default()) };
    Ok(InitReport {
        home: home.path.display().to_string(),
        created,
        label_name: setting("label_name")?,
        accounting_currency: setting("accounting_currency")?,
        rounding_mode: setting("rounding_mode")?,
        accounting_basis: setting(ledgerline_run::BASIS_SETTING)?,
        schema_version: ledger.schema_version()?,
    })
}

/// `init` on an existing home changes nothing, so an option asking for another setting than the
/// home's is refused rather than silently ignored: the accounting currency, rounding and basis
/// are fixed once the home exists (its ledger and closed periods depend on them), and init sets
/// the others only when it creates the home.
fn refuse_changes(ledger: &Ledger, arguments: &InitArgs, settings: &LabelSettings) -> anyhow::Result<()> {
    let stored = |key: &str| -> anyhow::Result<String> { Ok(ledger.setting(key)?.unwrap_or_default()) };
    let currency = stored("accounting_currency")?;
    if arguments.currency.is_some() && settings.accounting_currency.code() != currency {
        return Err(refuse(
            format!(
                "--currency {}: this home's accounting currency is {currency}, and it cannot be changed once set: its ledger and statements are kept in it",
                settings.accounting_currency.code()
            ),
            format!(
                "leave --currency out to keep {currency}; for a label accounted in {}, create another home: `ledgerline --home DIR init --currency {}`",
                settings.accounting_currency.code(),
                settings.accounting_currency.code()
            ),
        ));
    }
    let mut asked: Vec<(&str, &str, Option<String>, String)> = Vec::new();
    if arguments.rounding.is_some() {
        asked.push(("--rounding", "rounding", Some(settings.rounding_mode.name().to_string()), stored("rounding_mode")?));
    }
    if arguments.accounting_basis.is_some() {
        asked.push(("--accounting-basis", "accounting basis", Some(settings.basis.name().to_string()), stored(ledgerline_run::BASIS_SETTING)?));
    }
    if arguments.label_name.is_some() {
        asked.push(("--label-name", "label name", Some(settings.label_name.clone()), stored("label_name")?));
    }
    if arguments.vat_number.is_some() {
        asked.push(("--vat-number", "VAT number", settings.vat_number.clone(), stored("label_vat_number")?));
    }
    if arguments.country.is_some() {
        asked.push(("--country", "country", settings.country.clone(), stored("label_country")?));
    }
    for (option, noun, wanted, current) in asked {
        let wanted = wanted.unwrap_or_default();
        if wanted != current {
            let current = if current.is_empty() { "not set".to_string() } else { format!("\"{current}\"") };
            return Err(refuse(
                format!("{option} \"{wanted}\": this home's {noun} is {current}, and init sets it only when it creates a home"),
                format!("leave {option} out: init on an existing home changes nothing"),
            ));
        }
    }
    Ok(())
}

pub fn run(cli: &Cli, arguments: &InitArgs, output: Output) -> anyhow::Result<u8> {
    let settings = LabelSettings::from_arguments(arguments)?;
    let home = Home::new(&cli.home);
    let created = !home.is_initialised();
    let ledger = home.create()?;
    if created {
        settings.store(&ledger)?;
    } else {
        refuse_changes(&ledger, arguments, &settings)?;
    }
    let report = report_for(&home, &ledger, created)?;
    output.report(&report, |report| {
        if report.created {
            format!(
                "Created a Ledgerline home in {}\n  label: {}\n  accounting currency: {}\n  rounding: {}\n  receipts accounted by: {}\n\nNext: import a catalog and reports (see `ledgerline --help`).\n",
                report.home, report.label_name, report.accounting_currency, report.rounding_mode, report.accounting_basis
            )
        } else {
            format!(
                "{} is already a Ledgerline home (label {}, {}); nothing changed.\n",
                report.home, report.label_name, report.accounting_currency
            )
        }
    })?;
    Ok(0)
}
