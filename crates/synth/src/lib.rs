//! A deterministic synthetic record label, for `ledgerline demo`, the tests and the benchmarks.
//!
//! [`generate`] writes, into one folder, everything a small independent label has on its desk:
//!
//! - `catalog/catalog.csv` (one row per track on a release: albums, EPs, singles, a deluxe
//!   second disc, singles whose A-side is also on the album, valid ISRCs and UPC-A/EAN-13 codes
//!   with correct GS1 check digits) and `catalog/parties.csv` (artists, band members, producers,
//!   a featured artist, a licensor label; some VAT-registered);
//! - `contracts/<id>.toml`, one per deal (royalty and net-profit deals, rate tables,
//!   escalations, reserves, deductions, advances, cross-collateralisation, a producer from record
//!   one, a featured artist, a second version of one contract in `<id>-v2.toml`, a GBP contract);
//! - `costs/costs.csv` (advances, recording, video at 50% recoupable, marketing, tour support)
//!   and `fx/fx-rates.csv` (monthly USD/GBP/EUR rates);
//! - `reports/<source>/<file>`: sales and usage reports in thirteen real layouts (FUGA, DDEX DSR
//!   Basic Audio Profile, DistroKid newer and older, Believe, Bandcamp, YouTube asset raw, The
//!   Orchard, Symphonic, Apple, CD Baby, TuneCore, Beatport), each with the quirks of the real thing: ZIP and gzip
//!   containers, UTF-16LE and byte-order marks, CRLF, decimal commas, alpha-3 territories,
//!   padded DSR rows. Streams per track are heavy-tailed, older releases decay, rates differ by
//!   service, tier and territory, there are returns and adjustments, and a few lines carry ISRCs
//!   that are not in the catalog;
//! - `truth/<source>/<file>.truth.json` per report: the line count, units and exact net
//!   receipts per currency that a correct reader must find (see the `truth` module docs and
//!   each writer's module docs for what they mean per format);
//! - `manifest.json`: generator version, options, and every file with its SHA-256.
//!
//! With [`SynthOptions::lines`] set, the reports are replaced by one large FUGA CSV and one
//! large DSR file of about that many usage lines each, streamed to disk, for benchmarks.
//!
//! **Determinism is the contract**: the same options give byte-identical output on any machine.
//! The generator has its own PRNG (xoshiro256** seeded through SplitMix64, one independent
//! stream per output file), never reads the clock, never iterates a hash map into output,
//! stamps archives with dates taken from the data, and uses integer arithmetic and exact
//! decimals for every amount, rate and random draw; there is no floating point anywhere. (The
//! bytes of the `.zip` and `.gz` containers also depend on the deflate implementation, which
//! `Cargo.lock` pins; their uncompressed content depends on the options alone.)
//!
//! What it is not: a model of any real label's economics (rates and volumes are plausible, not
//! calibrated), a source of real identifiers (ISRCs, UPCs, DPIDs, VAT ids and e-mail addresses
//! are well-formed but invented; addresses use `example.*` domains), or a validator: reading
//! these files back is the job of `ledgerline-formats`, and the truth files are there to check it.

mod bench;
mod catalog;
mod contracts;
mod costs;
mod fx;
mod label;
mod market;
mod output;
mod random;
mod source;
mod text;
mod truth;
mod words;
mod writers;

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use ledgerline_model::Month;
use serde::Serialize;

use crate::output::{FileRole, OutputTree, WrittenFile};
use crate::writers::{schedule, write_report, ReportJob};

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SynthOptions {
    /// Everything follows from the seed: the same seed gives the same label, byte for byte.
    pub seed: u64,
    /// Number of acts (solo artists and bands) on the label.
    pub artists: u32,
    /// Number of months of sales reports, starting at `first_month`.
    pub months: u32,
    /// Benchmark mode: one FUGA CSV and one DSR file with about this many usage lines each,
    /// instead of months of small reports.
    pub lines: Option<u64>,
    /// The first sale month reported.
    pub first_month: Month,
}

impl SynthOptions {
    /// The last sale month reported.
    pub fn last_month(&self) -> Month {
        self.first_month.add_months(self.months.max(1) as i32 - 1).unwrap_or(self.first_month)
    }
}

impl Default for SynthOptions {
    fn default() -> SynthOptions {
        SynthOptions {
            seed: 1,
            artists: 12,
            months: 6,
            lines: None,
            // 2026-01 is a constant inside the supported calendar (1900–2999).
            first_month: Month::new(2026, 1).expect("2026-01 is a valid month"),
        }
    }
}

