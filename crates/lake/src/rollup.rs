//! Roll-ups: an import's lines added up by everything a royalty run can depend on, kept beside
//! the lake (`lake/rollups/v1/<import key>.tsv`).
//!
//! A run needs sums, not lines: lines that share their months, service, territory, usage, tier,
//! currency and identifiers as reported are interchangeable for every contract term. The import
//! folds its lines into a roll-up as it reads them ([`RollupBuilder`]), and runs read that: tens
//! of thousands of rows instead of millions of lines. Identifiers are kept as reported and
//! matched at run time, so an alias added later still re-matches everything.
//!
//! A roll-up is derived data: written aside and renamed into place, rebuilt from the lake when
//! missing or unreadable, and checked against the import's row count every time it is read.

use std::borrow::Cow;
use std::collections::hash_map::Entry as MapEntry;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use ledgerline_formats::{SaleLine, Tier, UsageType};
use ledgerline_model::text::same;
use ledgerline_model::{Icpn, Isrc, Month, Territory};
use ledgerline_money::{Currency, Decimal};

use crate::error::LakeError;

const FOLDER: &str = "rollups/v1";
const HEADER: &str = "sale_month\treporting_month\tservice\tterritory\tusage\ttier\tcurrency\toriginal_currency\tfx_rate\tisrc\tupc\tcatalog_number\tproprietary_id\treported_isrc\treported_upc\tlines\tunits\tnet\tgross";
const KEY_CELLS: usize = 15;

/// What lines are rolled up by.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RollupKey {
    pub sale_month: Month,
    pub reporting_month: Option<Month>,
    pub service: String,
    pub territory: Territory,
    /// `stream`, `download`, … as in the normalized sale line.
    pub usage: String,
    pub tier: String,
    pub currency: Currency,
    pub original_currency: Option<Currency>,
    pub fx_rate: Option<Decimal>,
    pub identifiers: Identifiers,
}

/// A line's identifiers: validated (ISRC, 13-digit EAN) where valid, and as reported.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Identifiers {
    pub isrc: String,
    pub upc: String,
    pub catalog_number: String,
    pub proprietary_id: String,
    pub reported_isrc: String,
    pub reported_upc: String,
}

impl Identifiers {
    pub fn of(line: &SaleLine) -> Identifiers {
        Identifiers {
            isrc: line
                .isrc
                .as_ref()
                .map(|isrc| isrc.as_str().to_string())
                .unwrap_or_default(),
            upc: line
                .upc
                .as_ref()
                .map(|upc| upc.as_str().to_string())
                .unwrap_or_default(),
            catalog_number: line.catalog_number.clone(),
            proprietary_id: line.proprietary_id.clone(),
            reported_isrc: line.reported_isrc.clone(),
            reported_upc: line.reported_upc.clone(),
        }
    }
}

impl RollupKey {
    pub fn of(line: &SaleLine) -> RollupKey {
        RollupKey {
            sale_month: line.sale_start.month(),
            reporting_month: line.reporting_month,
            service: line.service.clone(),
            territory: line.territory,
            usage: line.usage.name().to_string(),
            tier: line.tier.name().to_string(),
            currency: line.currency,
            original_currency: line.original_currency,
            fx_rate: line.fx_rate,
            identifiers: Identifiers::of(line),
        }
    }

    /// Whether `line` is rolled up under this key: `RollupKey::of(line) == *self`, without
    /// building the key.
    pub fn is_key_of(&self, line: &SaleLine) -> bool {
        let identifiers = &self.identifiers;
        self.sale_month == line.sale_start.month()
            && self.reporting_month == line.reporting_month
            && self.territory == line.territory
            && self.usage == line.usage.name()
            && self.tier == line.tier.name()
            && self.currency == line.currency
            && self.original_currency == line.original_currency
            && self.fx_rate == line.fx_rate
            && self.service == line.service
            && identifiers.isrc == line.isrc.as_ref().map_or("", Isrc::as_str)
            && identifiers.upc == line.upc.as_ref().map_or("", Icpn::as_str)
            && identifiers.catalog_number == line.catalog_number
            && identifiers.proprietary_id == line.proprietary_id
            && identifiers.reported_isrc == line.reported_isrc
            && identifiers.reported_upc == line.reported_upc
    }
}

/// Values kept by roll-up key and looked up by a line's key without building it (reading an
/// import's lines against its roll-up costs no allocation per line). `S` hashes some of the
/// key's fields; the others are compared.
#[derive(Debug)]
pub struct RollupKeyIndex<V, S = std::collections::hash_map::RandomState> {
    buckets: HashMap<u64, Vec<(RollupKey, V)>, BuildHasherDefault<PassThrough>>,
    hasher: S,
}

impl<V, S: std::hash::BuildHasher + Default> Default for RollupKeyIndex<V, S> {
    fn default() -> Self {
        RollupKeyIndex {
            buckets: HashMap::default(),
            hasher: S::default(),
        }
    }
}

impl<V, S: std::hash::BuildHasher> RollupKeyIndex<V, S> {
    /// Adds `value` under `key` (a key given twice is kept twice; the first is found).
    pub fn insert(&mut self, key: RollupKey, value: V) {
        let identifiers = &key.identifiers;
        let hash = self.hash(
            key.sale_month,
            &key.service,
            key.territory,
            &identifiers.isrc,
            &identifiers.reported_isrc,
            &identifiers.reported_upc,
        );
        self.buckets.entry(hash).or_default().push((key, value));
    }

    /// The value under the key of `line`.
    pub fn get(&self, line: &SaleLine) -> Option<&V> {
        let hash = self.hash(
            line.sale_start.month(),
            &line.service,
            line.territory,
            line.isrc.as_ref().map_or("", Isrc::as_str),
            &line.reported_isrc,
            &line.reported_upc,
        );
        self.buckets
            .get(&hash)?
            .iter()
            .find(|(key, _)| key.is_key_of(line))
            .map(|(_, value)| value)
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.buckets.values().flatten().map(|(_, value)| value)
    }

    /// The fields that tell a track's lines apart.
    fn hash(
        &self,
        month: Month,
        service: &str,
        territory: Territory,
        isrc: &str,
        reported_isrc: &str,
        reported_upc: &str,
    ) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = self.hasher.build_hasher();
        month.hash(&mut hasher);
        service.hash(&mut hasher);
        territory.hash(&mut hasher);
        isrc.hash(&mut hasher);
        reported_isrc.hash(&mut hasher);
        reported_upc.hash(&mut hasher);
        hasher.finish()
    }
}

/// The sums of the lines under one key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RollupSums {
    pub lines: u64,
    pub units: i64,
    pub net: Decimal,
    /// The gross amount, or the net one where the source gives no gross.
    pub gross: Decimal,
}

impl RollupSums {
    fn absorb(&mut self, other: &RollupSums) {
        self.lines += other.lines;
        self.units += other.units;
        self.net += other.net;
        self.gross += other.gross;
    }

    fn add(&mut self, line: &SaleLine) {
        self.lines += 1;
        self.units += line.units;
        self.net += line.net;
        self.gross += line.gross.unwrap_or(line.net);
    }
}

