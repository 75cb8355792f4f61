//! Storing a catalog in the ledger: upserts in one transaction, with a report of exactly what
//! changed.
//!
//! Releases, tracks and parties are reference data, not ledger history: a corrected title is
//! updated in place (the royalty history lives in postings and issued statements, which refer
//! to ids and never change). The report says what each update replaced, so nothing changes
//! unseen.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use ledgerline_model::Isrc;
use ledgerline_store::{utc_timestamp_now, Ledger};
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};
use serde::Serialize;

use crate::catalog::{differing_fields, Alias, AliasName, AliasTarget, Catalog, FieldValues, Party, Release, ReleaseKey, Track};

/// How many of one kind of record an import added, changed or left as they were.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ChangeCounts {
    pub added: u64,
    pub changed: u64,
    pub unchanged: u64,
}

impl ChangeCounts {
    pub fn total(&self) -> u64 {
        self.added + self.changed + self.unchanged
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Release,
    Track,
    Party,
    Alias,
}

impl fmt::Display for EntityKind {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            EntityKind::Release => "release",
            EntityKind::Track => "track",
            EntityKind::Party => "party",
            EntityKind::Alias => "alias",
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeAction {
    Added,
    Changed,
}

/// One field's old and new value; `None` is empty. Tracklist positions are fields named
/// `track 1-3` (disc 1, track 3) whose values are ISRCs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

fn quoted_or_empty(value: &Option<String>) -> String {
    match value {
        Some(text) => format!("\"{text}\""),
        None => "(empty)".to_string(),
    }
}

impl fmt::Display for FieldChange {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{} {} → {}", self.field, quoted_or_empty(&self.old), quoted_or_empty(&self.new))
    }
}

/// One record added or changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    pub entity: EntityKind,
    /// ICPN, ISRC, party id, or `namespace "value"` for an alias.
    pub key: String,
    /// What a person recognises it by: the title, the party's name, an alias's target.
    pub name: String,
    pub action: ChangeAction,
    /// For a change: each field that changed. Empty for an addition.
    pub fields: Vec<FieldChange>,
}

impl fmt::Display for Change {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{} {} ({})", self.entity, self.key, self.name)?;
        match self.action {
            ChangeAction::Added => formatter.write_str(": added"),
            ChangeAction::Changed => {
                let fields: Vec<String> = self.fields.iter().map(ToString::to_string).collect();
                write!(formatter, ": {}", fields.join("; "))
            }
        }
    }
}

/// What an import did to the catalog.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ChangeReport {
    pub releases: ChangeCounts,
    pub tracks: ChangeCounts,
    pub parties: ChangeCounts,
    pub aliases: ChangeCounts,
    /// Every addition and every change, in the order they were made.
    pub changes: Vec<Change>,
}

impl ChangeReport {
    pub fn has_changes(&self) -> bool {
        !self.changes.is_empty()
    }

    /// The counts of each kind of record, in a fixed order.
    pub fn counts(&self) -> [(EntityKind, &ChangeCounts); 4] {
        [
            (EntityKind::Release, &self.releases),
            (EntityKind::Track, &self.tracks),
            (EntityKind::Party, &self.parties),
            (EntityKind::Alias, &self.aliases),
        ]
    }

    fn counts_mut(&mut self, entity: EntityKind) -> &mut ChangeCounts {
        match entity {
            EntityKind::Release => &mut self.releases,
            EntityKind::Track => &mut self.tracks,
            EntityKind::Party => &mut self.parties,
            EntityKind::Alias => &mut self.aliases,
        }
    }

    fn record(&mut self, entity: EntityKind, key: String, name: String, fields: Option<Vec<FieldChange>>) {
        let counts = self.counts_mut(entity);
        match fields {
            None => {
                counts.added += 1;
                self.changes.push(Change { entity, key, name, action: ChangeAction::Added, fields: Vec::new() });
            }
            Some(fields) if fields.is_empty() => counts.unchanged += 1,
            Some(fields) => {
                counts.changed += 1;
                self.changes.push(Change { entity, key, name, action: ChangeAction::Changed, fields });
            }
        }
    }
}

