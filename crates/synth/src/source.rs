//! The report sources the generator writes, and which releases each one reports.

/// One sender of sales reports, each with its own file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    Fuga,
    Dsr,
    DistroKid,
    Believe,
    Bandcamp,
    YouTube,
    Orchard,
    Symphonic,
    Apple,
    CdBaby,
    TuneCore,
    Beatport,
    /// A second DistroKid account whose export is still the older layout (no Date Inserted,
    /// Source Type or Recoup (USD)); its files go under `reports/distrokid/` too.
    DistroKidOlder,
    /// Amuse's financial statement, an XLSX workbook.
    Amuse,
}

impl Source {
    pub const ALL: [Source; 14] = [
        Source::Fuga,
        Source::Dsr,
        Source::DistroKid,
        Source::Believe,
        Source::Bandcamp,
        Source::YouTube,
        Source::Orchard,
        Source::Symphonic,
        Source::Apple,
        Source::CdBaby,
        Source::TuneCore,
        Source::Beatport,
        Source::DistroKidOlder,
        Source::Amuse,
    ];

    /// The distributors a release can be delivered through. The other sources (a DSP's direct
    /// DSR, YouTube Content ID, Bandcamp, the label's own iTunes account) report every release.
    pub const DISTRIBUTORS: [Source; 9] = [
        Source::Fuga,
        Source::Believe,
        Source::DistroKid,
        Source::Orchard,
        Source::Symphonic,
        Source::CdBaby,
        Source::TuneCore,
        Source::Beatport,
        Source::DistroKidOlder,
    ];

    /// The folder under `reports/` and the `source` value in truth files and the manifest;
    /// the same names `ledgerline import --source` accepts.
    pub fn name(self) -> &'static str {
        match self {
            Source::Fuga => "fuga",
            Source::Dsr => "dsr",
            Source::DistroKid => "distrokid",
            Source::Believe => "believe",
            Source::Bandcamp => "bandcamp",
            Source::YouTube => "youtube",
            Source::Orchard => "orchard",
            Source::Symphonic => "symphonic",
            Source::Apple => "apple",
            Source::CdBaby => "cdbaby",
            Source::TuneCore => "tunecore",
            Source::Beatport => "beatport",
            Source::DistroKidOlder => "distrokid",
            Source::Amuse => "amuse",
        }
    }

    /// Whether the source reports every release of the label, rather than only the releases
    /// delivered through it.
    pub fn reports_whole_catalog(self) -> bool {
        !Source::DISTRIBUTORS.contains(&self)
    }

    /// Whether the source sends a report every month; the others report quarterly (the
    /// default demo then has every format at least twice without growing large).
    pub fn reports_monthly(self) -> bool {
        matches!(self, Source::Fuga | Source::Dsr | Source::DistroKid | Source::YouTube)
    }
}
