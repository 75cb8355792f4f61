//! The three catalog CSV layouts: catalog (one row per track on a release), parties and
//! aliases. Documented column by column in `docs/catalog.md`.
//!
//! Columns are found by their header name (any letter case, any order), so a file re-saved by a
//! spreadsheet with its columns moved still reads; a missing or unknown column is refused rather
//! than guessed at. Cells are trimmed; an empty cell is an empty field.

use std::collections::HashMap;

use csv::StringRecord;
use ledgerline_model::{CountryCode, Date, Icpn, Isrc};

use crate::catalog::{differing_fields, Alias, AliasName, AliasTarget, Catalog, Party, PartyKind, Release, ReleaseKey, Track, TracklistEntry};
use crate::problem::{Location, ProblemList};

/// Columns of the catalog CSV, in the order [`crate::export_catalog`] writes them.
pub const CATALOG_COLUMNS: [&str; 14] = [
    "release_upc",
    "catalog_number",
    "release_title",
    "release_artist",
    "label",
    "release_date",
    "release_format",
    "disc_number",
    "track_number",
    "isrc",
    "track_title",
    "track_artist",
    "duration_seconds",
    "track_version",
];

/// Columns of the parties CSV.
pub const PARTY_COLUMNS: [&str; 7] = ["party_id", "name", "kind", "email", "country", "vat_id", "tax_residence"];

/// Columns of the aliases CSV.
pub const ALIAS_COLUMNS: [&str; 4] = ["namespace", "value", "isrc", "upc"];

/// Positions in [`CATALOG_COLUMNS`]; named so the row reader says what it reads.
mod catalog_column {
    pub const RELEASE_UPC: usize = 0;
    pub const CATALOG_NUMBER: usize = 1;
    pub const RELEASE_TITLE: usize = 2;
    pub const RELEASE_ARTIST: usize = 3;
    pub const LABEL: usize = 4;
    pub const RELEASE_DATE: usize = 5;
    pub const RELEASE_FORMAT: usize = 6;
    pub const DISC_NUMBER: usize = 7;
    pub const TRACK_NUMBER: usize = 8;
    pub const ISRC: usize = 9;
    pub const TRACK_TITLE: usize = 10;
    pub const TRACK_ARTIST: usize = 11;
    pub const DURATION_SECONDS: usize = 12;
    pub const TRACK_VERSION: usize = 13;
    /// The columns that are all empty on the row of a release without tracks.
    pub const TRACK_COLUMNS: std::ops::RangeInclusive<usize> = DISC_NUMBER..=TRACK_VERSION;
}

/// The catalog CSV column that holds each release or track field, for consistency messages.
fn catalog_column_of_release_field(field: &str) -> &'static str {
    match field {
        "catalog_number" => "catalog_number",
        "title" => "release_title",
        "display_artist" => "release_artist",
        "label" => "label",
        "release_date" => "release_date",
        _ => "release_format",
    }
}

fn catalog_column_of_track_field(field: &str) -> &'static str {
    match field {
        "title" => "track_title",
        "display_artist" => "track_artist",
        "duration_seconds" => "duration_seconds",
        _ => "track_version",
    }
}

/// Which of the three layouts a header row is, by its key column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CsvLayout {
    Catalog,
    Parties,
    Aliases,
}

impl CsvLayout {
    pub(crate) fn columns(self) -> &'static [&'static str] {
        match self {
            CsvLayout::Catalog => &CATALOG_COLUMNS,
            CsvLayout::Parties => &PARTY_COLUMNS,
            CsvLayout::Aliases => &ALIAS_COLUMNS,
        }
    }

    fn name(self) -> &'static str {
        match self {
            CsvLayout::Catalog => "catalog CSV",
            CsvLayout::Parties => "parties CSV",
            CsvLayout::Aliases => "aliases CSV",
        }
    }

    /// The layout whose key column the header has: `release_upc` (or `release_title`) for the catalog,
    /// `party_id` for parties, `namespace` for aliases.
    pub(crate) fn detect(header: &[String]) -> Option<CsvLayout> {
        let has = |name: &str| header.iter().any(|column| column == name);
        if has("party_id") {
            Some(CsvLayout::Parties)
        } else if has("namespace") {
            Some(CsvLayout::Aliases)
        } else if has("release_upc") || has("release_title") {
            Some(CsvLayout::Catalog)
        } else {
            None
        }
    }
}