/// One file the generator wrote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GeneratedFile {
    /// Relative to the output folder.
    pub path: PathBuf,
    /// `catalog`, `parties`, `contract`, `costs`, `fx`, `report`, `truth` or `manifest`.
    pub kind: String,
    /// For reports and truth files: the source (`fuga`, `dsr`, `distrokid`, …).
    pub source: Option<String>,
    /// Data rows (for reports: sale lines, as counted in the truth file); `None` where rows are
    /// not the point (contracts, truth files, the manifest).
    pub lines: Option<u64>,
}

/// What a run generated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SynthSummary {
    /// The generated label's name, as its reports and statements show it.
    pub label_name: String,
    /// Every file, sorted by path, the manifest included.
    pub files: Vec<GeneratedFile>,
    pub releases: usize,
    pub tracks: usize,
    pub parties: usize,
    /// Contract files (an amended contract counts once per version).
    pub contracts: usize,
    /// Sale lines over all reports.
    pub report_lines: u64,
}

const MANIFEST_NAME: &str = "manifest.json";
const GENERATOR_NAME: &str = "ledgerline-synth";
const MAXIMUM_ARTISTS: u32 = 1_000;
const MAXIMUM_MONTHS: u32 = 120;

/// Generates a label into `out_dir` (created if missing). A folder that already holds an
/// earlier generation is regenerated in place (the files listed in its manifest are replaced);
/// any other non-empty folder is refused, so nothing of the user's is ever overwritten.
pub fn generate(options: &SynthOptions, out_dir: &Path) -> Result<SynthSummary> {
    validate(options)?;
    prepare_output_folder(out_dir)?;
    let months: Vec<Month> = (0..options.months as i32)
        .map(|offset| options.first_month.add_months(offset).context("reporting period beyond the supported calendar"))
        .collect::<Result<_>>()?;

    let label = label::build_label(options.seed, options.artists, options.first_month)?;
    let contracts = contracts::build_contracts(options.seed, &label, options.first_month)?;
    let mut fx_table = fx::FxTable::build(options.seed, &months);
    let mut tree = OutputTree::new(out_dir)?;

    let (catalog_bytes, catalog_rows) = catalog::catalog_csv(&label);
    tree.write("catalog/catalog.csv", FileRole::new("catalog", Some(catalog_rows)), &catalog_bytes)?;
    let (parties_bytes, party_rows) = catalog::parties_csv(&label);
    tree.write("catalog/parties.csv", FileRole::new("parties", Some(party_rows)), &parties_bytes)?;
    for contract in &contracts {
        let text = contracts::contract_toml(contract, &label);
        tree.write(&format!("contracts/{}", contract.file_name()), FileRole::new("contract", None), text.as_bytes())?;
    }
    let (costs_bytes, cost_rows) = costs::costs_csv(options.seed, &label, &contracts)?;
    tree.write("costs/costs.csv", FileRole::new("costs", Some(cost_rows)), &costs_bytes)?;
    for month in costs::months(&costs_bytes) {
        fx_table.cover(month);
    }
    tree.write("fx/fx-rates.csv", FileRole::new("fx", Some(fx_table.row_count())), &fx_table.to_csv())?;

    let report_lines = match options.lines {
        Some(line_count) => {
            bench::write_benchmark_reports(&mut tree, &label, &fx_table, options.seed, options.first_month, line_count)?
        }
        None => write_reports(&mut tree, &label, &fx_table, options.seed, &months)?,
    };

    write_manifest(&mut tree, options, &label, contracts.len(), report_lines)?;
    let mut files: Vec<GeneratedFile> = tree
        .files
        .iter()
        .map(|file| GeneratedFile {
            path: PathBuf::from(&file.path),
            kind: file.kind.to_string(),
            source: file.source.map(str::to_string),
            lines: file.lines,
        })
        .collect();
    files.sort_by(|left, right| left.path.cmp(&right.path));
    Ok(SynthSummary {
        label_name: label.name.clone(),
        files,
        releases: label.releases.len(),
        tracks: label.tracks.len(),
        parties: label.parties.len(),
        contracts: contracts.len(),
        report_lines,
    })
}

fn validate(options: &SynthOptions) -> Result<()> {
    if options.artists == 0 || options.artists > MAXIMUM_ARTISTS {
        bail!("artists must be between 1 and {MAXIMUM_ARTISTS}, not {}", options.artists);
    }
    if options.months == 0 || options.months > MAXIMUM_MONTHS {
        bail!("months must be between 1 and {MAXIMUM_MONTHS}, not {}", options.months);
    }
    if options.lines == Some(0) {
        bail!("lines must be at least 1");
    }
    Ok(())
}