/// Why a catalog could not be stored. Nothing of it was stored.
#[derive(Debug, thiserror::Error)]
pub enum CatalogImportError {
    #[error("alias {alias} already stands for {existing}; this file makes it stand for {proposed}")]
    AliasConflict { alias: String, existing: String, proposed: String },
    #[error("{referrer} refers to {missing}, which is neither in this file nor in the catalog")]
    UnknownReference { referrer: String, missing: String },
    #[error("the catalog in the ledger database cannot be read or written")]
    Database(#[from] rusqlite::Error),
}

impl CatalogImportError {
    /// What the user can do about it.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            CatalogImportError::AliasConflict { .. } => {
                Some("an alias stands for one track or release; correct the file, or the earlier import if it was the wrong one")
            }
            CatalogImportError::UnknownReference { .. } => {
                Some("import the catalog (CSV or ERN) with that track or release first, then this file")
            }
            CatalogImportError::Database(_) => None,
        }
    }
}

fn changes_from(old: &FieldValues, new: &FieldValues) -> Vec<FieldChange> {
    differing_fields(old, new)
        .into_iter()
        .map(|(field, old, new)| FieldChange { field: field.to_string(), old, new })
        .collect()
}

/// Stores `catalog` in one transaction: releases are matched by ICPN (or, for a release known
/// only by a GRid or proprietary id, by that alias), tracks by ISRC, parties by id. Fields are
/// set to the file's values, empty included; each release's tracklist is replaced by the
/// file's; aliases are added, and an alias that already stands for something else is an error.
/// Any error rolls everything back.
pub fn import_catalog(ledger: &mut Ledger, catalog: &Catalog) -> Result<ChangeReport, CatalogImportError> {
    // IMMEDIATE takes the write lock before the first read, so the comparison and the write
    // see the same database even with another process importing.
    let transaction = ledger.connection_mut().transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut report = ChangeReport::default();
    let mut track_ids: HashMap<Isrc, i64> = HashMap::new();
    for track in &catalog.tracks {
        let track_id = upsert_track(&transaction, track, &mut report)?;
        track_ids.insert(track.isrc.clone(), track_id);
    }
    for release in &catalog.releases {
        upsert_release(&transaction, release, &catalog.aliases, &mut track_ids, &mut report)?;
    }
    for party in &catalog.parties {
        upsert_party(&transaction, party, &mut report)?;
    }
    for alias in &catalog.aliases {
        insert_alias(&transaction, alias, &mut track_ids, &mut report)?;
    }
    transaction.commit()?;
    Ok(report)
}

fn upsert_track(transaction: &Transaction, track: &Track, report: &mut ChangeReport) -> Result<i64, CatalogImportError> {
    let existing = transaction
        .query_row(
            "SELECT id, title, display_artist, duration_seconds, version FROM tracks WHERE isrc = ?1",
            [track.isrc.as_str()],
            |row| {
                let stored = Track {
                    isrc: track.isrc.clone(),
                    title: row.get(1)?,
                    display_artist: row.get(2)?,
                    duration_seconds: None,
                    version: row.get(4)?,
                };
                let duration: Option<i64> = row.get(3)?;
                Ok((row.get::<_, i64>(0)?, stored, duration))
            },
        )
        .optional()?;
    let key = track.isrc.to_string();
    match existing {
        None => {
            transaction.execute(
                "INSERT INTO tracks (isrc, title, display_artist, duration_seconds, version) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![track.isrc.as_str(), track.title, track.display_artist, track.duration_seconds, track.version],
            )?;
            report.record(EntityKind::Track, key, track.title.clone(), None);
            Ok(transaction.last_insert_rowid())
        }
        Some((track_id, stored, stored_duration)) => {
            let mut old = stored.field_values();
            // The database may hold a duration this program did not write; compare its text.
            if let Some(slot) = old.iter_mut().find(|(field, _)| *field == "duration_seconds") {
                slot.1 = stored_duration.map(|seconds| seconds.to_string());
            }
            let fields = changes_from(&old, &track.field_values());
            if !fields.is_empty() {
                transaction.execute(
                    "UPDATE tracks SET title = ?1, display_artist = ?2, duration_seconds = ?3, version = ?4 WHERE id = ?5",
                    params![track.title, track.display_artist, track.duration_seconds, track.version, track_id],
                )?;
            }
            report.record(EntityKind::Track, key, track.title.clone(), Some(fields));
            Ok(track_id)
        }
    }
}

/// The release a key names, if the catalog has it.
fn find_release(transaction: &Transaction, key: &ReleaseKey) -> Result<Option<i64>, CatalogImportError> {
    match key {
        ReleaseKey::Icpn(icpn) => {
            Ok(transaction.query_row("SELECT id FROM releases WHERE icpn = ?1", [icpn.as_str()], |row| row.get(0)).optional()?)
        }
        ReleaseKey::Alias(name) => match find_alias(transaction, name)? {
            None => Ok(None),
            Some(StoredTarget::Release(release_id)) => Ok(Some(release_id)),
            Some(StoredTarget::Track(track_id)) => Err(CatalogImportError::AliasConflict {
                alias: name.to_string(),
                existing: describe_track(transaction, track_id)?,
                proposed: format!("the release it identifies in this file ({key})"),
            }),
        },
    }
}

