//! The suspense queue: imported lines the catalog does not know, grouped by the identifier
//! they carry, and aliases that resolve them.
//!
//! Matching is a pure function of a line's identifiers and the catalog (tracks, releases,
//! aliases) at the time it is asked, so nothing in the lake is rewritten: adding an alias
//! re-matches every open line that carries the aliased identifier, in every import, at once.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use ledgerline_formats::SaleLine;
use ledgerline_model::{Icpn, Isrc};
use ledgerline_money::{Currency, Decimal};
use ledgerline_store::{utc_timestamp_now, Ledger};
use rusqlite::OptionalExtension;

use crate::catalog_index::CatalogIndex;
use crate::error::ImportError;

/// Unmatched lines that share an identifier.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct UnmatchedGroup {
    /// `isrc`, `upc`, `catalog-number`, `proprietary-id` or `none`.
    pub identifier_kind: &'static str,
    pub identifier: String,
    pub track_title: String,
    pub artist: String,
    pub sources: BTreeSet<String>,
    pub lines: u64,
    pub units: i64,
    pub net: BTreeMap<Currency, Decimal>,
}

/// The identifier an unmatched line is grouped and aliased by: the most specific it has.
pub fn grouping_identifier(line: &SaleLine) -> (&'static str, String) {
    if !line.reported_isrc.is_empty() {
        let normalised = line.isrc.as_ref().map_or_else(|| line.reported_isrc.clone(), |isrc| isrc.as_str().to_string());
        return ("isrc", normalised);
    }
    if !line.reported_upc.is_empty() {
        let normalised = line.upc.as_ref().map_or_else(|| line.reported_upc.clone(), |upc| upc.as_str().to_string());
        return ("upc", normalised);
    }
    if !line.catalog_number.is_empty() {
        return ("catalog-number", line.catalog_number.clone());
    }
    if !line.proprietary_id.is_empty() {
        return ("proprietary-id", line.proprietary_id.clone());
    }
    ("none", String::new())
}

fn committed_imports(ledger: &Ledger) -> Result<Vec<(String, String)>, ImportError> {
    let mut statement = ledger.connection().prepare("SELECT content_sha256, source FROM imports ORDER BY id")?;
    let imports = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?.collect::<Result<_, _>>()?;
    Ok(imports)
}

/// Every unmatched line in the lake, grouped; most lines first, then by identifier.
pub fn unmatched_groups(ledger: &Ledger, lake_root: &Path) -> Result<Vec<UnmatchedGroup>, ImportError> {
    let catalog = CatalogIndex::load(ledger)?;
    let mut groups: BTreeMap<(&'static str, String), UnmatchedGroup> = BTreeMap::new();
    for (key, source) in committed_imports(ledger)? {
        for line in ledgerline_lake::read_import(lake_root, &key)? {
            let line = line?;
            if catalog.matches(&line) {
                continue;
            }
            let (identifier_kind, identifier) = grouping_identifier(&line);
            let group = groups.entry((identifier_kind, identifier.clone())).or_insert_with(|| UnmatchedGroup {
                identifier_kind,
                identifier,
                track_title: line.track_title.clone(),
                artist: line.artist.clone(),
                sources: BTreeSet::new(),
                lines: 0,
                units: 0,
                net: BTreeMap::new(),
            });
            group.sources.insert(source.clone());
            group.lines += 1;
            group.units += line.units;
            *group.net.entry(line.currency).or_default() += line.net;
        }
    }
    let mut groups: Vec<UnmatchedGroup> = groups.into_values().collect();
    groups.sort_by(|left, right| right.lines.cmp(&left.lines).then_with(|| left.identifier.cmp(&right.identifier)));
    Ok(groups)
}

/// What an alias points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AliasTarget {
    Track(Isrc),
    Release(Icpn),
}

/// The result of `ledgerline alias`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AliasOutcome {
    pub identifier: String,
    pub target: String,
    /// Whether the alias was new (false: it existed with the same target).
    pub created: bool,
    /// Lines that carried the identifier and were unmatched before, now matched.
    pub lines_resolved: u64,
}

