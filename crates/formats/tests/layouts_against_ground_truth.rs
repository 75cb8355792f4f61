//! Every report the synthetic label writes is recognised and read, and its lines, units and
//! net receipts per currency equal the generator's ground truth exactly.

use std::collections::BTreeMap;
use std::path::Path;

use ledgerline_formats::registry::Registry;
use ledgerline_formats::report;
use ledgerline_formats::source::open_report;
use ledgerline_formats::SaleLine;
use ledgerline_money::Decimal;

struct Truth {
    source: String,
    lines: u64,
    units: i64,
    net: BTreeMap<String, Decimal>,
}

fn read_truth(path: &Path) -> Truth {
    let value: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    Truth {
        source: value["source"].as_str().unwrap().to_string(),
        lines: value["lines"].as_u64().unwrap(),
        units: value["units"].as_str().unwrap().parse().unwrap(),
        net: value["net_receipts"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(currency, amount)| (currency.clone(), Decimal::parse(amount.as_str().unwrap()).unwrap()))
            .collect(),
    }
}

fn reports_under(folder: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for source in std::fs::read_dir(folder).unwrap() {
        for file in std::fs::read_dir(source.unwrap().path()).unwrap() {
            files.push(file.unwrap().path());
        }
    }
    files.sort();
    files
}

#[test]
fn every_generated_report_matches_its_ground_truth() {
    let folder = tempfile::tempdir().unwrap();
    ledgerline_synth::generate(&ledgerline_synth::SynthOptions::default(), folder.path()).unwrap();
    let registry = Registry::built_in();
    let mut sources_seen = std::collections::BTreeSet::new();
    for report_path in reports_under(&folder.path().join("reports")) {
        let relative = report_path.strip_prefix(folder.path().join("reports")).unwrap();
        let truth = read_truth(&folder.path().join("truth").join(format!("{}.truth.json", relative.display())));
        let label = relative.display().to_string();
        let parts = open_report(&report_path, &label).unwrap();
        let mut lines: Vec<SaleLine> = Vec::new();
        let mut rejected = 0;
        let mut formats = Vec::new();
        for part in &parts {
            let detection = report::detect::<std::convert::Infallible>(part, &registry, false)
                .unwrap_or_else(|error| panic!("{label}: {error}"));
            let summary = report::read(part, &detection, &mut lines).unwrap_or_else(|error| panic!("{label}: {error}"));
            let errors: Vec<String> = summary.summary.diagnostics.iter().filter(|d| d.is_error()).map(ToString::to_string).collect();
            assert!(errors.is_empty(), "{label}: {errors:#?}");
            rejected += summary.summary.rejected;
            formats.push(summary.format.source.clone());
        }
        assert_eq!(rejected, 0, "{label}");
        let expected_source = if truth.source == "dsr" { "ddex-dsr".to_string() } else { truth.source.clone() };
        assert!(formats.iter().all(|source| *source == expected_source), "{label}: read as {formats:?}, truth says {}", truth.source);
        sources_seen.insert(expected_source);
        assert_eq!(lines.len() as u64, truth.lines, "{label}: lines");
        assert_eq!(lines.iter().map(|line| line.units).sum::<i64>(), truth.units, "{label}: units");
        let mut net: BTreeMap<String, Decimal> = BTreeMap::new();
        for line in &lines {
            *net.entry(line.currency.code().to_string()).or_default() += line.net;
        }
        assert_eq!(net, truth.net, "{label}: net receipts per currency");
    }
    assert!(sources_seen.len() >= 10, "every generated format was read: {sources_seen:?}");
    assert!(sources_seen.contains("amuse"), "the Amuse XLSX statement was read: {sources_seen:?}");
}