/// The header as the readers compare it: trimmed, lower case.
pub(crate) fn normalised_header(record: &StringRecord) -> Vec<String> {
    record.iter().map(|name| name.trim().to_ascii_lowercase()).collect()
}

/// Where each expected column is in the file.
struct ColumnMap {
    positions: Vec<usize>,
    field_count: usize,
}

fn map_columns(header: &[String], layout: CsvLayout, problems: &mut ProblemList) -> Option<ColumnMap> {
    let expected = layout.columns();
    let header_line = Location::Line(1);
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut usable = true;
    for (position, name) in header.iter().enumerate() {
        if name.is_empty() {
            problems.push(header_line.clone(), None, format!("column {} has no name in the header", position + 1));
            usable = false;
        } else if !expected.contains(&name.as_str()) {
            problems.push(
                header_line.clone(),
                Some(name),
                format!("unknown column; a {} has the columns {}", layout.name(), expected.join(",")),
            );
            usable = false;
        } else if seen.insert(name.as_str(), position).is_some() {
            problems.push(header_line.clone(), Some(name), "the column appears twice in the header");
            usable = false;
        }
    }
    let missing: Vec<&str> = expected.iter().copied().filter(|name| !seen.contains_key(name)).collect();
    if !missing.is_empty() {
        problems.push(
            header_line,
            None,
            format!(
                "missing {} {}; a {} has the columns {}",
                if missing.len() == 1 { "column" } else { "columns" },
                missing.join(", "),
                layout.name(),
                expected.join(",")
            ),
        );
        usable = false;
    }
    if !usable {
        return None;
    }
    let positions = expected.iter().map(|name| seen.get(name).copied().unwrap_or_default()).collect();
    Some(ColumnMap { positions, field_count: header.len() })
}

/// One data row, with its line, read through the column map.
struct Row<'a> {
    record: &'a StringRecord,
    columns: &'a ColumnMap,
    layout: CsvLayout,
    line: u64,
}

impl Row<'_> {
    fn column_name(&self, column: usize) -> &'static str {
        self.layout.columns()[column]
    }

    /// The trimmed cell, `None` when empty.
    fn cell(&self, column: usize) -> Option<&str> {
        let text = self.record.get(self.columns.positions[column]).unwrap_or("").trim();
        (!text.is_empty()).then_some(text)
    }

    fn text(&self, column: usize) -> Option<String> {
        self.cell(column).map(str::to_string)
    }

    fn problem(&self, problems: &mut ProblemList, column: usize, message: impl Into<String>) {
        problems.push(Location::Line(self.line), Some(self.column_name(column)), message);
    }

    /// A cell that must not be empty; pushes a problem and gives `None` when it is.
    fn required(&self, problems: &mut ProblemList, column: usize, what: &str) -> Option<String> {
        let value = self.text(column);
        if value.is_none() {
            self.problem(problems, column, format!("is empty; {what}"));
        }
        value
    }

    /// Reads a cell with `parse`; an empty cell is `Ok(None)`, a bad one a problem and `Err`.
    fn parsed<T, E: std::fmt::Display>(
        &self,
        problems: &mut ProblemList,
        column: usize,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<Option<T>, ()> {
        match self.cell(column) {
            None => Ok(None),
            Some(text) => match parse(text) {
                Ok(value) => Ok(Some(value)),
                Err(error) => {
                    self.problem(problems, column, error.to_string());
                    Err(())
                }
            },
        }
    }
}

/// A whole number written with digits only, at least `minimum`.
fn parse_count(text: &str, minimum: u32) -> Result<u32, String> {
    if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(format!("\"{text}\" is not a whole number written with digits"));
    }
    match text.parse::<u32>() {
        Ok(value) if value >= minimum => Ok(value),
        Ok(_) => Err(format!("\"{text}\" is less than {minimum}")),
        Err(_) => Err(format!("\"{text}\" is too large")),
    }
}