/// The stored fields of a release as text, in [`Release::field_values`] order.
fn stored_release_values(transaction: &Transaction, release_id: i64) -> Result<FieldValues, CatalogImportError> {
    Ok(transaction.query_row(
        "SELECT catalog_number, title, display_artist, label, release_date, format FROM releases WHERE id = ?1",
        [release_id],
        |row| {
            Ok(vec![
                ("catalog_number", row.get(0)?),
                ("title", Some(row.get::<_, String>(1)?)),
                ("display_artist", row.get(2)?),
                ("label", row.get(3)?),
                ("release_date", row.get(4)?),
                ("format", row.get(5)?),
            ])
        },
    )?)
}

/// A stored release without an ICPN that one of the file's aliases for this release already
/// identifies: an ERN 3.8 release first known by its GRid alone, now given with its ICPN.
fn release_to_adopt(transaction: &Transaction, release: &Release, aliases: &[Alias]) -> Result<Option<i64>, CatalogImportError> {
    if release.key.icpn().is_none() {
        return Ok(None);
    }
    for alias in aliases.iter().filter(|alias| alias.target == AliasTarget::Release(release.key.clone())) {
        if let Some(StoredTarget::Release(release_id)) = find_alias(transaction, &alias.name)? {
            let icpn: Option<String> = transaction.query_row("SELECT icpn FROM releases WHERE id = ?1", [release_id], |row| row.get(0))?;
            if icpn.is_none() {
                return Ok(Some(release_id));
            }
        }
    }
    Ok(None)
}

fn upsert_release(
    transaction: &Transaction,
    release: &Release,
    aliases: &[Alias],
    track_ids: &mut HashMap<Isrc, i64>,
    report: &mut ChangeReport,
) -> Result<(), CatalogImportError> {
    let key = release.key.to_string();
    let release_date = release.release_date.map(|date| date.to_string());
    let new_values = release.field_values();
    let mut found = find_release(transaction, &release.key)?;
    let mut adopted_icpn = None;
    if found.is_none() {
        if let Some(release_id) = release_to_adopt(transaction, release, aliases)? {
            transaction.execute("UPDATE releases SET icpn = ?1 WHERE id = ?2", params![release.key.icpn().map(|icpn| icpn.as_str()), release_id])?;
            adopted_icpn = Some(FieldChange { field: "icpn".to_string(), old: None, new: Some(key.clone()) });
            found = Some(release_id);
        }
    }
    let (release_id, mut fields) = match found {
        None => {
            transaction.execute(
                "INSERT INTO releases (icpn, catalog_number, title, display_artist, label, release_date, format)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    release.key.icpn().map(|icpn| icpn.as_str()),
                    release.catalog_number,
                    release.title,
                    release.display_artist,
                    release.label,
                    release_date,
                    release.format
                ],
            )?;
            let release_id = transaction.last_insert_rowid();
            if let ReleaseKey::Alias(name) = &release.key {
                insert_alias_row(transaction, name, None, Some(release_id))?;
            }
            (release_id, None)
        }
        Some(release_id) => {
            let fields = changes_from(&stored_release_values(transaction, release_id)?, &new_values);
            if !fields.is_empty() {
                transaction.execute(
                    "UPDATE releases SET catalog_number = ?1, title = ?2, display_artist = ?3, label = ?4, release_date = ?5, format = ?6
                     WHERE id = ?7",
                    params![
                        release.catalog_number,
                        release.title,
                        release.display_artist,
                        release.label,
                        release_date,
                        release.format,
                        release_id
                    ],
                )?;
            }
            (release_id, Some(adopted_icpn.into_iter().chain(fields).collect::<Vec<FieldChange>>()))
        }
    };

    let stored_tracklist = stored_tracklist(transaction, release_id)?;
    let new_tracklist: BTreeMap<(u32, u32), String> = release
        .tracklist
        .iter()
        .map(|entry| ((entry.disc_number, entry.track_number), entry.isrc.to_string()))
        .collect();
    if stored_tracklist != new_tracklist {
        if let Some(fields) = fields.as_mut() {
            let mut positions: Vec<&(u32, u32)> = stored_tracklist.keys().chain(new_tracklist.keys()).collect();
            positions.sort();
            positions.dedup();
            for position in positions {
                let old = stored_tracklist.get(position).cloned();
                let new = new_tracklist.get(position).cloned();
                if old != new {
                    fields.push(FieldChange { field: format!("track {}-{}", position.0, position.1), old, new });
                }
            }
        }
        transaction.execute("DELETE FROM release_tracks WHERE release_id = ?1", [release_id])?;
        for entry in &release.tracklist {
            let track_id = match track_ids.get(&entry.isrc) {
                Some(track_id) => *track_id,
                None => {
                    let found: Option<i64> = transaction
                        .query_row("SELECT id FROM tracks WHERE isrc = ?1", [entry.isrc.as_str()], |row| row.get(0))
                        .optional()?;
                    let track_id = found.ok_or_else(|| CatalogImportError::UnknownReference {
                        referrer: format!("release {key} (disc {} track {})", entry.disc_number, entry.track_number),
                        missing: format!("track {}", entry.isrc),
                    })?;
                    track_ids.insert(entry.isrc.clone(), track_id);
                    track_id
                }
            };
            transaction.execute(
                "INSERT INTO release_tracks (release_id, track_id, disc_number, track_number) VALUES (?1, ?2, ?3, ?4)",
                params![release_id, track_id, entry.disc_number, entry.track_number],
            )?;
        }
    }
    report.record(EntityKind::Release, key, release.title.clone(), fields);
    Ok(())
}

