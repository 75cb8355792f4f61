//! The DSR Basic Audio files of the synthetic label read back to their ground truth exactly:
//! lines, units and net receipts per currency, with no diagnostic at all.

use std::collections::BTreeMap;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use ledgerline_formats::dsr;
use ledgerline_formats::SaleLine;
use ledgerline_money::Decimal;
use ledgerline_synth::{generate, SynthOptions};

/// A scratch folder removed on drop, also when an assertion fails.
struct ScratchFolder(PathBuf);

impl Drop for ScratchFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn synthetic_dsr_reports_match_their_truth() {
    let folder = ScratchFolder(std::env::temp_dir().join(format!("ledgerline-dsr-synth-{}", std::process::id())));
    let summary = generate(&SynthOptions::default(), &folder.0).unwrap();
    let reports: Vec<&Path> = summary
        .files
        .iter()
        .filter(|file| file.kind == "report" && file.source.as_deref() == Some("dsr"))
        .map(|file| file.path.as_path())
        .collect();
    // Six months of monthly reports.
    assert_eq!(reports.len(), 6, "{reports:?}");
    for relative in reports {
        let path = folder.0.join(relative);
        let under_reports = relative.strip_prefix("reports").unwrap();
        let truth_path = folder.0.join("truth").join(format!("{}.truth.json", under_reports.display()));
        let truth: serde_json::Value = serde_json::from_slice(&std::fs::read(&truth_path).unwrap()).unwrap();

        let mut lines: Vec<SaleLine> = Vec::new();
        let mut open = || std::fs::File::open(&path).map(BufReader::new);
        let report = dsr::parse(&mut open, &relative.display().to_string(), &mut lines).unwrap();
        let shown: Vec<String> = report.summary.diagnostics.iter().take(5).map(ToString::to_string).collect();
        assert_eq!(report.summary.diagnostics_total, 0, "{}: {shown:?}", relative.display());
        assert_eq!(report.summary.rejected, 0, "{}", relative.display());

        assert_eq!(report.summary.lines, truth["lines"].as_u64().unwrap(), "{}", relative.display());
        let units: i64 = report.summary.totals.values().map(|totals| totals.units).sum();
        assert_eq!(units.to_string(), truth["units"].as_str().unwrap(), "{}", relative.display());
        let expected_net: BTreeMap<String, Decimal> = truth["net_receipts"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(currency, amount)| (currency.clone(), Decimal::parse(amount.as_str().unwrap()).unwrap()))
            .collect();
        let net: BTreeMap<String, Decimal> =
            report.summary.totals.iter().map(|(currency, totals)| (currency.code().to_string(), totals.net)).collect();
        assert_eq!(net, expected_net, "{}", relative.display());
        // Every summary record's NetRevenue went to its rows, to the last 10⁻¹².
        for summary_record in &report.summary_records {
            assert_eq!(Some(summary_record.net), summary_record.stated_amount, "{}", relative.display());
        }
    }
}