fn parse_email(text: &str) -> Result<String, String> {
    let well_formed = match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && domain.contains('.') && !domain.contains('@') && !domain.starts_with('.') && !domain.ends_with('.')
        }
        None => false,
    };
    if well_formed && !text.chars().any(char::is_whitespace) {
        Ok(text.to_string())
    } else {
        Err(format!("\"{text}\" is not an email address like name@example.org"))
    }
}

/// Reads every record of `text` as the given layout and hands each data row to `each_row`.
/// Problems with the header or the shape of a row are pushed; such rows are skipped.
fn for_each_row(text: &str, layout: CsvLayout, problems: &mut ProblemList, mut each_row: impl FnMut(&Row, &mut ProblemList)) {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(record)) => normalised_header(&record),
        Some(Err(error)) => {
            problems.push(Location::Line(1), None, format!("the header cannot be read as CSV: {error}"));
            return;
        }
        None => {
            problems.push(Location::File, None, "the file is empty; the first line must be the header");
            return;
        }
    };
    let Some(columns) = map_columns(&header, layout, problems) else {
        return;
    };
    for result in records {
        let record = match result {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map(csv::Position::line).unwrap_or(0);
                problems.push(Location::Line(line), None, format!("cannot be read as CSV: {error}"));
                continue;
            }
        };
        let line = record.position().map(csv::Position::line).unwrap_or(0);
        // A spreadsheet leaves lines of empty cells after the data; they hold nothing.
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if record.len() != columns.field_count {
            problems.push(
                Location::Line(line),
                None,
                format!("the row has {} fields, the header has {}", record.len(), columns.field_count),
            );
            continue;
        }
        let row = Row { record: &record, columns: &columns, layout, line };
        each_row(&row, problems);
    }
}