/// Every report of the default mode, with its truth file; returns the sale lines written.
fn write_reports(tree: &mut OutputTree, label: &label::Label, fx_table: &fx::FxTable, seed: u64, months: &[Month]) -> Result<u64> {
    let mut report_lines = 0;
    for (source, sale_months) in schedule(months) {
        let job = ReportJob { label, source, sale_months, fx: fx_table, seed };
        for report in write_report(&job).with_context(|| format!("writing the {} report for {}", source.name(), job.first_month()))? {
            let relative = format!("reports/{}/{}", source.name(), report.file_name);
            tree.write(&relative, FileRole::from_source("report", source.name(), Some(report.totals.lines)), &report.bytes)?;
            truth::write_truth(tree, &relative, source, &report.totals)?;
            report_lines += report.totals.lines;
        }
    }
    Ok(report_lines)
}

#[derive(Serialize)]
struct ManifestFile<'a> {
    path: &'a str,
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lines: Option<u64>,
    bytes: u64,
    sha256: &'a str,
}

#[derive(Serialize)]
struct ManifestCounts {
    releases: usize,
    tracks: usize,
    parties: usize,
    contracts: usize,
    report_lines: u64,
}

#[derive(Serialize)]
struct Manifest<'a> {
    generator: &'a str,
    version: &'a str,
    options: &'a SynthOptions,
    counts: ManifestCounts,
    files: Vec<ManifestFile<'a>>,
}

fn write_manifest(
    tree: &mut OutputTree,
    options: &SynthOptions,
    label: &label::Label,
    contract_count: usize,
    report_lines: u64,
) -> Result<()> {
    let mut listed: Vec<&WrittenFile> = tree.files.iter().collect();
    listed.sort_by(|left, right| left.path.cmp(&right.path));
    let manifest = Manifest {
        generator: GENERATOR_NAME,
        version: env!("CARGO_PKG_VERSION"),
        options,
        counts: ManifestCounts {
            releases: label.releases.len(),
            tracks: label.tracks.len(),
            parties: label.parties.len(),
            contracts: contract_count,
            report_lines,
        },
        files: listed
            .iter()
            .map(|file| ManifestFile {
                path: &file.path,
                kind: file.kind,
                source: file.source,
                lines: file.lines,
                bytes: file.byte_count,
                sha256: &file.sha256,
            })
            .collect(),
    };
    let mut bytes = serde_json::to_vec_pretty(&manifest)?;
    bytes.push(b'\n');
    tree.write(MANIFEST_NAME, FileRole::new("manifest", None), &bytes)
}

/// Makes sure `out_dir` can be written without touching anything that is not ours: a missing or
/// empty folder is fine; a folder with an earlier generation's manifest has exactly the files
/// listed there removed; anything else is refused.
fn prepare_output_folder(out_dir: &Path) -> Result<()> {
    let Ok(mut entries) = fs::read_dir(out_dir) else {
        return Ok(());
    };
    if entries.next().is_none() {
        return Ok(());
    }
    let manifest_path = out_dir.join(MANIFEST_NAME);
    let earlier: Option<serde_json::Value> =
        fs::read(&manifest_path).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok());
    let Some(earlier) = earlier.filter(|manifest| manifest["generator"] == GENERATOR_NAME) else {
        bail!(
            "{} is not empty and holds no earlier ledgerline synth output; choose an empty or new folder",
            out_dir.display()
        );
    };
    let listed = earlier["files"].as_array().cloned().unwrap_or_default();
    for entry in listed {
        let Some(relative) = entry["path"].as_str() else { continue };
        // Only plain relative paths inside the folder, never `..` or absolute ones.
        let relative_path = Path::new(relative);
        if relative_path.is_absolute() || relative_path.components().any(|part| !matches!(part, std::path::Component::Normal(_))) {
            continue;
        }
        let path = out_dir.join(relative_path);
        if path.is_file() {
            fs::remove_file(&path).with_context(|| format!("cannot remove the earlier {}", path.display()))?;
        }
    }
    fs::remove_file(&manifest_path).with_context(|| format!("cannot remove {}", manifest_path.display()))?;
    // Folders the earlier run created and that are now empty go too (deepest first).
    for top in ["reports", "truth", "catalog", "contracts", "costs", "fx"] {
        remove_empty_folders(&out_dir.join(top));
    }
    Ok(())
}

fn remove_empty_folders(folder: &Path) {
    if let Ok(entries) = fs::read_dir(folder) {
        for entry in entries.flatten() {
            if entry.path().is_dir() {
                remove_empty_folders(&entry.path());
            }
        }
    }
    // Fails harmlessly when the folder still holds something.
    let _ = fs::remove_dir(folder);
}