/// Folds lines into a roll-up while they are read, on the import's busiest thread, so a line
/// whose key was seen before must cost little: its fields are hashed where they lie (no
/// formatting, no allocation) and compared with the stored key; only a new key is copied, its
/// text appended to one buffer the builder holds (no allocation per key). A line with the key of
/// the line before (lines of one key often come in a row) is not even hashed.
///
/// Memory grows with the number of distinct keys, not lines; past [`MAXIMUM_KEYS`] the builder
/// gives up (and writes nothing), so an import's memory stays bounded whatever the file, and the
/// first run builds the roll-up from the lake instead.
#[derive(Debug, Default)]
pub struct RollupBuilder {
    /// A key hash → the index in `keys` of the latest key with that hash; the others with that
    /// hash (almost never any) are chained through [`StoredKey::next`].
    table: HashMap<u64, usize, BuildHasherDefault<PassThrough>>,
    keys: Vec<StoredKey>,
    /// The text fields of every key, one after the other (see [`StoredKey::start`]).
    text: String,
    /// The index of the key the last line was added to.
    last: usize,
    limit: usize,
    lines: u64,
    gave_up: bool,
}

/// Distinct keys a [`RollupBuilder`] holds at most (a few hundred bytes each).
pub const MAXIMUM_KEYS: usize = 300_000;

/// No next key in a chain.
const NONE: usize = usize::MAX;
/// The text fields of a key, in this order: service, ISRC, UPC, catalog number, proprietary id,
/// ISRC and UPC as reported (a missing validated code is empty text).
const TEXT_FIELDS: usize = 7;

/// The fields of a key that are not text, ordered so that keys that differ mostly differ early.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Scalars {
    territory: Territory,
    tier: Tier,
    usage: UsageType,
    sale_month: Month,
    reporting_month: Option<Month>,
    currency: Currency,
    original_currency: Option<Currency>,
    fx_rate: Option<Decimal>,
    has_isrc: bool,
    has_upc: bool,
}

impl Scalars {
    fn of(line: &SaleLine) -> Scalars {
        Scalars {
            territory: line.territory,
            tier: line.tier,
            usage: line.usage,
            sale_month: line.sale_start.month(),
            reporting_month: line.reporting_month,
            currency: line.currency,
            original_currency: line.original_currency,
            fx_rate: line.fx_rate,
            has_isrc: line.isrc.is_some(),
            has_upc: line.upc.is_some(),
        }
    }
}

fn text_fields(line: &SaleLine) -> [&str; TEXT_FIELDS] {
    [
        &line.service,
        line.isrc.as_ref().map_or("", Isrc::as_str),
        line.upc.as_ref().map_or("", Icpn::as_str),
        &line.catalog_number,
        &line.proprietary_id,
        &line.reported_isrc,
        &line.reported_upc,
    ]
}

/// A key a builder holds, with its sums.
#[derive(Debug)]
struct StoredKey {
    hash: u64,
    /// The previous key with the same hash, or [`NONE`].
    next: usize,
    sums: RollupSums,
    scalars: Scalars,
    /// Where the key's text fields start in the builder's text, and their lengths.
    start: usize,
    lengths: [usize; TEXT_FIELDS],
}

impl StoredKey {
    /// The key of `line`, its text appended to `text`.
    fn new(line: &SaleLine, scalars: Scalars, hash: u64, next: usize, text: &mut String) -> StoredKey {
        let start = text.len();
        let mut lengths = [0; TEXT_FIELDS];
        for (length, field) in lengths.iter_mut().zip(text_fields(line)) {
            text.push_str(field);
            *length = field.len();
        }
        let mut sums = RollupSums::default();
        sums.add(line);
        StoredKey {
            hash,
            next,
            sums,
            scalars,
            start,
            lengths,
        }
    }

    fn text_length(&self) -> usize {
        self.lengths.iter().sum()
    }

    /// Whether `line` (whose scalars are `scalars`) has this key.
    fn matches(&self, scalars: &Scalars, line: &SaleLine, text: &str) -> bool {
        if self.scalars != *scalars {
            return false;
        }
        let fields = text_fields(line);
        if fields
            .iter()
            .zip(&self.lengths)
            .any(|(field, length)| field.len() != *length)
        {
            return false;
        }
        let mut at = self.start;
        fields.iter().all(|field| {
            let stored = &text[at..at + field.len()];
            at += field.len();
            same(stored, field)
        })
    }

    /// The text fields, in [`TEXT_FIELDS`] order.
    fn fields<'t>(&self, text: &'t str) -> [&'t str; TEXT_FIELDS] {
        let mut at = self.start;
        self.lengths.map(|length| {
            let field = &text[at..at + length];
            at += length;
            field
        })
    }
}

impl RollupBuilder {
    pub fn new() -> RollupBuilder {
        RollupBuilder::with_limit(MAXIMUM_KEYS)
    }

    /// A builder that gives up past `limit` distinct keys.
    pub fn with_limit(limit: usize) -> RollupBuilder {
        RollupBuilder {
            limit,
            ..RollupBuilder::default()
        }
    }

    /// Whether it gave up (too many distinct keys).
    pub fn gave_up(&self) -> bool {
        self.gave_up
    }

    pub fn add(&mut self, line: &SaleLine) {
        self.lines += 1;
        if self.gave_up {
            return;
        }
        let scalars = Scalars::of(line);
        if let Some(key) = self.keys.get_mut(self.last) {
            if key.matches(&scalars, line, &self.text) {
                key.sums.add(line);
                return;
            }
        }
        let hash = key_hash(line);
        let next = match self.table.entry(hash) {
            MapEntry::Occupied(mut slot) => {
                let mut cursor = *slot.get();
                while cursor != NONE {
                    let key = &mut self.keys[cursor];
                    if key.matches(&scalars, line, &self.text) {
                        key.sums.add(line);
                        self.last = cursor;
                        return;
                    }
                    cursor = key.next;
                }
                slot.insert(self.keys.len())
            }
            MapEntry::Vacant(slot) => {
                slot.insert(self.keys.len());
                NONE
            }
        };
        self.last = self.keys.len();
        self.keys
            .push(StoredKey::new(line, scalars, hash, next, &mut self.text));
        if self.keys.len() > self.limit {
            self.give_up();
        }
    }

    /// Adds what another builder folded (lines read on another thread): the sums are exact, so
    /// the order lines are added in does not matter. Gives up past this builder's limit.
    pub fn absorb(&mut self, other: RollupBuilder) {
        self.lines += other.lines;
        if self.gave_up || other.gave_up {
            self.give_up();
            return;
        }
        let RollupBuilder {
            table, keys, text, ..
        } = other;
        if self.keys.is_empty() {
            // The first chunk's keys: taken as they are.
            self.table = table;
            self.keys = keys;
            self.text = text;
            self.last = 0;
        } else {
            for key in keys {
                let key_text = &text[key.start..key.start + key.text_length()];
                let next = match self.table.entry(key.hash) {
                    MapEntry::Occupied(mut slot) => {
                        let mut cursor = *slot.get();
                        let mut found = false;
                        while cursor != NONE {
                            let mine = &mut self.keys[cursor];
                            if mine.scalars == key.scalars
                                && mine.lengths == key.lengths
                                && self.text.as_bytes()[mine.start..mine.start + key_text.len()]
                                    == *key_text.as_bytes()
                            {
                                mine.sums.absorb(&key.sums);
                                found = true;
                                break;
                            }
                            cursor = mine.next;
                        }
                        if found {
                            continue;
                        }
                        slot.insert(self.keys.len())
                    }
                    MapEntry::Vacant(slot) => {
                        slot.insert(self.keys.len());
                        NONE
                    }
                };
                let start = self.text.len();
                self.text.push_str(key_text);
                self.keys.push(StoredKey { next, start, ..key });
                if self.keys.len() > self.limit {
                    break;
                }
            }
        }
        if self.keys.len() > self.limit {
            self.give_up();
        }
    }