/// Reads a catalog CSV: one row per track on a release, the release's columns repeated on each
/// of its rows; a release without tracks is one row whose track columns are all empty.
pub(crate) fn read_catalog_csv(text: &str, problems: &mut ProblemList) -> Catalog {
    use catalog_column as column;

    let mut releases: Vec<Release> = Vec::new();
    let mut release_rows: HashMap<Icpn, (usize, u64)> = HashMap::new();
    let mut tracks: Vec<Track> = Vec::new();
    let mut track_rows: HashMap<Isrc, (usize, u64)> = HashMap::new();
    let mut positions: HashMap<(Icpn, u32, u32), u64> = HashMap::new();

    for_each_row(text, CsvLayout::Catalog, problems, |row, problems| {
        let problems_before = problems.total();
        let icpn = match row.cell(column::RELEASE_UPC) {
            None => {
                row.problem(
                    problems,
                    column::RELEASE_UPC,
                    "is empty; every row needs the UPC/EAN of its release (a release known only by a GRid or proprietary id can come from ERN, not from this CSV)",
                );
                None
            }
            Some(text) => match Icpn::parse(text) {
                Ok(icpn) => Some(icpn),
                Err(error) => {
                    row.problem(problems, column::RELEASE_UPC, error.to_string());
                    None
                }
            },
        };
        let title = row.required(problems, column::RELEASE_TITLE, "every release needs a title");
        let release_date = row.parsed(problems, column::RELEASE_DATE, Date::parse).ok().flatten();

        let has_track = column::TRACK_COLUMNS.clone().any(|track_column| row.cell(track_column).is_some());
        let mut track_entry = None;
        if has_track {
            let disc_number = row.parsed(problems, column::DISC_NUMBER, |text| parse_count(text, 1)).ok().flatten().unwrap_or(1);
            let track_number = match row.cell(column::TRACK_NUMBER) {
                None => {
                    row.problem(problems, column::TRACK_NUMBER, "is empty; a row with a track needs its position on the release");
                    None
                }
                Some(_) => row.parsed(problems, column::TRACK_NUMBER, |text| parse_count(text, 1)).ok().flatten(),
            };
            let isrc = match row.cell(column::ISRC) {
                None => {
                    row.problem(
                        problems,
                        column::ISRC,
                        "is empty; a row with a track needs its ISRC (leave all track columns empty for a release without tracks)",
                    );
                    None
                }
                Some(_) => row.parsed(problems, column::ISRC, Isrc::parse).ok().flatten(),
            };
            let track_title = row.required(problems, column::TRACK_TITLE, "every track needs a title");
            let duration_seconds = row.parsed(problems, column::DURATION_SECONDS, |text| parse_count(text, 0)).ok().flatten();
            if let (Some(track_number), Some(isrc), Some(track_title)) = (track_number, isrc, track_title) {
                track_entry = Some((
                    TracklistEntry { disc_number, track_number, isrc: isrc.clone() },
                    Track {
                        isrc,
                        title: track_title,
                        display_artist: row.text(column::TRACK_ARTIST),
                        duration_seconds,
                        version: row.text(column::TRACK_VERSION),
                    },
                ));
            }
        }
        // A row with any problem adds nothing, so later consistency checks compare only rows
        // that were read whole.
        if problems.total() != problems_before {
            return;
        }
        let (Some(icpn), Some(title)) = (icpn, title) else {
            return;
        };
        let release = Release {
            key: ReleaseKey::Icpn(icpn.clone()),
            catalog_number: row.text(column::CATALOG_NUMBER),
            title,
            display_artist: row.text(column::RELEASE_ARTIST),
            label: row.text(column::LABEL),
            release_date,
            format: row.text(column::RELEASE_FORMAT),
            tracklist: Vec::new(),
        };
        let release_index = match release_rows.get(&icpn) {
            Some(&(index, first_line)) => {
                for (field, earlier, here) in differing_fields(&releases[index].field_values(), &release.field_values()) {
                    problems.push(
                        Location::Line(row.line),
                        Some(catalog_column_of_release_field(field)),
                        format!(
                            "{} differs from {} on line {first_line} for release {icpn}; a release's columns must be the same on each of its rows",
                            quoted_or_empty(&here),
                            quoted_or_empty(&earlier)
                        ),
                    );
                }
                index
            }
            None => {
                release_rows.insert(icpn.clone(), (releases.len(), row.line));
                releases.push(release);
                releases.len() - 1
            }
        };
        let Some((entry, track)) = track_entry else {
            return;
        };
        match track_rows.get(&track.isrc) {
            Some(&(index, first_line)) => {
                for (field, earlier, here) in differing_fields(&tracks[index].field_values(), &track.field_values()) {
                    problems.push(
                        Location::Line(row.line),
                        Some(catalog_column_of_track_field(field)),
                        format!(
                            "{} differs from {} on line {first_line} for track {}; a track's columns must be the same on each row it is on",
                            quoted_or_empty(&here),
                            quoted_or_empty(&earlier),
                            track.isrc
                        ),
                    );
                }
            }
            None => {
                track_rows.insert(track.isrc.clone(), (tracks.len(), row.line));
                tracks.push(track);
            }
        }
        let position_key = (icpn.clone(), entry.disc_number, entry.track_number);
        if let Some(first_line) = positions.get(&position_key) {
            problems.push(
                Location::Line(row.line),
                Some("track_number"),
                format!("disc {} track {} of release {icpn} is already given on line {first_line}", entry.disc_number, entry.track_number),
            );
            return;
        }
        positions.insert(position_key, row.line);
        releases[release_index].tracklist.push(entry);
    });
    for release in &mut releases {
        release.tracklist.sort();
    }
    Catalog { releases, tracks, parties: Vec::new(), aliases: Vec::new() }
}

fn quoted_or_empty(value: &Option<String>) -> String {
    match value {
        Some(text) => format!("\"{text}\""),
        None => "(empty)".to_string(),
    }
}