/// Records `identifier` as another name of a catalog track or release, then counts the lines it
/// resolves. An alias already pointing elsewhere is refused, naming both targets.
pub fn add_alias(ledger: &mut Ledger, lake_root: &Path, identifier: &str, target: &AliasTarget) -> Result<AliasOutcome, ImportError> {
    let identifier = identifier.trim();
    if identifier.is_empty() {
        return Err(ImportError::Alias { message: "the identifier to alias is empty".to_string() });
    }
    let before = unmatched_groups(ledger, lake_root)?;
    let connection = ledger.connection();
    let (column, target_text, target_id): (&str, String, Option<i64>) = match target {
        AliasTarget::Track(isrc) => (
            "track_id",
            format!("track {isrc}"),
            connection.query_row("SELECT id FROM tracks WHERE isrc = ?1", [isrc.as_str()], |row| row.get(0)).optional()?,
        ),
        AliasTarget::Release(upc) => (
            "release_id",
            format!("release {upc}"),
            connection.query_row("SELECT id FROM releases WHERE icpn = ?1", [upc.as_str()], |row| row.get(0)).optional()?,
        ),
    };
    let Some(target_id) = target_id else {
        return Err(ImportError::Alias { message: format!("{target_text} is not in the catalog; import the catalog first") });
    };
    // Lines are matched by the identifier's value, whoever reported it: one value stands for
    // one track or release, under any namespace.
    let same_target = |track_id: Option<i64>, release_id: Option<i64>| match target {
        AliasTarget::Track(_) => track_id == Some(target_id),
        AliasTarget::Release(_) => release_id == Some(target_id),
    };
    let existing: Vec<(String, Option<i64>, Option<i64>)> = connection
        .prepare("SELECT namespace, track_id, release_id FROM aliases WHERE value = ?1 ORDER BY id")?
        .query_map([identifier], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<Result<_, _>>()?;
    if let Some((namespace, track_id, release_id)) =
        existing.iter().find(|(_, track_id, release_id)| !same_target(*track_id, *release_id))
    {
        return Err(ImportError::Alias {
            message: format!(
                "\"{identifier}\" is already an alias (namespace {namespace}) of {}; aliases are not moved silently",
                describe_target(connection, *track_id, *release_id)?
            ),
        });
    }
    let in_catalog: bool = connection.query_row(
        "SELECT EXISTS (SELECT 1 FROM tracks WHERE isrc = ?1) OR EXISTS (SELECT 1 FROM releases WHERE icpn = ?1)",
        [identifier],
        |row| row.get(0),
    )?;
    if in_catalog {
        return Err(ImportError::Alias {
            message: format!("\"{identifier}\" is itself a track or release of the catalog: lines carrying it already match it, and an alias cannot make it another"),
        });
    }
    let created = match existing.first() {
        Some(_) => false,
        None if !before.iter().any(|group| group.identifier == identifier) => {
            return Err(ImportError::Alias {
                message: format!(
                    "no unmatched line carries \"{identifier}\" (see `ledgerline unmatched`); check its spelling. To name an identifier before a report carries it, put it in an aliases file and import it with `ledgerline catalog import` (docs/catalog.md)"
                ),
            });
        }
        None => {
            connection.execute(
                &format!("INSERT INTO aliases (namespace, value, {column}, created_at) VALUES ('report', ?1, ?2, ?3)"),
                rusqlite::params![identifier, target_id, utc_timestamp_now()],
            )?;
            true
        }
    };
    let after = unmatched_groups(ledger, lake_root)?;
    let open_lines = |groups: &[UnmatchedGroup]| groups.iter().map(|group| group.lines).sum::<u64>();
    Ok(AliasOutcome {
        identifier: identifier.to_string(),
        target: target_text,
        created,
        lines_resolved: open_lines(&before) - open_lines(&after),
    })
}

/// A track or release of the catalog as a person recognises it: `track ISRC "title"`.
fn describe_target(connection: &rusqlite::Connection, track_id: Option<i64>, release_id: Option<i64>) -> Result<String, ImportError> {
    if let Some(track_id) = track_id {
        let (isrc, title): (Option<String>, String) =
            connection.query_row("SELECT isrc, title FROM tracks WHERE id = ?1", [track_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
        return Ok(format!("track {} \"{title}\"", isrc.unwrap_or_else(|| format!("#{track_id}"))));
    }
    let release_id = release_id.unwrap_or_default();
    let (icpn, title): (Option<String>, String) =
        connection.query_row("SELECT icpn, title FROM releases WHERE id = ?1", [release_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(format!("release {} \"{title}\"", icpn.unwrap_or_else(|| format!("#{release_id}"))))
}