    fn give_up(&mut self) {
        self.gave_up = true;
        self.table = HashMap::default();
        self.keys = Vec::new();
        self.text = String::new();
        self.last = 0;
    }

    /// Lines added so far.
    pub fn lines(&self) -> u64 {
        self.lines
    }

    /// The roll-up file's text: a row per key, in the byte order of the rows' key cells.
    ///
    /// The keys are sorted before anything is formatted, then formatted straight into the text
    /// (fresh memory is slow to touch: nothing is formatted twice or copied). A key's cells are
    /// its first nine (months to rate: few distinct values) then its six identifiers, and the
    /// first part of one key is never a prefix of another's (both end at their ninth tab, and
    /// cells hold no tab), so the byte order of the keys is that of (the rank of the first part
    /// among the distinct ones, the identifiers' text). Keys are compared on the rank and the
    /// identifiers' first 16 bytes, and on the rest of the identifiers only when these tie.
    fn into_text(self) -> String {
        let RollupBuilder { keys, text, .. } = self;
        // The distinct first parts, each formatted once, and ranked.
        let mut groups: HashMap<(Scalars, &str), u32, BuildHasherDefault<WordHasher>> =
            HashMap::default();
        let mut group_of = Vec::with_capacity(keys.len());
        for key in &keys {
            let scalars = Scalars {
                has_isrc: false,
                has_upc: false,
                ..key.scalars
            };
            let service = &text[key.start..key.start + key.lengths[0]];
            let next = groups.len() as u32;
            group_of.push(*groups.entry((scalars, service)).or_insert(next));
        }
        let mut firsts = String::new();
        let mut first_places = vec![(0, 0); groups.len()];
        for ((scalars, service), group) in &groups {
            let start = firsts.len();
            push_first_cells(&mut firsts, scalars, service);
            first_places[*group as usize] = (start, firsts.len());
        }
        let mut order: Vec<u32> = (0..groups.len() as u32).collect();
        order.sort_unstable_by(|left, right| {
            let (left, right) = (first_places[*left as usize], first_places[*right as usize]);
            firsts[left.0..left.1].cmp(&firsts[right.0..right.1])
        });
        let mut ranks = vec![0u32; groups.len()];
        let mut rank = 0;
        for (index, group) in order.iter().enumerate() {
            let here = first_places[*group as usize];
            if index > 0 {
                let before = first_places[order[index - 1] as usize];
                if firsts[before.0..before.1] != firsts[here.0..here.1] {
                    rank += 1;
                }
            }
            ranks[*group as usize] = rank;
        }
        drop(groups);
        let mut places: Vec<Place> = keys
            .iter()
            .zip(&group_of)
            .enumerate()
            .map(|(index, (key, group))| {
                let [_, identifiers @ ..] = key.fields(&text);
                let plain = identifiers.iter().all(|cell| !needs_escape(cell));
                let mut prefix = [0u8; 16];
                for (byte, formatted) in prefix.iter_mut().zip(Formatted::new(identifiers)) {
                    *byte = formatted;
                }
                Place {
                    rank: ranks[*group as usize],
                    plain,
                    key: index as u32,
                    prefix: u128::from_be_bytes(prefix),
                }
            })
            .collect();
        places.sort_unstable_by(|left, right| {
            (left.rank, left.prefix)
                .cmp(&(right.rank, right.prefix))
                .then_with(|| {
                    let [_, left_cells @ ..] = keys[left.key as usize].fields(&text);
                    let [_, right_cells @ ..] = keys[right.key as usize].fields(&text);
                    if left.plain && right.plain {
                        compare_plain(left_cells, right_cells)
                    } else {
                        Formatted::new(left_cells).cmp(Formatted::new(right_cells))
                    }
                })
        });
        let mut out = String::with_capacity(
            HEADER.len() + 1 + keys.len() * (firsts.len() / first_places.len().max(1) + 120) + 2 * text.len(),
        );
        out.push_str(HEADER);
        out.push('\n');
        for place in &places {
            let key = &keys[place.key as usize];
            let (start, end) = first_places[group_of[place.key as usize] as usize];
            out.push_str(&firsts[start..end]);
            let [_, identifiers @ ..] = key.fields(&text);
            for (index, value) in identifiers.into_iter().enumerate() {
                if index > 0 {
                    out.push('\t');
                }
                push_escaped(&mut out, value);
            }
            out.push('\t');
            push_u64(&mut out, key.sums.lines);
            out.push('\t');
            push_i64(&mut out, key.sums.units);
            out.push('\t');
            push_decimal(&mut out, key.sums.net);
            out.push('\t');
            push_decimal(&mut out, key.sums.gross);
            out.push('\n');
        }
        out
    }

    /// Writes the roll-up of `import_key`: staged, synced, renamed into place. Writes nothing
    /// when the builder gave up (too many distinct keys).
    pub fn write(self, lake_root: &Path, import_key: &str) -> Result<(), LakeError> {
        crate::layout::check_import_key(lake_root, import_key)?;
        if self.gave_up {
            return Ok(());
        }
        write_text(lake_root, import_key, &self.into_text())
    }
}

fn write_text(lake_root: &Path, import_key: &str, text: &str) -> Result<(), LakeError> {
    let target = path(lake_root, import_key);
    let folder = lake_root.join(FOLDER);
    fs::create_dir_all(&folder).map_err(LakeError::io("create folder", &folder))?;
    // Unique per process and per write: two threads of one process (the server) may write the
    // roll-up of one report at the same moment.
    static WRITES: AtomicU64 = AtomicU64::new(0);
    let write = WRITES.fetch_add(1, Ordering::Relaxed);
    let staged = folder.join(format!(".{import_key}.{}-{write}.tmp", std::process::id()));
    let mut file = fs::File::create(&staged).map_err(LakeError::io("create", &staged))?;
    file.write_all(text.as_bytes())
        .map_err(LakeError::io("write", &staged))?;
    file.sync_all().map_err(LakeError::io("fsync", &staged))?;
    fs::rename(&staged, &target).map_err(LakeError::io("rename", &staged))?;
    Ok(())
}