/// Reads a parties CSV: one row per party, unique `party_id`.
pub(crate) fn read_parties_csv(text: &str, problems: &mut ProblemList) -> Catalog {
    const PARTY_ID: usize = 0;
    const NAME: usize = 1;
    const KIND: usize = 2;
    const EMAIL: usize = 3;
    const COUNTRY: usize = 4;
    const VAT_ID: usize = 5;
    const TAX_RESIDENCE: usize = 6;

    let mut parties: Vec<Party> = Vec::new();
    let mut party_lines: HashMap<String, u64> = HashMap::new();
    for_each_row(text, CsvLayout::Parties, problems, |row, problems| {
        let problems_before = problems.total();
        let id = row.required(problems, PARTY_ID, "every party needs the id contracts refer to it by");
        let name = row.required(problems, NAME, "every party needs a name");
        let kind = match row.cell(KIND) {
            None => {
                row.problem(problems, KIND, format!("is empty; the kind is one of {}", party_kind_names()));
                None
            }
            Some(text) => {
                let kind = PartyKind::parse(text);
                if kind.is_none() {
                    row.problem(problems, KIND, format!("\"{text}\" is not a party kind; the kind is one of {}", party_kind_names()));
                }
                kind
            }
        };
        let email = row.parsed(problems, EMAIL, parse_email).ok().flatten();
        let country = row.parsed(problems, COUNTRY, CountryCode::parse).ok().flatten();
        let tax_residence = row.parsed(problems, TAX_RESIDENCE, CountryCode::parse).ok().flatten();
        if problems.total() != problems_before {
            return;
        }
        let (Some(id), Some(name), Some(kind)) = (id, name, kind) else {
            return;
        };
        if let Some(first_line) = party_lines.get(&id) {
            row.problem(problems, PARTY_ID, format!("party \"{id}\" is already given on line {first_line}"));
            return;
        }
        party_lines.insert(id.clone(), row.line);
        parties.push(Party { id, name, kind, email, country, vat_id: row.text(VAT_ID), tax_residence });
    });
    Catalog { parties, ..Catalog::default() }
}

fn party_kind_names() -> String {
    PartyKind::ALL.iter().map(|kind| kind.name()).collect::<Vec<_>>().join(", ")
}