fn stored_tracklist(transaction: &Transaction, release_id: i64) -> Result<BTreeMap<(u32, u32), String>, CatalogImportError> {
    let mut statement = transaction.prepare(
        "SELECT release_tracks.disc_number, release_tracks.track_number, coalesce(tracks.isrc, '')
         FROM release_tracks JOIN tracks ON tracks.id = release_tracks.track_id
         WHERE release_tracks.release_id = ?1",
    )?;
    let rows = statement.query_map([release_id], |row| Ok(((row.get(0)?, row.get(1)?), row.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn upsert_party(transaction: &Transaction, party: &Party, report: &mut ChangeReport) -> Result<(), CatalogImportError> {
    let stored: Option<FieldValues> = transaction
        .query_row(
            "SELECT name, kind, email, country, vat_id, tax_residence FROM parties WHERE id = ?1",
            [&party.id],
            |row| {
                Ok(vec![
                    ("name", Some(row.get::<_, String>(0)?)),
                    ("kind", Some(row.get::<_, String>(1)?)),
                    ("email", row.get(2)?),
                    ("country", row.get(3)?),
                    ("vat_id", row.get(4)?),
                    ("tax_residence", row.get(5)?),
                ])
            },
        )
        .optional()?;
    let country = party.country.map(|country| country.alpha2());
    let tax_residence = party.tax_residence.map(|country| country.alpha2());
    let fields = match stored {
        None => {
            transaction.execute(
                "INSERT INTO parties (id, name, kind, email, country, vat_id, tax_residence) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![party.id, party.name, party.kind.name(), party.email, country, party.vat_id, tax_residence],
            )?;
            None
        }
        Some(stored) => {
            let fields = changes_from(&stored, &party.field_values());
            if !fields.is_empty() {
                transaction.execute(
                    "UPDATE parties SET name = ?1, kind = ?2, email = ?3, country = ?4, vat_id = ?5, tax_residence = ?6 WHERE id = ?7",
                    params![party.name, party.kind.name(), party.email, country, party.vat_id, tax_residence, party.id],
                )?;
            }
            Some(fields)
        }
    };
    report.record(EntityKind::Party, party.id.clone(), party.name.clone(), fields);
    Ok(())
}

/// What a stored alias row stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StoredTarget {
    Track(i64),
    Release(i64),
}

fn find_alias(transaction: &Transaction, name: &AliasName) -> Result<Option<StoredTarget>, CatalogImportError> {
    let row: Option<(Option<i64>, Option<i64>)> = transaction
        .query_row(
            "SELECT track_id, release_id FROM aliases WHERE namespace = ?1 AND value = ?2",
            [&name.namespace, &name.value],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    // The schema's CHECK makes exactly one of the two set.
    Ok(match row {
        Some((Some(track_id), _)) => Some(StoredTarget::Track(track_id)),
        Some((None, Some(release_id))) => Some(StoredTarget::Release(release_id)),
        _ => None,
    })
}

/// An alias of `value` under any namespace that stands for something other than `target`.
fn value_elsewhere(
    transaction: &Transaction,
    value: &str,
    target: StoredTarget,
) -> Result<Option<(String, StoredTarget)>, CatalogImportError> {
    let mut statement = transaction.prepare("SELECT namespace, track_id, release_id FROM aliases WHERE value = ?1 ORDER BY id")?;
    let rows = statement
        .query_map([value], |row| Ok((row.get::<_, String>(0)?, row.get::<_, Option<i64>>(1)?, row.get::<_, Option<i64>>(2)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows.into_iter().find_map(|(namespace, track_id, release_id)| {
        let stored = match (track_id, release_id) {
            (Some(track_id), _) => StoredTarget::Track(track_id),
            (None, Some(release_id)) => StoredTarget::Release(release_id),
            (None, None) => return None,
        };
        (stored != target).then_some((namespace, stored))
    }))
}

fn insert_alias_row(
    transaction: &Transaction,
    name: &AliasName,
    track_id: Option<i64>,
    release_id: Option<i64>,
) -> Result<(), CatalogImportError> {
    transaction.execute(
        "INSERT INTO aliases (namespace, value, track_id, release_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![name.namespace, name.value, track_id, release_id, utc_timestamp_now()],
    )?;
    Ok(())
}

fn describe_track(transaction: &Transaction, track_id: i64) -> Result<String, CatalogImportError> {
    let (isrc, title): (Option<String>, String) =
        transaction.query_row("SELECT isrc, title FROM tracks WHERE id = ?1", [track_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(format!("track {} \"{title}\"", isrc.unwrap_or_else(|| format!("#{track_id}"))))
}

fn describe_release(transaction: &Transaction, release_id: i64) -> Result<String, CatalogImportError> {
    let (icpn, title): (Option<String>, String) =
        transaction.query_row("SELECT icpn, title FROM releases WHERE id = ?1", [release_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
    let key = match icpn {
        Some(icpn) => icpn,
        None => transaction
            .query_row(
                "SELECT namespace || ' \"' || value || '\"' FROM aliases WHERE release_id = ?1 ORDER BY id LIMIT 1",
                [release_id],
                |row| row.get(0),
            )
            .optional()?
            .unwrap_or_else(|| format!("#{release_id}")),
    };
    Ok(format!("release {key} \"{title}\""))
}

fn describe(transaction: &Transaction, target: StoredTarget) -> Result<String, CatalogImportError> {
    match target {
        StoredTarget::Track(track_id) => describe_track(transaction, track_id),
        StoredTarget::Release(release_id) => describe_release(transaction, release_id),
    }
}

fn insert_alias(
    transaction: &Transaction,
    alias: &Alias,
    track_ids: &mut HashMap<Isrc, i64>,
    report: &mut ChangeReport,
) -> Result<(), CatalogImportError> {
    let unknown = |missing: String| CatalogImportError::UnknownReference { referrer: format!("alias {}", alias.name), missing };
    let target = match &alias.target {
        AliasTarget::Track(isrc) => {
            let track_id = match track_ids.get(isrc) {
                Some(track_id) => Some(*track_id),
                None => transaction.query_row("SELECT id FROM tracks WHERE isrc = ?1", [isrc.as_str()], |row| row.get(0)).optional()?,
            };
            StoredTarget::Track(track_id.ok_or_else(|| unknown(format!("track {isrc}")))?)
        }
        AliasTarget::Release(key) => {
            StoredTarget::Release(find_release(transaction, key)?.ok_or_else(|| unknown(format!("release {key}")))?)
        }
    };
    let key = alias.name.to_string();
    let fields = match find_alias(transaction, &alias.name)? {
        Some(existing) if existing == target => Some(Vec::new()),
        Some(existing) => {
            return Err(CatalogImportError::AliasConflict {
                alias: key,
                existing: describe(transaction, existing)?,
                proposed: describe(transaction, target)?,
            });
        }
        None => {
            // Lines are matched by an identifier's value, whoever reported it: the same value
            // under another namespace must stand for the same thing.
            if let Some((namespace, other)) = value_elsewhere(transaction, &alias.name.value, target)? {
                return Err(CatalogImportError::AliasConflict {
                    alias: key,
                    existing: format!(
                        "{} as {namespace} \"{}\" (report lines are matched by the value, whoever reported it)",
                        describe(transaction, other)?,
                        alias.name.value
                    ),
                    proposed: describe(transaction, target)?,
                });
            }
            let (track_id, release_id) = match target {
                StoredTarget::Track(track_id) => (Some(track_id), None),
                StoredTarget::Release(release_id) => (None, Some(release_id)),
            };
            insert_alias_row(transaction, &alias.name, track_id, release_id)?;
            None
        }
    };
    report.record(EntityKind::Alias, key, alias.target.to_string(), fields);
    Ok(())
}