/// A multiply-rotate hash of the key fields (the FxHash scheme, on two lanes so that they run
/// side by side): fast, and collisions only cost a comparison, since keys with equal hashes are
/// compared field by field. Text is read a word at a time (the first and last words of short
/// text, overlapping), and the lengths of the text fields are mixed in once, together.
fn key_hash(line: &SaleLine) -> u64 {
    const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    fn mix(hash: &mut u64, word: u64) {
        *hash = (hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
    fn word(bytes: &[u8], at: usize) -> u64 {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(&bytes[at..at + 8]);
        u64::from_le_bytes(eight)
    }
    fn text(hash: &mut u64, bytes: &[u8]) {
        let length = bytes.len();
        match length {
            0 => {}
            1..=3 => mix(
                hash,
                u64::from(bytes[0])
                    | u64::from(bytes[length / 2]) << 8
                    | u64::from(bytes[length - 1]) << 16,
            ),
            4..=8 => {
                let half = |at: usize| {
                    u64::from(u32::from_le_bytes([
                        bytes[at],
                        bytes[at + 1],
                        bytes[at + 2],
                        bytes[at + 3],
                    ]))
                };
                mix(hash, half(0) | half(length - 4) << 32);
            }
            _ => {
                let mut at = 0;
                while at + 8 < length {
                    mix(hash, word(bytes, at));
                    at += 8;
                }
                mix(hash, word(bytes, length - 8));
            }
        }
    }
    let fields = text_fields(line);
    let (mut first, mut second) = (0u64, 0u64);
    for field in &fields[..3] {
        text(&mut first, field.as_bytes());
    }
    for field in &fields[3..] {
        text(&mut second, field.as_bytes());
    }
    let mut lengths = 0u64;
    for field in fields {
        lengths = lengths.rotate_left(9) ^ field.len() as u64;
    }
    mix(&mut first, lengths);
    let code = |text: &str| {
        text.bytes()
            .fold(0u64, |word, byte| word << 8 | u64::from(byte))
    };
    mix(
        &mut first,
        code(line.territory.alpha2())
            | code(line.currency.code()) << 16
            | line.original_currency.map_or(0, |currency| code(currency.code())) << 40,
    );
    mix(
        &mut second,
        u64::from(line.sale_start.month().index() as u32)
            ^ u64::from(line.reporting_month.map_or(u32::MAX, |month| month.index() as u32)) << 24
            ^ (line.usage as u64) << 56
            ^ (line.tier as u64) << 60,
    );
    let rate = line.fx_rate.map_or(0, |rate| rate.scaled());
    mix(&mut second, rate as u64 ^ ((rate >> 64) as u64).rotate_left(32));
    // The map places a key by the hash's low bits: fold the well-mixed high bits into them.
    let hash = (first ^ second.rotate_left(32)).wrapping_mul(SEED);
    #[cfg(test)]
    if COARSE_HASH.with(std::cell::Cell::get) {
        return hash & 7;
    }
    hash ^ hash >> 32
}

#[cfg(test)]
thread_local! {
    /// Makes keys share hashes, to test the chains of keys with equal hashes.
    static COARSE_HASH: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// A hasher for keys that are hashes already.
#[derive(Debug, Default)]
struct PassThrough(u64);

impl std::hash::Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*byte);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

/// The first nine key cells (months to rate) of a key, each followed by a tab, as the roll-up
/// file writes them; the six identifiers follow.
fn push_first_cells(out: &mut String, scalars: &Scalars, service: &str) {
    push_month(out, scalars.sale_month);
    out.push('\t');
    if let Some(month) = scalars.reporting_month {
        push_month(out, month);
    }
    out.push('\t');
    push_escaped(out, service);
    out.push('\t');
    out.push_str(scalars.territory.alpha2());
    out.push('\t');
    out.push_str(scalars.usage.name());
    out.push('\t');
    out.push_str(scalars.tier.name());
    out.push('\t');
    out.push_str(scalars.currency.code());
    out.push('\t');
    if let Some(currency) = scalars.original_currency {
        out.push_str(currency.code());
    }
    out.push('\t');
    if let Some(rate) = scalars.fx_rate {
        push_decimal(out, rate);
    }
    out.push('\t');
}

/// Where a key goes in [`RollupBuilder::into_text`]'s sort, and what it is sorted by.
struct Place {
    /// The rank of the key's first nine cells among the distinct ones.
    rank: u32,
    /// Whether no identifier needs an escape.
    plain: bool,
    /// The key's index.
    key: u32,
    /// The first 16 bytes of the formatted identifiers (zeros after their end), big-endian.
    prefix: u128,
}

fn needs_escape(text: &str) -> bool {
    text.bytes()
        .any(|byte| matches!(byte, b'\\' | b'\t' | b'\n' | b'\r'))
}

/// The bytes of cells as the roll-up file writes them: escaped, separated by tabs.
struct Formatted<'t, const CELLS: usize> {
    cells: [&'t str; CELLS],
    cell: usize,
    at: usize,
    pending: Option<u8>,
}

impl<'t, const CELLS: usize> Formatted<'t, CELLS> {
    fn new(cells: [&'t str; CELLS]) -> Self {
        Formatted {
            cells,
            cell: 0,
            at: 0,
            pending: None,
        }
    }
}

impl<const CELLS: usize> Iterator for Formatted<'_, CELLS> {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        if let Some(byte) = self.pending.take() {
            return Some(byte);
        }
        let cell = self.cells.get(self.cell)?.as_bytes();
        if let Some(&byte) = cell.get(self.at) {
            self.at += 1;
            let escaped = match byte {
                b'\\' => b'\\',
                b'\t' => b't',
                b'\n' => b'n',
                b'\r' => b'r',
                other => return Some(other),
            };
            self.pending = Some(escaped);
            return Some(b'\\');
        }
        self.cell += 1;
        self.at = 0;
        (self.cell < CELLS).then_some(b'\t')
    }
}

/// The byte order of the formatted cells, for cells that need no escape: they are written as
/// they are, separated by tabs.
fn compare_plain<const CELLS: usize>(
    left: [&str; CELLS],
    right: [&str; CELLS],
) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    for (index, (left, right)) in left.iter().zip(&right).enumerate() {
        let (left, right) = (left.as_bytes(), right.as_bytes());
        if left == right {
            continue;
        }
        let common = left.len().min(right.len());
        match left[..common].cmp(&right[..common]) {
            Ordering::Equal => {}
            other => return other,
        }
        // One cell is the start of the other: the shorter one is followed by a tab, or ends
        // the key.
        let last = index + 1 == CELLS;
        return if left.len() < right.len() {
            if last {
                Ordering::Less
            } else {
                b'\t'.cmp(&right[common])
            }
        } else if last {
            Ordering::Greater
        } else {
            left[common].cmp(&b'\t')
        };
    }
    Ordering::Equal
}

/// The FxHash scheme on words, for text.
#[derive(Debug, Default)]
pub(crate) struct WordHasher(u64);

impl std::hash::Hasher for WordHasher {
    fn finish(&self) -> u64 {
        // The map places a key by the low bits: the well-mixed high bits moved there.
        self.0.rotate_left(26)
    }

    fn write(&mut self, bytes: &[u8]) {
        const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(SEED);
        }
        let mut word = [0u8; 8];
        word[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word) ^ bytes.len() as u64)
            .wrapping_mul(SEED);
    }
}

/// A month as its `Display` writes it (`2026-07`), without `core::fmt`.
fn push_month(out: &mut String, month: Month) {
    let (year, number) = (month.year(), month.number());
    let Ok(year) = u16::try_from(year) else {
        use std::fmt::Write as _;
        let _ = write!(out, "{month}");
        return;
    };
    if !(1000..=9999).contains(&year) || !(1..=99).contains(&number) {
        use std::fmt::Write as _;
        let _ = write!(out, "{month}");
        return;
    }
    let digit = |value: u16| char::from(b'0' + (value % 10) as u8);
    out.push(digit(year / 1000));
    out.push(digit(year / 100));
    out.push(digit(year / 10));
    out.push(digit(year));
    out.push('-');
    out.push(digit(u16::from(number) / 10));
    out.push(digit(u16::from(number)));
}

/// The decimal digits of `value`, at the end of `buffer`; returns where they start.
fn digits_u64(buffer: &mut [u8; 20], mut value: u64) -> usize {
    let mut at = buffer.len();
    loop {
        at -= 1;
        buffer[at] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            return at;
        }
    }
}