/// Reads an aliases CSV: `namespace,value` and exactly one of `isrc` (the alias stands for a
/// track) or `upc` (for a release).
pub(crate) fn read_aliases_csv(text: &str, problems: &mut ProblemList) -> Catalog {
    const NAMESPACE: usize = 0;
    const VALUE: usize = 1;
    const ISRC: usize = 2;
    const UPC: usize = 3;

    let mut aliases: Vec<Alias> = Vec::new();
    let mut alias_lines: HashMap<AliasName, (usize, u64)> = HashMap::new();
    for_each_row(text, CsvLayout::Aliases, problems, |row, problems| {
        let problems_before = problems.total();
        let namespace = row.required(problems, NAMESPACE, "say whose identifier it is (a DPID, `apple`, `youtube`, a distributor's name)");
        let value = row.required(problems, VALUE, "the identifier itself is needed");
        let isrc = row.parsed(problems, ISRC, Isrc::parse).ok().flatten();
        let upc = row.parsed(problems, UPC, Icpn::parse).ok().flatten();
        if problems.total() != problems_before {
            return;
        }
        let target = match (isrc, upc) {
            (Some(isrc), None) => AliasTarget::Track(isrc),
            (None, Some(upc)) => AliasTarget::Release(ReleaseKey::Icpn(upc)),
            (None, None) => {
                row.problem(problems, ISRC, "isrc and upc are both empty; give the ISRC of the track or the UPC of the release the alias stands for");
                return;
            }
            (Some(_), Some(_)) => {
                row.problem(problems, UPC, "isrc and upc are both given; an alias stands for one track or one release, so give one of them");
                return;
            }
        };
        let (Some(namespace), Some(value)) = (namespace, value) else {
            return;
        };
        let alias = Alias { name: AliasName { namespace, value }, target };
        match alias_lines.get(&alias.name) {
            Some(&(index, first_line)) => {
                if aliases[index].target != alias.target {
                    row.problem(
                        problems,
                        VALUE,
                        format!(
                            "alias {} stands for {} here but for {} on line {first_line}",
                            alias.name, alias.target, aliases[index].target
                        ),
                    );
                }
            }
            None => {
                alias_lines.insert(alias.name.clone(), (aliases.len(), row.line));
                aliases.push(alias);
            }
        }
    });
    Catalog { aliases, ..Catalog::default() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, reader: fn(&str, &mut ProblemList) -> Catalog) -> Result<Catalog, Vec<String>> {
        let mut problems = ProblemList::new("test.csv");
        let catalog = reader(text, &mut problems);
        problems.into_result(catalog).map_err(|error| error.problems.iter().map(ToString::to_string).collect())
    }

    const HEADER: &str = "release_upc,catalog_number,release_title,release_artist,label,release_date,release_format,disc_number,track_number,isrc,track_title,track_artist,duration_seconds,track_version\n";

    #[test]
    fn rows_of_one_release_make_one_release_with_its_tracklist_in_order() {
        let text = format!(
            "{HEADER}\
             0880000000008,LBR001,Signal,Bram,Last Ballroom,2012-04-22,EP,1,2,FRERZ1200166,Two,Bram,283,\n\
             880000000008,LBR001,Signal,Bram,Last Ballroom,2012-04-22,EP,1,1,FRERZ1200163,One,Bram,162,Radio Edit\n\
             5000000000005,,Empty Shell,,,,Single,,,,,,,\n"
        );
        let catalog = read(&text, read_catalog_csv).unwrap();
        assert_eq!(catalog.releases.len(), 2);
        let release = &catalog.releases[0];
        assert_eq!(release.key, ReleaseKey::Icpn(Icpn::parse("0880000000008").unwrap()));
        assert_eq!(release.release_date, Some(Date::new(2012, 4, 22).unwrap()));
        let positions: Vec<(String, &str)> =
            release.tracklist.iter().map(|entry| (entry.position(), entry.isrc.as_str())).collect();
        assert_eq!(positions, vec![("1-1".to_string(), "FRERZ1200163"), ("1-2".to_string(), "FRERZ1200166")]);
        assert_eq!(catalog.tracks[1].version.as_deref(), Some("Radio Edit"));
        assert_eq!(catalog.tracks[0].version, None);
        assert!(catalog.releases[1].tracklist.is_empty());
        assert_eq!(catalog.releases[1].catalog_number, None);
    }

    #[test]
    fn a_short_isrc_is_reported_with_line_column_and_value() {
        let text = format!("{HEADER}0880000000008,LBR001,Signal,Bram,L,2012-04-22,EP,1,1,USRC1760001,One,Bram,162,\n");
        let problems = read(&text, read_catalog_csv).unwrap_err();
        assert_eq!(
            problems,
            vec!["test.csv:2: column \"isrc\": ISRC \"USRC1760001\" has 11 characters; an ISRC has 12 (CC-XXX-YY-NNNNN)"]
        );
    }

    #[test]
    fn every_bad_cell_is_reported_not_only_the_first() {
        let text = format!(
            "{HEADER}\
             0880000000009,LBR001,Signal,Bram,L,2012-13-22,EP,0,x,FRERZ1200163,,Bram,-5,\n"
        );
        let problems = read(&text, read_catalog_csv).unwrap_err();
        let columns: Vec<&str> = problems.iter().map(|problem| problem.split('"').nth(1).unwrap_or("")).collect();
        assert_eq!(columns, vec!["release_upc", "release_date", "disc_number", "track_number", "track_title", "duration_seconds"]);
        assert!(problems[0].contains("check digit is 9, expected 8"), "{problems:?}");
    }

    #[test]
    fn a_release_must_read_the_same_on_each_of_its_rows() {
        let text = format!(
            "{HEADER}\
             0880000000008,LBR001,Signal,Bram,L,2012-04-22,EP,1,1,FRERZ1200163,One,Bram,162,\n\
             0880000000008,LBR001,Signal!,Bram,L,2012-04-22,EP,1,1,FRERZ1200166,Two,Bram,200,\n\
             0880000000015,LBR002,Other,Bram,L,2013-04-22,EP,1,1,FRERZ1200163,One,Bram,163,\n"
        );
        let problems = read(&text, read_catalog_csv).unwrap_err();
        assert_eq!(
            problems,
            vec![
                "test.csv:3: column \"release_title\": \"Signal!\" differs from \"Signal\" on line 2 for release 0880000000008; a release's columns must be the same on each of its rows",
                "test.csv:3: column \"track_number\": disc 1 track 1 of release 0880000000008 is already given on line 2",
                "test.csv:4: column \"duration_seconds\": \"163\" differs from \"162\" on line 2 for track FRERZ1200163; a track's columns must be the same on each row it is on",
            ]
        );
    }

    #[test]
    fn header_columns_are_found_by_name_and_checked() {
        let reordered = "ISRC,release_upc,catalog_number,release_title,release_artist,label,release_date,release_format,disc_number,track_number,track_title,track_artist,duration_seconds,track_version\n\
                         FRERZ1200163,0880000000008,,Signal,,,,,,1,One,,,\n";
        let catalog = read(reordered, read_catalog_csv).unwrap();
        assert_eq!(catalog.releases[0].tracklist[0].disc_number, 1, "an empty disc number is disc 1");

        let problems = read("release_upc,release_title,colour\n", read_catalog_csv).unwrap_err();
        assert!(problems[0].starts_with("test.csv:1: column \"colour\": unknown column"), "{problems:?}");
        assert!(problems[1].starts_with("test.csv:1: missing columns catalog_number, release_artist"), "{problems:?}");
    }

    #[test]
    fn rows_of_the_wrong_width_are_refused() {
        let text = format!("{HEADER}0880000000008,LBR001,Signal\n");
        assert_eq!(read(&text, read_catalog_csv).unwrap_err(), vec!["test.csv:2: the row has 3 fields, the header has 14"]);
    }

    #[test]
    fn parties_are_validated() {
        let text = "party_id,name,kind,email,country,vat_id,tax_residence\n\
                    P001,Vera Bakker,band_member,vera@example.org,NL,NL123456789B01,NL\n\
                    P002,Noor,drummer,noor-at-example,Narnia,,\n\
                    P001,Again,artist,,,,\n";
        let problems = read(text, read_parties_csv).unwrap_err();
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(problems[0].starts_with("test.csv:3: column \"kind\": \"drummer\" is not a party kind"));
        assert!(problems[1].starts_with("test.csv:3: column \"email\": \"noor-at-example\" is not an email address"));
        assert!(problems[2].starts_with("test.csv:3: column \"country\": territory \"Narnia\""));
        assert_eq!(problems[3], "test.csv:4: column \"party_id\": party \"P001\" is already given on line 2");

        let good = read("party_id,name,kind,email,country,vat_id,tax_residence\nP001,Vera,Artist,,nl,,NLD\n", read_parties_csv).unwrap();
        assert_eq!(good.parties[0].country.map(CountryCode::alpha2), Some("NL"));
        assert_eq!(good.parties[0].tax_residence.map(CountryCode::alpha2), Some("NL"));
        assert_eq!(good.parties[0].kind, PartyKind::Artist);
    }

    #[test]
    fn an_alias_stands_for_exactly_one_track_or_release() {
        let text = "namespace,value,isrc,upc\n\
                    apple,1440000001,FRERZ1200163,\n\
                    apple,1440000002,,0880000000008\n\
                    apple,1440000003,,\n\
                    apple,1440000004,FRERZ1200163,0880000000008\n\
                    apple,1440000001,FRERZ1200166,\n\
                    apple,1440000002,,0880000000008\n";
        let problems = read(text, read_aliases_csv).unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].starts_with("test.csv:4: column \"isrc\": isrc and upc are both empty"));
        assert!(problems[1].starts_with("test.csv:5: column \"upc\": isrc and upc are both given"));
        assert_eq!(
            problems[2],
            "test.csv:6: column \"value\": alias apple \"1440000001\" stands for track FRERZ1200166 here but for track FRERZ1200163 on line 2"
        );
    }
}