fn push_ascii(out: &mut String, bytes: &[u8]) {
    // Digits only: always UTF-8.
    if let Ok(text) = std::str::from_utf8(bytes) {
        out.push_str(text);
    }
}

/// An integer as its `Display` writes it.
fn push_u64(out: &mut String, value: u64) {
    let mut buffer = [0u8; 20];
    let start = digits_u64(&mut buffer, value);
    push_ascii(out, &buffer[start..]);
}

fn push_i64(out: &mut String, value: i64) {
    if value < 0 {
        out.push('-');
    }
    push_u64(out, value.unsigned_abs());
}

fn push_u128(out: &mut String, value: u128) {
    if let Ok(value) = u64::try_from(value) {
        return push_u64(out, value);
    }
    let mut buffer = [0u8; 40];
    let mut at = buffer.len();
    let mut value = value;
    while value != 0 {
        at -= 1;
        buffer[at] = b'0' + (value % 10) as u8;
        value /= 10;
    }
    push_ascii(out, &buffer[at..]);
}

/// A decimal as its `Display` writes it (the shortest exact form: `12.5`, `-0.000001`, `0`),
/// without `core::fmt`.
fn push_decimal(out: &mut String, value: Decimal) {
    const SCALE: u64 = 10u64.pow(ledgerline_money::SCALE_DIGITS);
    let scaled = value.scaled();
    if scaled < 0 {
        out.push('-');
    }
    let magnitude = scaled.unsigned_abs();
    let (integer, mut fraction) = match u64::try_from(magnitude) {
        Ok(magnitude) => (u128::from(magnitude / SCALE), magnitude % SCALE),
        Err(_) => (
            magnitude / u128::from(SCALE),
            (magnitude % u128::from(SCALE)) as u64,
        ),
    };
    push_u128(out, integer);
    if fraction == 0 {
        return;
    }
    let mut digits = ledgerline_money::SCALE_DIGITS as usize;
    while fraction % 10 == 0 {
        fraction /= 10;
        digits -= 1;
    }
    out.push('.');
    let mut buffer = [0u8; 20];
    let start = digits_u64(&mut buffer, fraction);
    for _ in buffer.len() - start..digits {
        out.push('0');
    }
    push_ascii(out, &buffer[start..]);
}

/// Tabs, newlines and backslashes in text are escaped, so every row is one line of cells.
fn push_escaped(out: &mut String, text: &str) {
    if !text
        .bytes()
        .any(|byte| matches!(byte, b'\\' | b'\t' | b'\n' | b'\r'))
    {
        out.push_str(text);
        return;
    }
    for character in text.chars() {
        match character {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            other => out.push(other),
        }
    }
}

/// The text of a cell, its escapes undone; borrowed when it has none (almost always).
fn unescaped(text: &str) -> Cow<'_, str> {
    if !text.contains('\\') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut characters = text.chars();
    while let Some(character) = characters.next() {
        if character != '\\' {
            out.push(character);
            continue;
        }
        match characters.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    Cow::Owned(out)
}

fn path(lake_root: &Path, import_key: &str) -> PathBuf {
    lake_root.join(FOLDER).join(format!("{import_key}.tsv"))
}

/// The roll-up of a published import: read from its file, or rebuilt from the lake's lines (and
/// written) when the file is missing, unreadable or does not count the import's rows.
pub fn read_rollup(
    lake_root: &Path,
    import_key: &str,
) -> Result<Vec<(RollupKey, RollupSums)>, LakeError> {
    let mut rows = Vec::new();
    for_each_rollup_row(lake_root, import_key, |row, sums| {
        rows.push((row.to_key(), *sums))
    })?;
    Ok(rows)
}

/// What [`read_rollup`] reads, row by row and without copying the text of the keys: `visit`
/// sees every row of the roll-up, in file order, once the whole file has been checked (so it
/// never sees the rows of a file that is then rebuilt).
pub fn for_each_rollup_row(
    lake_root: &Path,
    import_key: &str,
    mut visit: impl FnMut(&RollupRow<'_>, &RollupSums),
) -> Result<(), LakeError> {
    let expected_lines = crate::reader::import_row_count(lake_root, import_key)?;
    if let Ok(text) = fs::read_to_string(path(lake_root, import_key)) {
        if let Some(rows) = parse_rows(&text) {
            if rows.iter().map(|(_, sums)| sums.lines).sum::<u64>() == expected_lines {
                rows.iter().for_each(|(row, sums)| visit(row, sums));
                return Ok(());
            }
        }
    }
    // Rebuilt from the lines, whatever the number of keys: the run needs them all.
    let mut builder = RollupBuilder::with_limit(usize::MAX);
    for line in crate::reader::read_import(lake_root, import_key)? {
        builder.add(&line?);
    }
    let text = builder.into_text();
    write_text(lake_root, import_key, &text)?;
    let rows = parse_rows(&text).ok_or_else(|| LakeError::Invalid {
        path: path(lake_root, import_key),
        reason: "a rebuilt roll-up does not read back".to_string(),
    })?;
    rows.iter().for_each(|(row, sums)| visit(row, sums));
    Ok(())
}

/// A roll-up row's key as it lies in the file's text: what [`RollupKey`] holds, with the text
/// cells borrowed (unescaped only when they hold an escape).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RollupRow<'t> {
    pub sale_month: Month,
    pub reporting_month: Option<Month>,
    pub service: Cow<'t, str>,
    pub territory: Territory,
    pub usage: &'t str,
    pub tier: &'t str,
    pub currency: Currency,
    pub original_currency: Option<Currency>,
    pub fx_rate: Option<Decimal>,
    pub isrc: Cow<'t, str>,
    pub upc: Cow<'t, str>,
    pub catalog_number: Cow<'t, str>,
    pub proprietary_id: Cow<'t, str>,
    pub reported_isrc: Cow<'t, str>,
    pub reported_upc: Cow<'t, str>,
}

impl RollupRow<'_> {
    /// The key, owned.
    pub fn to_key(&self) -> RollupKey {
        RollupKey {
            sale_month: self.sale_month,
            reporting_month: self.reporting_month,
            service: self.service.to_string(),
            territory: self.territory,
            usage: self.usage.to_string(),
            tier: self.tier.to_string(),
            currency: self.currency,
            original_currency: self.original_currency,
            fx_rate: self.fx_rate,
            identifiers: Identifiers {
                isrc: self.isrc.to_string(),
                upc: self.upc.to_string(),
                catalog_number: self.catalog_number.to_string(),
                proprietary_id: self.proprietary_id.to_string(),
                reported_isrc: self.reported_isrc.to_string(),
                reported_upc: self.reported_upc.to_string(),
            },
        }
    }
}

/// The last cell read and what it parsed to: rows are sorted, so neighbours mostly repeat
/// their months, territory, currencies and rate, and each is parsed once per run of equal cells.
struct Last<'t, T> {
    cell: Option<&'t str>,
    value: Option<T>,
}

impl<'t, T: Copy> Last<'t, T> {
    fn new() -> Self {
        Last {
            cell: None,
            value: None,
        }
    }

    fn parse(&mut self, cell: &'t str, parse: impl FnOnce(&str) -> Option<T>) -> Option<T> {
        if self.cell != Some(cell) {
            self.value = parse(cell);
            self.cell = Some(cell);
        }
        self.value
    }
}

/// Reads a roll-up file's rows, borrowing their text; `None` when any part of it is not what
/// [`RollupBuilder::write`] writes.
fn parse_rows(text: &str) -> Option<Vec<(RollupRow<'_>, RollupSums)>> {
    let mut lines = text.lines();
    if lines.next()? != HEADER {
        return None;
    }
    let optional_month = |cell: &str| {
        if cell.is_empty() {
            Some(None)
        } else {
            Month::parse(cell).ok().map(Some)
        }
    };
    let optional_currency = |cell: &str| {
        if cell.is_empty() {
            Some(None)
        } else {
            Currency::parse(cell).ok().map(Some)
        }
    };
    let optional_rate = |cell: &str| {
        if cell.is_empty() {
            Some(None)
        } else {
            Decimal::parse(cell).ok().map(Some)
        }
    };
    let mut sale_months = Last::new();
    let mut reporting_months = Last::new();
    let mut territories = Last::new();
    let mut currencies = Last::new();
    let mut originals = Last::new();
    let mut rates = Last::new();
    let mut rows = Vec::with_capacity(text.len() / 150);
    for line in lines {
        let mut cells = [""; KEY_CELLS + 4];
        let mut found = 0;
        let mut start = 0;
        for (index, byte) in line.bytes().enumerate() {
            if byte == b'\t' {
                *cells.get_mut(found)? = &line[start..index];
                found += 1;
                start = index + 1;
            }
        }
        *cells.get_mut(found)? = &line[start..];
        if found + 1 != cells.len() {
            return None;
        }
        let [sale, reporting, service, territory, usage, tier, currency, original, rate, isrc, upc, catalog, proprietary, reported_isrc, reported_upc, count, units, net, gross] =
            cells;
        let row = RollupRow {
            sale_month: sale_months.parse(sale, |cell| Month::parse(cell).ok())?,
            reporting_month: reporting_months.parse(reporting, optional_month)?,
            service: unescaped(service),
            territory: territories.parse(territory, |cell| Territory::parse(cell).ok())?,
            usage,
            tier,
            currency: currencies.parse(currency, |cell| Currency::parse(cell).ok())?,
            original_currency: originals.parse(original, optional_currency)?,
            fx_rate: rates.parse(rate, optional_rate)?,
            isrc: unescaped(isrc),
            upc: unescaped(upc),
            catalog_number: unescaped(catalog),
            proprietary_id: unescaped(proprietary),
            reported_isrc: unescaped(reported_isrc),
            reported_upc: unescaped(reported_upc),
        };
        let sums = RollupSums {
            lines: count.parse().ok()?,
            units: units.parse().ok()?,
            net: Decimal::parse(net).ok()?,
            gross: Decimal::parse(gross).ok()?,
        };
        rows.push((row, sums));
    }
    Some(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ledgerline_model::Date;

    /// The former `key_cells`, kept as the reference for the file's text.
    fn reference_key_cells(out: &mut String, line: &SaleLine) {
        use std::fmt::Write as _;
        let _ = write!(out, "{}\t", line.sale_start.month());
        if let Some(month) = line.reporting_month {
            let _ = write!(out, "{month}");
        }
        out.push('\t');
        push_escaped(out, &line.service);
        out.push('\t');
        out.push_str(line.territory.alpha2());
        out.push('\t');
        out.push_str(line.usage.name());
        out.push('\t');
        out.push_str(line.tier.name());
        out.push('\t');
        out.push_str(line.currency.code());
        out.push('\t');
        if let Some(currency) = line.original_currency {
            out.push_str(currency.code());
        }
        out.push('\t');
        if let Some(rate) = line.fx_rate {
            let _ = write!(out, "{rate}");
        }
        for value in [
            line.isrc.as_ref().map_or("", |isrc| isrc.as_str()),
            line.upc.as_ref().map_or("", |upc| upc.as_str()),
            &line.catalog_number,
            &line.proprietary_id,
            &line.reported_isrc,
            &line.reported_upc,
        ] {
            out.push('\t');
            push_escaped(out, value);
        }
    }

    /// The former `into_text`, on lines grouped by their key text (the former builder grouped
    /// them field by field, which is the same grouping).
    fn reference_text(lines: &[SaleLine]) -> String {
        let mut sums: HashMap<String, RollupSums> = HashMap::new();
        for line in lines {
            let mut key = String::new();
            reference_key_cells(&mut key, line);
            sums.entry(key).or_default().add(line);
        }
        let mut rows: Vec<(String, RollupSums)> = sums.into_iter().collect();
        rows.sort_unstable_by(|left, right| left.0.cmp(&right.0));
        let mut text = String::with_capacity(rows.len() * 160);
        text.push_str(HEADER);
        text.push('\n');
        for (key, sums) in &rows {
            use std::fmt::Write as _;
            let _ = writeln!(
                text,
                "{key}\t{}\t{}\t{}\t{}",
                sums.lines, sums.units, sums.net, sums.gross
            );
        }
        text
    }

    /// A small deterministic pseudo-random sequence.
    struct Sequence(u64);

    impl Sequence {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            self.0 >> 33
        }

        fn pick<T: Copy>(&mut self, values: &[T]) -> T {
            values[self.next() as usize % values.len()]
        }
    }

    /// Lines that vary every key field, with repeats, odd text and extreme amounts.
    fn varied_lines(count: usize, seed: u64) -> Vec<SaleLine> {
        let mut random = Sequence(seed);
        let services = [
            "Spotify",
            "Spotify ",
            "",
            "Apple\tMusic",
            "Apple Music",
            "Back\\slash",
            "Line\nbreak\r",
            "Ánghami",
            "東京 Music 🎵",
            "a",
            "ab",
            "abc",
            "Amazon Music Unlimited (Family)",
            "\u{1}control",
        ];
        let territories = ["DE", "FR", "US", "WW", "JP", "GB"];
        let isrcs = ["USRC17600001", "QZABC2600001", "QZABC2600002", "GBAYE0601498"];
        let upcs = ["0880000000008", "4006381333931", "0724384960650"];
        let texts = ["", "LBL-001", "lbl-001", "x", "\\", "tab\there", "spotify:track:4uLU6hMCjMI75M1A2tKUQC", "ü", "x\u{1}", "x\u{8}y", "xy", "LBL-001\r\n"];
        let rates = [None, Some(1), Some(87_654_321_098), Some(1_000_000_000_000), Some(123_456_789_012_345)];
        let amounts: [i128; 10] = [
            0,
            1,
            -1,
            999_999_999_999,
            -1_000_000_000_000,
            3_586_419_752_308,
            -12_500_000_000_000,
            1_000_000_000_000_000_000_999_999_999_999,
            -7,
            450_000,
        ];
        let mut lines = Vec::with_capacity(count);
        for number in 0..count {
            let month = Month::new(random.pick(&[1900, 2025, 2026, 2999]), random.pick(&[1u8, 7, 10, 12])).unwrap();
            let day = Date::new(month.year(), month.number(), random.pick(&[1u8, 15, 28])).unwrap();
            let (some_isrc, some_upc) = (random.pick(&isrcs), random.pick(&upcs));
            let isrc = random.pick(&[None, Some(some_isrc)]);
            let upc = random.pick(&[None, Some(some_upc)]);
            let net = Decimal::from_scaled(random.pick(&amounts) * if random.next().is_multiple_of(2) { 1 } else { -1 });
            let other_amount = Decimal::from_scaled(random.pick(&amounts));
            lines.push(SaleLine {
                line_number: number as u64 + 1,
                sale_start: day,
                sale_end: day,
                reporting_month: random.pick(&[None, Some(month), Month::new(2026, 8).ok()]),
                service: random.pick(&services).to_string(),
                territory: Territory::parse(random.pick(&territories)).unwrap(),
                usage: random.pick(&[UsageType::Stream, UsageType::Download, UsageType::Ugc]),
                tier: random.pick(&[Tier::Premium, Tier::AdSupported, Tier::Other]),
                reported_upc: random.pick(&texts).to_string(),
                reported_isrc: isrc.map_or_else(|| random.pick(&texts).to_string(), str::to_string),
                upc: upc.map(|upc| Icpn::parse(upc).unwrap()),
                isrc: isrc.map(|isrc| Isrc::parse(isrc).unwrap()),
                catalog_number: random.pick(&texts).to_string(),
                proprietary_id: random.pick(&texts).to_string(),
                release_title: format!("Release {number}"),
                track_title: String::new(),
                artist: String::new(),
                units: random.pick(&[0, 1, -1, 1_000_000, -3, i64::from(u32::MAX)]),
                gross: random.pick(&[None, Some(net), Some(other_amount)]),
                net,
                currency: random.pick(&[Currency::EUR, Currency::USD, Currency::JPY]),
                original_currency: random.pick(&[None, Some(Currency::GBP), Some(Currency::USD)]),
                fx_rate: random.pick(&rates).map(Decimal::from_scaled),
            });
            // Lines of one key often come in a row.
            if random.next().is_multiple_of(4) {
                let mut again = lines[lines.len() - 1].clone();
                again.units += 1;
                again.net = Decimal::from_scaled(-77);
                lines.push(again);
            }
        }
        lines
    }

    fn text_of(lines: &[SaleLine]) -> String {
        let mut builder = RollupBuilder::with_limit(usize::MAX);
        for line in lines {
            builder.add(line);
        }
        assert_eq!(builder.lines(), lines.len() as u64);
        builder.into_text()
    }

    #[test]
    fn the_text_is_the_former_implementations() {
        for seed in [1, 2, 3] {
            let lines = varied_lines(20_000, seed);
            let text = text_of(&lines);
            assert_eq!(text, reference_text(&lines), "seed {seed}");
            assert!(text.lines().count() > 2_000, "many keys: {}", text.lines().count());
        }
        let lines = synthetic_chunk(3, 4, 2);
        assert_eq!(text_of(&lines), reference_text(&lines));
        assert_eq!(text_of(&[]), reference_text(&[]));
        // What is written reads back, row for row (amounts of at most 18 integer digits).
        let small = |amount: Decimal| amount.scaled().unsigned_abs() < 10u128.pow(24);
        let lines: Vec<SaleLine> = varied_lines(3_000, 9)
            .into_iter()
            .filter(|line| small(line.net) && line.gross.is_none_or(small))
            .collect();
        let text = text_of(&lines);
        let rows = parse_rows(&text).unwrap();
        assert_eq!(rows.len() + 1, text.lines().count());
        assert_eq!(rows.iter().map(|(_, sums)| sums.lines).sum::<u64>(), lines.len() as u64);
    }

    #[test]
    fn absorbing_parts_adds_up_to_adding_every_line() {
        let lines = varied_lines(30_000, 5);
        let whole = text_of(&lines);
        let (first, second) = lines.split_at(lines.len() / 2);
        let mut halves = RollupBuilder::with_limit(usize::MAX);
        for half in [first, second] {
            let mut part = RollupBuilder::with_limit(usize::MAX);
            for line in half {
                part.add(line);
            }
            halves.absorb(part);
        }
        assert_eq!(halves.lines(), lines.len() as u64);
        assert_eq!(halves.into_text(), whole);
        // Many parts, into a builder that has keys of its own.
        let mut parts = RollupBuilder::with_limit(usize::MAX);
        for line in &lines[..1_000] {
            parts.add(line);
        }
        for chunk in lines[1_000..].chunks(777) {
            let mut part = RollupBuilder::with_limit(usize::MAX);
            for line in chunk {
                part.add(line);
            }
            parts.absorb(part);
        }
        assert_eq!(parts.into_text(), whole);
    }

    #[test]
    fn keys_with_equal_hashes_are_kept_apart() {
        COARSE_HASH.with(|coarse| coarse.set(true));
        let lines = varied_lines(10_000, 7);
        let whole = text_of(&lines);
        let mut parts = RollupBuilder::with_limit(usize::MAX);
        for chunk in lines.chunks(1_234) {
            let mut part = RollupBuilder::with_limit(usize::MAX);
            for line in chunk {
                part.add(line);
            }
            parts.absorb(part);
        }
        COARSE_HASH.with(|coarse| coarse.set(false));
        assert_eq!(whole, reference_text(&lines));
        assert_eq!(parts.into_text(), whole);
    }

    #[test]
    fn the_limit_is_kept_when_absorbing() {
        let lines = varied_lines(2_000, 11);
        let keys = text_of(&lines).lines().count() - 1;
        for limit in [keys - 1, keys] {
            let mut builder = RollupBuilder::with_limit(limit);
            for chunk in lines.chunks(300) {
                let mut part = RollupBuilder::with_limit(usize::MAX);
                for line in chunk {
                    part.add(line);
                }
                builder.absorb(part);
            }
            assert_eq!(builder.gave_up(), limit < keys, "limit {limit} of {keys}");
            let mut single = RollupBuilder::with_limit(limit);
            for line in &lines {
                single.add(line);
            }
            assert_eq!(single.gave_up(), limit < keys);
            assert_eq!(single.lines(), lines.len() as u64);
        }
    }

    #[test]
    fn numbers_and_months_are_written_as_display_writes_them() {
        let mut random = Sequence(42);
        let mut scaled: Vec<i128> = vec![
            0,
            1,
            -1,
            9,
            10,
            999_999_999_999,
            1_000_000_000_000,
            -1_000_000_000_000,
            1_000_000_000_001,
            10_000_000_000_000,
            i128::from(u64::MAX),
            i128::from(u64::MAX) + 1,
            -i128::from(u64::MAX),
            -i128::from(u64::MAX) - 1,
            i128::MAX,
            i128::MIN,
            i128::MAX - 1,
            i128::MIN + 1,
        ];
        for _ in 0..200_000 {
            let wide = (i128::from(random.next()) << 96) ^ (i128::from(random.next()) << 64) ^ (i128::from(random.next()) << 32) ^ i128::from(random.next());
            let shift = random.next() % 128;
            let value = wide >> shift;
            // Values with fewer fractional digits too.
            let power = 10i128.pow((random.next() % 13) as u32);
            scaled.extend([value, value / power * power]);
        }
        let mut out = String::new();
        for value in scaled {
            let decimal = Decimal::from_scaled(value);
            out.clear();
            push_decimal(&mut out, decimal);
            assert_eq!(out, decimal.to_string(), "{value}");
        }
        let mut integers: Vec<i64> = vec![0, 1, -1, 9, 10, -10, i64::MAX, i64::MIN, i64::MIN + 1];
        for _ in 0..100_000 {
            let value = ((random.next() << 32) ^ random.next()) as i64 >> (random.next() % 64);
            integers.extend([value, -value]);
        }
        for value in integers {
            out.clear();
            push_i64(&mut out, value);
            assert_eq!(out, value.to_string());
            out.clear();
            push_u64(&mut out, value as u64);
            assert_eq!(out, (value as u64).to_string());
        }
        for value in [0, u64::MAX, u64::MAX - 1, 1 << 63] {
            out.clear();
            push_u64(&mut out, value);
            assert_eq!(out, value.to_string());
        }
        for value in [0, u128::MAX, u128::from(u64::MAX) + 1, 10u128.pow(20), 10u128.pow(20) - 1] {
            out.clear();
            push_u128(&mut out, value);
            assert_eq!(out, value.to_string());
        }
        let mut month = Month::new(1900, 1).unwrap();
        loop {
            out.clear();
            push_month(&mut out, month);
            assert_eq!(out, month.to_string());
            match month.next() {
                Some(next) => month = next,
                None => break,
            }
        }
        assert_eq!(month, Month::new(2999, 12).unwrap());
    }

    const SERVICES: [&str; 5] = ["Spotify", "Apple Music", "YouTube Music", "Ánghami", "Amazon Music Unlimited"];
    const TERRITORIES: [&str; 10] = ["DE", "FR", "US", "GB", "SE", "JP", "BR", "WW", "NO", "CA"];

    /// A plausible line: `track` of 500, a day of the month, a territory, a tier.
    fn synthetic_line(service: usize, day: u32, track: u64, territory: usize, tier: usize, copy: u64) -> SaleLine {
        let isrc = format!("QZABC26{:05}", track);
        let release = track / 10;
        let territory_code = TERRITORIES[territory];
        let (currency, original_currency, fx_rate) = match territory_code {
            "US" => (Currency::EUR, Some(Currency::USD), Some(Decimal::from_scaled(921_345_678_901))),
            "JP" => (Currency::EUR, Some(Currency::JPY), Some(Decimal::from_scaled(6_123_456_789))),
            "GB" => (Currency::GBP, None, None),
            _ => (Currency::EUR, None, None),
        };
        let units = ((track * 7 + u64::from(day) * 13 + copy) % 97) as i64 - 3;
        let net = Decimal::from_scaled(i128::from(units) * 3_456_789_012 + i128::from(day) * 17);
        SaleLine {
            line_number: u64::from(day) * 100_000 + track,
            sale_start: Date::new(2026, 7, (day % 31 + 1) as u8).unwrap(),
            sale_end: Date::new(2026, 7, (day % 31 + 1) as u8).unwrap(),
            reporting_month: Some(Month::new(2026, 8).unwrap()),
            service: SERVICES[service].to_string(),
            territory: Territory::parse(territory_code).unwrap(),
            usage: if track.is_multiple_of(11) { UsageType::Download } else { UsageType::Stream },
            tier: if tier == 0 { Tier::Premium } else { Tier::AdSupported },
            reported_upc: format!("0880000{release:05}0"),
            reported_isrc: isrc.clone(),
            upc: Icpn::parse(&format!("0880000{release:05}0")).ok(),
            isrc: Some(Isrc::parse(&isrc).unwrap()),
            catalog_number: format!("LBL-{release:04}"),
            proprietary_id: format!("{}:track:{track:08}", SERVICES[service].to_lowercase()),
            release_title: format!("Release number {release}"),
            track_title: format!("A track title of average length {track}"),
            artist: format!("Artist {}", track % 100),
            units,
            gross: if service == 2 { None } else { Some(net + Decimal::from_scaled(1_000_000_000)) },
            net,
            currency,
            original_currency,
            fx_rate,
        }
    }

    /// One (service, day) report chunk: 500 tracks × 10 territories × 2 tiers, a track's lines
    /// together; `repeat` lines per key in a row.
    fn synthetic_chunk(service: usize, day: u32, repeat: u64) -> Vec<SaleLine> {
        let mut lines = Vec::with_capacity(10_000 * repeat as usize);
        for track in 0..500 {
            for territory in 0..TERRITORIES.len() {
                for tier in 0..2 {
                    for copy in 0..repeat {
                        lines.push(synthetic_line(service, day, track, territory, tier, copy));
                    }
                }
            }
        }
        lines
    }

    fn median(mut values: Vec<f64>) -> f64 {
        values.sort_by(|a, b| a.total_cmp(b));
        values[values.len() / 2]
    }

    /// `cargo test --release -p ledgerline-lake --lib -- --ignored --nocapture rollup_speed`
    #[test]
    #[ignore]
    fn rollup_speed() {
        use std::time::{Duration, Instant};
        for (label, days, repeat) in [("distinct neighbours", 60u32, 1u64), ("pairs of equal keys", 30, 2)] {
            let (mut single, mut chunked, mut text_ms) = (Vec::new(), Vec::new(), Vec::new());
            let mut size = 0;
            for _ in 0..3 {
                let mut builder = RollupBuilder::with_limit(usize::MAX);
                let mut merged = RollupBuilder::with_limit(usize::MAX);
                let (mut add_time, mut chunk_time) = (Duration::ZERO, Duration::ZERO);
                let mut lines_added = 0u64;
                for service in 0..SERVICES.len() {
                    for day in 0..days {
                        let lines = synthetic_chunk(service, day, repeat);
                        lines_added += lines.len() as u64;
                        let start = Instant::now();
                        for line in &lines {
                            builder.add(line);
                        }
                        add_time += start.elapsed();
                        // As an import's reading threads: a builder per chunk (~2 MiB of text,
                        // ~10,000 lines), absorbed into the import's.
                        let start = Instant::now();
                        let mut chunk = RollupBuilder::with_limit(usize::MAX);
                        for line in &lines {
                            chunk.add(line);
                        }
                        merged.absorb(chunk);
                        chunk_time += start.elapsed();
                    }
                }
                assert_eq!(builder.lines(), lines_added);
                single.push(add_time.as_nanos() as f64 / lines_added as f64);
                chunked.push(chunk_time.as_nanos() as f64 / lines_added as f64);
                let start = Instant::now();
                let text = builder.into_text();
                text_ms.push(start.elapsed().as_secs_f64() * 1e3);
                assert_eq!(text, merged.into_text());
                size = text.lines().count() - 1;
                println!(
                    "{label}: {lines_added} lines, {size} keys: add {:.1} ns/line, chunked add+absorb {:.1} ns/line, into_text {:.2} ms",
                    single.last().unwrap(), chunked.last().unwrap(), text_ms.last().unwrap()
                );
            }
            println!(
                "MEDIAN {label} ({size} keys): add {:.1} ns/line, chunked add+absorb {:.1} ns/line, into_text {:.2} ms",
                median(single), median(chunked), median(text_ms)
            );
        }
        // into_text alone, on 50,000 keys (a line each), 7 times.
        let lines: Vec<SaleLine> = (0..SERVICES.len())
            .flat_map(|service| synthetic_chunk(service, 5, 1))
            .collect();
        let mut text_ms = Vec::new();
        for _ in 0..7 {
            let mut builder = RollupBuilder::with_limit(usize::MAX);
            for line in &lines {
                builder.add(line);
            }
            let start = Instant::now();
            let text = builder.into_text();
            text_ms.push(start.elapsed().as_secs_f64() * 1e3);
            assert_eq!(text.lines().count(), 50_001);
        }
        println!("MEDIAN into_text of 50000 keys, 7 times: {:.2} ms ({text_ms:.2?})", median(text_ms.clone()));
    }
}
