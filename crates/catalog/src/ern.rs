//! DDEX ERN `NewReleaseMessage` (3.8.2 and 4.1 to 4.3), read as a stream of XML events.
//!
//! Elements are matched by local name, whatever their namespace prefix, so the same code reads
//! every version; where the versions put a field in different places, each place is listed
//! (see `docs/catalog.md` and FORMATS.md §2). The reader walks the document once, collecting the
//! parties, sound recordings and releases it meets, and resolves the references between them
//! (party references, release resource references) at the end, because ERN does not promise
//! that a referenced element comes first.
//!
//! What becomes what:
//! - every `SoundRecording` with an ISRC is a [`Track`];
//! - every `Release` that is not a track release is a [`Release`], its tracklist taken from
//!   `ResourceGroup/ResourceGroupContentItem` (disc = the group's `SequenceNumber`);
//! - `TrackRelease` (4.x) and releases of type `TrackRelease` (3.8) are the products DSPs use
//!   for per-track sales: their ids (`ProprietaryId`, `GRid`, `ICPN`) become aliases of the
//!   track they carry;
//! - proprietary ids of releases and sound recordings become aliases.

use std::collections::HashMap;

use ledgerline_model::{Date, Icpn, Isrc};
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use crate::catalog::{differing_fields, Alias, AliasName, AliasTarget, Catalog, Release, ReleaseKey, Track, TracklistEntry};
use crate::problem::{Location, ProblemList};

/// The alias namespace of GRids (Global Release Identifiers).
pub const GRID_NAMESPACE: &str = "GRid";
/// The alias namespace of product codes carried by track releases.
pub const ICPN_NAMESPACE: &str = "ICPN";

/// What an ERN file gave: its catalog, its version as the namespace says it (`4.3`, `3.8.2`),
/// and notes about data that was deliberately left out.
pub(crate) struct ErnContent {
    pub catalog: Catalog,
    pub version: String,
    pub warnings: Vec<String>,
}

/// Where a value was in the document: its element path and the byte offset of its start tag.
#[derive(Clone, Debug, Default)]
struct Spot {
    path: String,
    offset: u64,
}

/// A text value with where it came from, for messages about it.
#[derive(Clone, Debug, Default)]
struct Located {
    text: String,
    spot: Spot,
}

/// An open element.
struct Frame {
    name: String,
    /// Attributes by local name.
    attributes: Vec<(String, String)>,
    /// 1-based position among the same-named children of the parent.
    index: usize,
    offset: u64,
    child_counts: Vec<(String, usize)>,
}

impl Frame {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    /// `IsDefault="true"` (xs:boolean also allows `1`).
    fn is_default(&self) -> bool {
        matches!(self.attribute("IsDefault"), Some("true") | Some("1"))
    }

    fn has_language(&self) -> bool {
        self.attribute("LanguageAndScriptCode").is_some()
    }
}

fn names_are(frames: &[Frame], names: &[&str]) -> bool {
    frames.len() == names.len() && frames.iter().zip(names).all(|(frame, name)| frame.name == *name)
}

/// `names` directly inside the record, or inside one of its `…DetailsByTerritory` elements,
/// where ERN 3.8 keeps titles, artists, labels, dates and resource groups.
fn in_record_or_details(frames: &[Frame], names: &[&str]) -> bool {
    names_are(frames, names)
        || (frames.len() == names.len() + 1
            && frames[0].name.ends_with("DetailsByTerritory")
            && names_are(&frames[1..], names))
}

/// The `/NewReleaseMessage/ResourceList/SoundRecording[2]/…` path of the innermost open element.
/// An index is shown when it is above 1, and always for the children of `…List` elements, where
/// a reader expects to count.
fn path_of(stack: &[Frame]) -> String {
    let mut path = String::new();
    for (depth, frame) in stack.iter().enumerate() {
        path.push('/');
        path.push_str(&frame.name);
        let parent_is_list = depth > 0 && stack[depth - 1].name.ends_with("List");
        if frame.index > 1 || parent_is_list {
            path.push_str(&format!("[{}]", frame.index));
        }
    }
    path
}

fn spot_of(stack: &[Frame]) -> Spot {
    Spot { path: path_of(stack), offset: stack.last().map(|frame| frame.offset).unwrap_or(0) }
}

/// A name or title given possibly several times (per language, per territory).
#[derive(Clone, Debug, Default)]
struct Candidate {
    text: String,
    is_default: bool,
    has_language: bool,
}

/// The one to use: the one marked `IsDefault`, else the first without a language (the
/// message's own language), else the first.
fn preferred(candidates: &[Candidate]) -> Option<&Candidate> {
    let usable = || candidates.iter().filter(|candidate| !candidate.text.is_empty());
    usable()
        .find(|candidate| candidate.is_default)
        .or_else(|| usable().find(|candidate| !candidate.has_language))
        .or_else(|| usable().next())
}

/// Where a title came from, in order of preference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum TitleSource {
    /// 4.x `DisplayTitle`.
    Display,
    /// 3.8 `Title TitleType="DisplayTitle"` (in `…DetailsByTerritory`).
    TerritoryDisplay,
    /// 3.8 `Title` of another type (`FormalTitle`).
    TerritoryOther,
    /// 3.8 `ReferenceTitle`.
    Reference,
}

#[derive(Clone, Debug)]
struct TitleGroup {
    source: TitleSource,
    candidate: Candidate,
    subtitle: Option<String>,
}

#[derive(Clone, Debug, Default)]
struct ArtistEntry {
    sequence: Option<u32>,
    reference: Option<Located>,
    names: Vec<Candidate>,
}

/// Titles and display artists, which sound recordings and releases give the same way.
#[derive(Default)]
struct Descriptive {
    display_title_texts: Vec<Candidate>,
    titles: Vec<TitleGroup>,
    artist_names: Vec<Candidate>,
    artists: Vec<ArtistEntry>,
}

impl Descriptive {
    fn opened(&mut self, relative: &[Frame]) {
        let Some(frame) = relative.last() else {
            return;
        };
        let candidate = Candidate { text: String::new(), is_default: frame.is_default(), has_language: frame.has_language() };
        let source = if in_record_or_details(relative, &["DisplayTitle"]) {
            Some(TitleSource::Display)
        } else if in_record_or_details(relative, &["Title"]) {
            Some(if frame.attribute("TitleType") == Some("DisplayTitle") {
                TitleSource::TerritoryDisplay
            } else {
                TitleSource::TerritoryOther
            })
        } else if names_are(relative, &["ReferenceTitle"]) {
            Some(TitleSource::Reference)
        } else {
            None
        };
        if let Some(source) = source {
            self.titles.push(TitleGroup { source, candidate, subtitle: None });
        } else if in_record_or_details(relative, &["DisplayArtist"]) {
            let sequence = frame.attribute("SequenceNumber").and_then(|text| text.trim().parse().ok());
            self.artists.push(ArtistEntry { sequence, ..ArtistEntry::default() });
        }
    }

    /// Takes the element's text if it is a title or artist; says whether it was.
    fn closed(&mut self, relative: &[Frame], text: &str, spot: impl FnOnce() -> Spot) -> bool {
        let Some(frame) = relative.last() else {
            return false;
        };
        let candidate = || Candidate { text: text.to_string(), is_default: frame.is_default(), has_language: frame.has_language() };
        let in_title_group = |leaf: &str| {
            in_record_or_details(relative, &["DisplayTitle", leaf])
                || in_record_or_details(relative, &["Title", leaf])
                || names_are(relative, &["ReferenceTitle", leaf])
        };
        if in_record_or_details(relative, &["DisplayTitleText"]) {
            self.display_title_texts.push(candidate());
        } else if in_title_group("TitleText") {
            if let Some(group) = self.titles.last_mut() {
                group.candidate.text = text.to_string();
            }
        } else if in_title_group("SubTitle") {
            if let Some(group) = self.titles.last_mut() {
                if group.subtitle.is_none() && !text.is_empty() {
                    group.subtitle = Some(text.to_string());
                }
            }
        } else if in_record_or_details(relative, &["DisplayArtistName"]) {
            self.artist_names.push(candidate());
        } else if in_record_or_details(relative, &["DisplayArtist", "ArtistPartyReference"]) {
            if let Some(artist) = self.artists.last_mut() {
                artist.reference = Some(Located { text: text.to_string(), spot: spot() });
            }
        } else if in_record_or_details(relative, &["DisplayArtist", "PartyName", "FullName"]) {
            let party_name = &relative[relative.len() - 2];
            if let Some(artist) = self.artists.last_mut() {
                artist.names.push(Candidate { text: text.to_string(), is_default: false, has_language: party_name.has_language() });
            }
        } else {
            return false;
        }
        true
    }

    /// The title group to use: the best source, and within it the one marked `IsDefault`,
    /// else the first without a language, else the first.
    fn preferred_title_group(&self, sources: &[TitleSource]) -> Option<&TitleGroup> {
        for source in sources {
            let groups: Vec<&TitleGroup> =
                self.titles.iter().filter(|group| group.source == *source && !group.candidate.text.is_empty()).collect();
            let chosen = groups
                .iter()
                .find(|group| group.candidate.is_default)
                .or_else(|| groups.iter().find(|group| !group.candidate.has_language))
                .or_else(|| groups.first());
            if let Some(group) = chosen {
                return Some(group);
            }
        }
        None
    }

    /// A track's title and version: a `DisplayTitle` gives both (`TitleText` and `SubTitle`);
    /// `DisplayTitleText` is a title already joined with its version, used only without one.
    fn track_title_and_version(&self) -> Option<(String, Option<String>)> {
        if let Some(group) = self.preferred_title_group(&[TitleSource::Display]) {
            return Some((group.candidate.text.clone(), group.subtitle.clone()));
        }
        if let Some(candidate) = preferred(&self.display_title_texts) {
            return Some((candidate.text.clone(), None));
        }
        self.preferred_title_group(&[TitleSource::TerritoryDisplay, TitleSource::TerritoryOther, TitleSource::Reference])
            .map(|group| (group.candidate.text.clone(), group.subtitle.clone()))
    }

    /// A release's title. Releases have no version field, so the joined `DisplayTitleText` is
    /// the best form, and `DisplayTitle`'s subtitle is left out.
    fn release_title(&self) -> Option<String> {
        if let Some(candidate) = preferred(&self.display_title_texts) {
            return Some(candidate.text.clone());
        }
        self.preferred_title_group(&[
            TitleSource::Display,
            TitleSource::TerritoryDisplay,
            TitleSource::TerritoryOther,
            TitleSource::Reference,
        ])
        .map(|group| group.candidate.text.clone())
    }

    /// The `DisplayArtist` entries in `SequenceNumber` order, each resolved to a name through
    /// the party list (4.x) or read from its own `PartyName` (3.8), joined with ", ".
    fn joined_display_artists(&self, party_names: &HashMap<String, String>, source: &Source, problems: &mut ProblemList) -> Option<String> {
        let mut artists: Vec<&ArtistEntry> = self.artists.iter().collect();
        artists.sort_by_key(|artist| artist.sequence.unwrap_or(u32::MAX));
        let mut names = Vec::new();
        for artist in artists {
            if let Some(candidate) = preferred(&artist.names) {
                names.push(candidate.text.clone());
            } else if let Some(reference) = &artist.reference {
                match party_names.get(&reference.text) {
                    Some(name) => names.push(name.clone()),
                    None => problems.push(
                        source.location(&reference.spot),
                        None,
                        format!("party reference \"{}\" is not in the PartyList", reference.text),
                    ),
                }
            }
        }
        (!names.is_empty()).then(|| names.join(", "))
    }
}

#[derive(Default)]
struct PartyBuilder {
    reference: Option<Located>,
    names: Vec<Candidate>,
}

#[derive(Default)]
struct SoundRecordingBuilder {
    spot: Spot,
    reference: Option<Located>,
    isrcs: Vec<Located>,
    proprietary_ids: Vec<(Option<String>, Located)>,
    duration: Option<Located>,
    descriptive: Descriptive,
}

/// One `ResourceGroupContentItem` once its group is closed.
#[derive(Clone, Debug)]
struct GroupItem {
    /// Which group it is in (numbering without `SequenceNumber` counts within a group).
    group_id: usize,
    /// Which `…DetailsByTerritory` it came from (0 outside one): ERN 3.8 repeats the tracklist
    /// per territory, and only the first is used.
    details_index: usize,
    disc_number: u32,
    sequence_number: Option<u32>,
    reference: Located,
}

struct OpenGroup {
    group_id: usize,
    details_index: usize,
    sequence_number: Option<u32>,
    items: Vec<(Option<u32>, Option<Located>)>,
}

#[derive(Default)]
struct ReleaseBuilder {
    spot: Spot,
    /// `TrackRelease` element (4.x).
    is_track_release_element: bool,
    release_type: Option<String>,
    icpns: Vec<Located>,
    grids: Vec<Located>,
    catalog_numbers: Vec<String>,
    proprietary_ids: Vec<(Option<String>, Located)>,
    descriptive: Descriptive,
    label_references: Vec<Located>,
    label_names: Vec<String>,
    /// (preference, date): lower is preferred.
    dates: Vec<(u8, Located)>,
    open_groups: Vec<OpenGroup>,
    groups_seen: usize,
    open_item: Option<(Option<u32>, Option<Located>)>,
    group_items: Vec<GroupItem>,
    /// 3.8 `ReleaseResourceReferenceList` and 4.x `TrackRelease/ReleaseResourceReference`.
    listed_references: Vec<Located>,
}

impl ReleaseBuilder {
    /// 4.x `TrackRelease`, or a 3.8 release of type `TrackRelease` / `VideoTrackRelease`.
    fn is_track_release(&self) -> bool {
        self.is_track_release_element || self.release_type.as_deref().is_some_and(|release_type| release_type.ends_with("TrackRelease"))
    }
}

enum Current {
    Nothing,
    Party(PartyBuilder),
    SoundRecording(Box<SoundRecordingBuilder>),
    OtherResource(Option<Located>),
    Release(Box<ReleaseBuilder>),
}

#[derive(Default)]
struct MessageBuilder {
    parties: Vec<PartyBuilder>,
    sound_recordings: Vec<SoundRecordingBuilder>,
    other_resource_references: Vec<Located>,
    releases: Vec<ReleaseBuilder>,
}

/// The document text, to turn byte offsets into line numbers for messages.
struct Source<'a> {
    text: &'a str,
}

impl Source<'_> {
    fn location(&self, spot: &Spot) -> Location {
        let end = usize::try_from(spot.offset).unwrap_or(usize::MAX).min(self.text.len());
        let line = 1 + self.text.as_bytes()[..end].iter().filter(|&&byte| byte == b'\n').count() as u64;
        Location::Xml { path: spot.path.clone(), line }
    }
}

/// The ERN version of a `http://ddex.net/xml/ern/43` namespace or an `ern/382`
/// `MessageSchemaVersionId`: `4.3`, `3.8.2`.
fn version_from_identifier(identifier: &str) -> Option<String> {
    let digits = identifier.trim().trim_end_matches('/').rsplit('/').next()?;
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    Some(digits.chars().map(String::from).collect::<Vec<_>>().join("."))
}

fn supported_version(version: &str) -> bool {
    version.starts_with("4.") || version.starts_with("3.8")
}

/// Reads an ERN message. Returns `None` when the document cannot be read at all (not XML, not a
/// `NewReleaseMessage`, an unsupported version); problems are in `problems` either way.
pub(crate) fn read_ern(text: &str, problems: &mut ProblemList) -> Option<ErnContent> {
    let source = Source { text };
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut root_seen = false;
    let mut version = None;
    let mut text_buffer = String::new();
    let mut message = MessageBuilder::default();
    let mut current = Current::Nothing;
    loop {
        let offset = reader.buffer_position();
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(error) => {
                let spot = Spot { path: path_of(&stack), offset: reader.error_position() };
                let location = if stack.is_empty() { Location::File } else { source.location(&spot) };
                problems.push(location, None, format!("the XML cannot be read: {error}"));
                return None;
            }
        };
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                let is_empty_element = matches!(event, Event::Empty(_));
                let frame = match open_frame(start, offset, &mut stack) {
                    Ok(frame) => frame,
                    Err(message_text) => {
                        problems.push(source.location(&Spot { path: path_of(&stack), offset }), None, message_text);
                        return None;
                    }
                };
                if !root_seen {
                    root_seen = true;
                    if frame.name != "NewReleaseMessage" {
                        problems.push(
                            Location::File,
                            None,
                            format!("the root element is <{}>; only an ERN NewReleaseMessage can be imported as a catalog", frame.name),
                        );
                        return None;
                    }
                    match root_version(start) {
                        Some(found) if supported_version(&found) => version = Some(found),
                        Some(found) => {
                            problems.push(
                                Location::File,
                                None,
                                format!("ERN version {found} is not supported; Ledgerline reads ERN 3.8.x and 4.x"),
                            );
                            return None;
                        }
                        None => {
                            problems.push(
                                Location::File,
                                None,
                                "the NewReleaseMessage names no ERN version (no http://ddex.net/xml/ern/… namespace and no MessageSchemaVersionId)",
                            );
                            return None;
                        }
                    }
                }
                stack.push(frame);
                text_buffer.clear();
                element_opened(&stack, &mut current);
                if is_empty_element {
                    element_closed(&stack, "", &mut current, &mut message, &source, problems);
                    stack.pop();
                }
            }
            Event::End(_) => {
                let element_text = text_buffer.trim().to_string();
                text_buffer.clear();
                element_closed(&stack, &element_text, &mut current, &mut message, &source, problems);
                stack.pop();
            }
            Event::Text(content) => match content.xml10_content() {
                Ok(decoded) => text_buffer.push_str(&decoded),
                Err(error) => {
                    problems.push(source.location(&spot_of(&stack)), None, format!("text that cannot be decoded: {error}"));
                    return None;
                }
            },
            Event::CData(content) => match content.decode() {
                Ok(decoded) => text_buffer.push_str(&decoded),
                Err(error) => {
                    problems.push(source.location(&spot_of(&stack)), None, format!("CDATA that cannot be decoded: {error}"));
                    return None;
                }
            },
            Event::GeneralRef(reference) => {
                let resolved = if reference.is_char_ref() {
                    reference.resolve_char_ref().ok().flatten().map(String::from)
                } else {
                    reference
                        .decode()
                        .ok()
                        .and_then(|name| quick_xml::escape::resolve_predefined_entity(&name).map(str::to_string))
                };
                match resolved {
                    Some(replacement) => text_buffer.push_str(&replacement),
                    None => problems.push(
                        source.location(&spot_of(&stack)),
                        None,
                        format!("unknown entity &{};", String::from_utf8_lossy(&reference)),
                    ),
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if !stack.is_empty() {
        problems.push(source.location(&spot_of(&stack)), None, "the file ends before this element is closed");
        return None;
    }
    let Some(version) = version else {
        problems.push(Location::File, None, "the file holds no XML element");
        return None;
    };
    let (catalog, warnings) = finish(message, &source, problems);
    Some(ErnContent { catalog, version, warnings })
}

fn open_frame(start: &BytesStart, offset: u64, stack: &mut [Frame]) -> Result<Frame, String> {
    let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
    let mut attributes = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|error| format!("an attribute of <{name}> cannot be read: {error}"))?;
        let key = String::from_utf8_lossy(attribute.key.local_name().as_ref()).into_owned();
        let value = attribute
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|error| format!("attribute {key} of <{name}> cannot be read: {error}"))?;
        attributes.push((key, value.into_owned()));
    }
    let index = match stack.last_mut() {
        Some(parent) => match parent.child_counts.iter_mut().find(|(child, _)| *child == name) {
            Some((_, count)) => {
                *count += 1;
                *count
            }
            None => {
                parent.child_counts.push((name.clone(), 1));
                1
            }
        },
        None => 1,
    };
    Ok(Frame { name, attributes, index, offset, child_counts: Vec::new() })
}

/// The version named by the root's ERN namespace declaration, else by its
/// `MessageSchemaVersionId`.
fn root_version(start: &BytesStart) -> Option<String> {
    let mut schema_version_id = None;
    for attribute in start.attributes().flatten() {
        let key = String::from_utf8_lossy(attribute.key.as_ref()).into_owned();
        let value = String::from_utf8_lossy(&attribute.value).into_owned();
        if (key == "xmlns" || key.starts_with("xmlns:")) && value.contains("ddex.net/xml/ern/") {
            if let Some(version) = version_from_identifier(&value) {
                return Some(version);
            }
        }
        if key == "MessageSchemaVersionId" {
            schema_version_id = version_from_identifier(&value);
        }
    }
    schema_version_id
}

/// The record an element at depth 3 starts (`/NewReleaseMessage/ResourceList/SoundRecording`).
fn element_opened(stack: &[Frame], current: &mut Current) {
    if stack.len() == 3 {
        let list = stack[1].name.as_str();
        let record = stack[2].name.as_str();
        *current = match (list, record) {
            ("PartyList", "Party") => Current::Party(PartyBuilder::default()),
            ("ResourceList", "SoundRecording") => {
                Current::SoundRecording(Box::new(SoundRecordingBuilder { spot: spot_of(stack), ..SoundRecordingBuilder::default() }))
            }
            ("ResourceList", _) => Current::OtherResource(None),
            ("ReleaseList", "Release" | "TrackRelease") => Current::Release(Box::new(ReleaseBuilder {
                spot: spot_of(stack),
                is_track_release_element: record == "TrackRelease",
                ..ReleaseBuilder::default()
            })),
            _ => Current::Nothing,
        };
        return;
    }
    if stack.len() < 4 {
        return;
    }
    let relative = &stack[3..];
    match current {
        Current::SoundRecording(sound_recording) => sound_recording.descriptive.opened(relative),
        Current::Release(release) => {
            release.descriptive.opened(relative);
            let Some(frame) = relative.last() else {
                return;
            };
            if frame.name == "ResourceGroup" {
                let details_index = if relative[0].name.ends_with("DetailsByTerritory") { relative[0].index } else { 0 };
                release.groups_seen += 1;
                release.open_groups.push(OpenGroup {
                    group_id: release.groups_seen,
                    details_index,
                    sequence_number: None,
                    items: Vec::new(),
                });
            } else if frame.name == "ResourceGroupContentItem" {
                release.open_item = Some((None, None));
            }
        }
        _ => {}
    }
}

fn element_closed(
    stack: &[Frame],
    text: &str,
    current: &mut Current,
    message: &mut MessageBuilder,
    source: &Source,
    problems: &mut ProblemList,
) {
    if stack.len() == 3 {
        match std::mem::replace(current, Current::Nothing) {
            Current::Party(party) => message.parties.push(party),
            Current::SoundRecording(sound_recording) => message.sound_recordings.push(*sound_recording),
            Current::OtherResource(Some(reference)) => message.other_resource_references.push(reference),
            Current::Release(release) => message.releases.push(*release),
            Current::OtherResource(None) | Current::Nothing => {}
        }
        return;
    }
    if stack.len() < 4 {
        return;
    }
    let relative = &stack[3..];
    let located = || Located { text: text.to_string(), spot: spot_of(stack) };
    match current {
        Current::Nothing => {}
        Current::Party(party) => {
            if names_are(relative, &["PartyReference"]) {
                party.reference = Some(located());
            } else if names_are(relative, &["PartyName", "FullName"]) {
                party.names.push(Candidate { text: text.to_string(), is_default: false, has_language: relative[0].has_language() });
            }
        }
        Current::OtherResource(reference) => {
            if names_are(relative, &["ResourceReference"]) {
                *reference = Some(located());
            }
        }
        Current::SoundRecording(sound_recording) => {
            if sound_recording.descriptive.closed(relative, text, || spot_of(stack)) {
                return;
            }
            let identifier_parent = |leaf: &str| {
                names_are(relative, &["SoundRecordingEdition", "ResourceId", leaf])
                    || names_are(relative, &["ResourceId", leaf])
                    || names_are(relative, &["SoundRecordingId", leaf])
            };
            if names_are(relative, &["ResourceReference"]) {
                sound_recording.reference = Some(located());
            } else if identifier_parent("ISRC") {
                sound_recording.isrcs.push(located());
            } else if identifier_parent("ProprietaryId") {
                let namespace = relative.last().and_then(|frame| frame.attribute("Namespace")).map(str::to_string);
                sound_recording.proprietary_ids.push((namespace, located()));
            } else if names_are(relative, &["Duration"]) && sound_recording.duration.is_none() {
                sound_recording.duration = Some(located());
            }
        }
        Current::Release(release) => {
            if release.descriptive.closed(relative, text, || spot_of(stack)) {
                return;
            }
            release_element_closed(release, relative, located(), source, problems);
        }
    }
}

fn release_element_closed(release: &mut ReleaseBuilder, relative: &[Frame], value: Located, source: &Source, problems: &mut ProblemList) {
    let Some(frame) = relative.last() else {
        return;
    };
    let parent_name = relative.len().checked_sub(2).map(|index| relative[index].name.as_str());
    if names_are(relative, &["ReleaseType"]) {
        release.release_type = Some(value.text);
    } else if names_are(relative, &["ReleaseId", "ICPN"]) {
        release.icpns.push(value);
    } else if names_are(relative, &["ReleaseId", "GRid"]) {
        release.grids.push(value);
    } else if names_are(relative, &["ReleaseId", "CatalogNumber"]) {
        if !value.text.is_empty() {
            release.catalog_numbers.push(value.text);
        }
    } else if names_are(relative, &["ReleaseId", "ProprietaryId"]) {
        release.proprietary_ids.push((frame.attribute("Namespace").map(str::to_string), value));
    } else if names_are(relative, &["ReleaseLabelReference"]) {
        release.label_references.push(value);
    } else if in_record_or_details(relative, &["LabelName"]) {
        if !value.text.is_empty() {
            release.label_names.push(value.text);
        }
    } else if in_record_or_details(relative, &["ReleaseDate"]) {
        release.dates.push((0, value));
    } else if names_are(relative, &["GlobalReleaseDate"]) {
        release.dates.push((1, value));
    } else if in_record_or_details(relative, &["OriginalReleaseDate"]) {
        release.dates.push((2, value));
    } else if names_are(relative, &["GlobalOriginalReleaseDate"]) {
        release.dates.push((3, value));
    } else if names_are(relative, &["ReleaseResourceReferenceList", "ReleaseResourceReference"])
        || names_are(relative, &["ReleaseResourceReference"])
    {
        release.listed_references.push(value);
    } else if frame.name == "SequenceNumber" && parent_name == Some("ResourceGroup") {
        if let Some(number) = sequence_number(&value, source, problems) {
            if let Some(group) = release.open_groups.last_mut() {
                group.sequence_number = Some(number);
            }
        }
    } else if frame.name == "SequenceNumber" && parent_name == Some("ResourceGroupContentItem") {
        let number = sequence_number(&value, source, problems);
        if let Some(item) = release.open_item.as_mut() {
            item.0 = number;
        }
    } else if frame.name == "ReleaseResourceReference" && parent_name == Some("ResourceGroupContentItem") {
        if let Some(item) = release.open_item.as_mut() {
            item.1 = Some(value);
        }
    } else if frame.name == "ResourceGroupContentItem" {
        if let (Some(item), Some(group)) = (release.open_item.take(), release.open_groups.last_mut()) {
            group.items.push(item);
        }
    } else if frame.name == "ResourceGroup" {
        if let Some(group) = release.open_groups.pop() {
            // A group without a SequenceNumber is disc 1: single-disc releases often give none.
            let disc_number = group.sequence_number.unwrap_or(1);
            for (item_sequence, reference) in group.items {
                if let Some(reference) = reference {
                    release.group_items.push(GroupItem {
                        group_id: group.group_id,
                        details_index: group.details_index,
                        disc_number,
                        sequence_number: item_sequence,
                        reference,
                    });
                }
            }
        }
    }
}

fn sequence_number(value: &Located, source: &Source, problems: &mut ProblemList) -> Option<u32> {
    match value.text.parse::<u32>() {
        Ok(number) if number >= 1 && value.text.bytes().all(|byte| byte.is_ascii_digit()) => Some(number),
        _ => {
            problems.push(source.location(&value.spot), None, format!("SequenceNumber \"{}\" is not a whole number of 1 or more", value.text));
            None
        }
    }
}

/// Seconds of an xs:duration such as `PT3M20S`, `PT1H2M3S`, `P1DT2H` or `PT2M28.5S`.
/// Fractions of a second are dropped (durations are whole seconds in the catalog); years and
/// months are refused because they have no fixed length.
pub(crate) fn duration_seconds(text: &str) -> Result<u32, String> {
    let refuse = || format!("Duration \"{text}\" is not an ISO 8601 duration such as PT3M20S");
    let rest = text.trim().strip_prefix('P').ok_or_else(refuse)?;
    let (date_part, time_part) = match rest.split_once('T') {
        Some((date_part, time_part)) => (date_part, Some(time_part)),
        None => (rest, None),
    };
    let mut total: u64 = 0;
    let mut components = 0;
    let mut add = |amount: u64, unit_seconds: u64| -> Result<(), String> {
        components += 1;
        total = amount.checked_mul(unit_seconds).and_then(|seconds| total.checked_add(seconds)).ok_or_else(refuse)?;
        Ok(())
    };
    let mut number = String::new();
    for character in date_part.chars() {
        match character {
            '0'..='9' => number.push(character),
            'D' if !number.is_empty() => add(std::mem::take(&mut number).parse().map_err(|_| refuse())?, 86_400)?,
            'Y' | 'M' => return Err(format!("Duration \"{text}\" counts years or months, which have no fixed length in seconds")),
            _ => return Err(refuse()),
        }
    }
    if !number.is_empty() {
        return Err(refuse());
    }
    if let Some(time_part) = time_part {
        if time_part.is_empty() {
            return Err(refuse());
        }
        let mut fraction = false;
        for character in time_part.chars() {
            match character {
                '0'..='9' if fraction => {}
                '0'..='9' => number.push(character),
                '.' | ',' if !number.is_empty() && !fraction => fraction = true,
                'H' | 'M' if !number.is_empty() && !fraction => {
                    let unit = if character == 'H' { 3_600 } else { 60 };
                    add(std::mem::take(&mut number).parse().map_err(|_| refuse())?, unit)?;
                }
                'S' if !number.is_empty() => {
                    fraction = false;
                    add(std::mem::take(&mut number).parse().map_err(|_| refuse())?, 1)?;
                }
                _ => return Err(refuse()),
            }
        }
        if !number.is_empty() || fraction {
            return Err(refuse());
        }
    }
    if components == 0 {
        return Err(refuse());
    }
    u32::try_from(total).map_err(|_| refuse())
}

/// What a release date text is: a whole date, or only a year or a month (which ERN allows).
enum ReleaseDateText {
    Whole(Date),
    Partial,
}

fn release_date(text: &str) -> Result<ReleaseDateText, String> {
    let trimmed = text.trim();
    let is_year = |part: &str| part.len() == 4 && part.bytes().all(|byte| byte.is_ascii_digit());
    let is_month = |part: &str| part.len() == 2 && part.bytes().all(|byte| byte.is_ascii_digit());
    match trimmed.split('-').collect::<Vec<_>>().as_slice() {
        [year] if is_year(year) => Ok(ReleaseDateText::Partial),
        [year, month] if is_year(year) && is_month(month) => Ok(ReleaseDateText::Partial),
        _ => Date::parse(trimmed).map(ReleaseDateText::Whole).map_err(|error| error.to_string()),
    }
}

/// What a resource reference stands for.
enum Resource {
    /// Index into the sound recordings.
    SoundRecording(usize),
    /// An image, video or text: not a track.
    Other,
}

/// What the whole message knows once it is read: names by party reference, resources by
/// resource reference, and each sound recording's ISRC (by index; `None` when it had a problem).
struct Resolved<'a> {
    source: &'a Source<'a>,
    party_names: HashMap<String, String>,
    resources: HashMap<String, Resource>,
    isrcs: Vec<Option<Isrc>>,
}

impl Resolved<'_> {
    /// The sound recording a release resource reference names: `Some(Some(index))`,
    /// `Some(None)` for another kind of resource, `None` (a problem) for an unknown reference.
    fn sound_recording_of(&self, reference: &Located, problems: &mut ProblemList) -> Option<Option<usize>> {
        match self.resources.get(&reference.text) {
            Some(Resource::SoundRecording(index)) => Some(Some(*index)),
            Some(Resource::Other) => Some(None),
            None => {
                problems.push(
                    self.source.location(&reference.spot),
                    None,
                    format!("ReleaseResourceReference \"{}\" is not the ResourceReference of any resource in the ResourceList", reference.text),
                );
                None
            }
        }
    }
}

/// Resolves references and turns the collected elements into a catalog.
fn finish(message: MessageBuilder, source: &Source, problems: &mut ProblemList) -> (Catalog, Vec<String>) {
    let mut warnings = Vec::new();
    let mut resolved = Resolved { source, party_names: HashMap::new(), resources: HashMap::new(), isrcs: Vec::new() };
    for party in &message.parties {
        if let (Some(reference), Some(name)) = (&party.reference, preferred(&party.names)) {
            resolved.party_names.insert(reference.text.clone(), name.text.clone());
        }
    }
    let sound_recording_references = message.sound_recordings.iter().enumerate().filter_map(|(index, sound_recording)| {
        sound_recording.reference.as_ref().map(|reference| (reference, Resource::SoundRecording(index)))
    });
    let other_references = message.other_resource_references.iter().map(|reference| (reference, Resource::Other));
    for (reference, resource) in sound_recording_references.chain(other_references) {
        if resolved.resources.insert(reference.text.clone(), resource).is_some() {
            problems.push(source.location(&reference.spot), None, format!("ResourceReference \"{}\" is given to two resources", reference.text));
        }
    }

    // The artist of a track waits for the releases: ERN 3.8 leaves a track's DisplayArtistName
    // out when it is the release's.
    let mut aliases: Vec<(Alias, Spot)> = Vec::new();
    let mut tracks_without_artist: Vec<Option<Track>> = Vec::new();
    for sound_recording in &message.sound_recordings {
        let (isrc, track) = track_from(sound_recording, source, problems, &mut aliases);
        resolved.isrcs.push(isrc);
        tracks_without_artist.push(track);
    }

    let mut releases: Vec<Release> = Vec::new();
    // For each sound recording, the display artist of the first release it is on: it stands in
    // for a track that names none.
    let mut first_release_artist: HashMap<usize, Option<String>> = HashMap::new();
    for builder in &message.releases {
        if builder.is_track_release() {
            track_release_aliases(builder, &resolved, problems, &mut aliases);
            continue;
        }
        if let Some((release, sound_recording_indexes)) = release_from(builder, &resolved, problems, &mut warnings, &mut aliases) {
            for index in sound_recording_indexes {
                first_release_artist.entry(index).or_insert_with(|| release.display_artist.clone());
            }
            releases.push(release);
        }
    }

    let mut tracks: Vec<Track> = Vec::new();
    let mut track_positions: HashMap<Isrc, usize> = HashMap::new();
    for (index, track) in tracks_without_artist.into_iter().enumerate() {
        let Some(mut track) = track else {
            continue;
        };
        let sound_recording = &message.sound_recordings[index];
        if track.display_artist.is_none() {
            track.display_artist = first_release_artist
                .get(&index)
                .cloned()
                .flatten()
                .or_else(|| sound_recording.descriptive.joined_display_artists(&resolved.party_names, source, problems));
        }
        match track_positions.get(&track.isrc) {
            Some(&earlier) => {
                for (field, earlier_value, value) in differing_fields(&tracks[earlier].field_values(), &track.field_values()) {
                    problems.push(
                        source.location(&sound_recording.spot),
                        None,
                        format!(
                            "ISRC {} is on two SoundRecordings that differ in {field}: {} and {}",
                            track.isrc,
                            earlier_value.unwrap_or_default(),
                            value.unwrap_or_default()
                        ),
                    );
                }
            }
            None => {
                track_positions.insert(track.isrc.clone(), tracks.len());
                tracks.push(track);
            }
        }
    }

    let mut unique_aliases: Vec<Alias> = Vec::new();
    let mut alias_positions: HashMap<AliasName, usize> = HashMap::new();
    for (alias, spot) in aliases {
        match alias_positions.get(&alias.name) {
            Some(&earlier) if unique_aliases[earlier].target != alias.target => problems.push(
                source.location(&spot),
                None,
                format!("{} stands for {} here but for {} earlier in the file", alias.name, alias.target, unique_aliases[earlier].target),
            ),
            Some(_) => {}
            None => {
                alias_positions.insert(alias.name.clone(), unique_aliases.len());
                unique_aliases.push(alias);
            }
        }
    }

    (Catalog { releases, tracks, parties: Vec::new(), aliases: unique_aliases }, warnings)
}

/// A sound recording's ISRC and its track without the display artist (`None` for either when
/// it has a problem); its proprietary ids go to `aliases`.
fn track_from(
    sound_recording: &SoundRecordingBuilder,
    source: &Source,
    problems: &mut ProblemList,
    aliases: &mut Vec<(Alias, Spot)>,
) -> (Option<Isrc>, Option<Track>) {
    let isrc = match sound_recording.isrcs.first() {
        None => {
            problems.push(source.location(&sound_recording.spot), None, "the SoundRecording has no ISRC (ResourceId/ISRC or SoundRecordingId/ISRC)");
            None
        }
        Some(located) => match Isrc::parse(&located.text) {
            Ok(isrc) => Some(isrc),
            Err(error) => {
                problems.push(source.location(&located.spot), None, error.to_string());
                None
            }
        },
    };
    let title_and_version = sound_recording.descriptive.track_title_and_version();
    if title_and_version.is_none() {
        problems.push(source.location(&sound_recording.spot), None, "the SoundRecording has no title (DisplayTitleText, DisplayTitle or Title)");
    }
    let duration = match &sound_recording.duration {
        None => None,
        Some(located) => match duration_seconds(&located.text) {
            Ok(seconds) => Some(seconds),
            Err(message_text) => {
                problems.push(source.location(&located.spot), None, message_text);
                None
            }
        },
    };
    let Some(isrc) = isrc else {
        return (None, None);
    };
    for (namespace, value) in &sound_recording.proprietary_ids {
        if let Some(name) = alias_name(namespace.as_deref(), value, source, problems) {
            aliases.push((Alias { name, target: AliasTarget::Track(isrc.clone()) }, value.spot.clone()));
        }
    }
    let track = title_and_version.map(|(title, version)| Track {
        isrc: isrc.clone(),
        title,
        display_artist: preferred(&sound_recording.descriptive.artist_names).map(|candidate| candidate.text.clone()),
        duration_seconds: duration,
        version,
    });
    (Some(isrc), track)
}

/// A catalog release and the sound recordings on it (by index), or `None` when it has a
/// problem; its other identifiers go to `aliases`.
fn release_from(
    builder: &ReleaseBuilder,
    resolved: &Resolved,
    problems: &mut ProblemList,
    warnings: &mut Vec<String>,
    aliases: &mut Vec<(Alias, Spot)>,
) -> Option<(Release, Vec<usize>)> {
    let source = resolved.source;
    let icpn = match builder.icpns.first() {
        Some(located) => match Icpn::parse(&located.text) {
            Ok(icpn) => Some(icpn),
            Err(error) => {
                problems.push(source.location(&located.spot), None, error.to_string());
                return None;
            }
        },
        None => None,
    };
    let grid = builder.grids.first().filter(|located| !located.text.is_empty());
    let mut identifying_proprietary_id = None;
    let key = match (icpn, grid) {
        (Some(icpn), _) => ReleaseKey::Icpn(icpn),
        (None, Some(grid)) => ReleaseKey::Alias(AliasName { namespace: GRID_NAMESPACE.to_string(), value: grid.text.clone() }),
        (None, None) => {
            let Some((namespace, value)) = builder.proprietary_ids.first() else {
                problems.push(
                    source.location(&builder.spot),
                    None,
                    "the Release has no ICPN, GRid or ProprietaryId in its ReleaseId to recognise it by",
                );
                return None;
            };
            let name = alias_name(namespace.as_deref(), value, source, problems)?;
            identifying_proprietary_id = Some(name.clone());
            ReleaseKey::Alias(name)
        }
    };
    if let (ReleaseKey::Icpn(_), Some(grid)) = (&key, grid) {
        let name = AliasName { namespace: GRID_NAMESPACE.to_string(), value: grid.text.clone() };
        aliases.push((Alias { name, target: AliasTarget::Release(key.clone()) }, grid.spot.clone()));
    }
    for (namespace, value) in &builder.proprietary_ids {
        let Some(name) = alias_name(namespace.as_deref(), value, source, problems) else {
            continue;
        };
        if identifying_proprietary_id.as_ref() != Some(&name) {
            aliases.push((Alias { name, target: AliasTarget::Release(key.clone()) }, value.spot.clone()));
        }
    }
    let Some(title) = builder.descriptive.release_title() else {
        problems.push(source.location(&builder.spot), None, "the Release has no title (DisplayTitleText, DisplayTitle or Title)");
        return None;
    };
    let display_artist = preferred(&builder.descriptive.artist_names)
        .map(|candidate| candidate.text.clone())
        .or_else(|| builder.descriptive.joined_display_artists(&resolved.party_names, source, problems));
    let label = match builder.label_references.first() {
        Some(reference) => match resolved.party_names.get(&reference.text) {
            Some(name) => Some(name.clone()),
            None => {
                problems.push(
                    source.location(&reference.spot),
                    None,
                    format!("ReleaseLabelReference \"{}\" is not a party in the PartyList", reference.text),
                );
                None
            }
        },
        None => builder.label_names.first().cloned(),
    };
    let mut dates: Vec<&(u8, Located)> = builder.dates.iter().filter(|(_, located)| !located.text.is_empty()).collect();
    dates.sort_by_key(|(preference, _)| *preference);
    let release_date_value = match dates.first() {
        None => None,
        Some((_, located)) => match release_date(&located.text) {
            Ok(ReleaseDateText::Whole(date)) => Some(date),
            Ok(ReleaseDateText::Partial) => {
                warnings.push(format!(
                    "release {key}: release date \"{}\" is not a whole date; the release date is left empty",
                    located.text
                ));
                None
            }
            Err(message_text) => {
                problems.push(source.location(&located.spot), None, message_text);
                None
            }
        },
    };
    let (sound_recording_indexes, tracklist): (Vec<usize>, Vec<TracklistEntry>) =
        tracklist_of(builder, resolved, problems).into_iter().unzip();
    let release = Release {
        key,
        catalog_number: builder.catalog_numbers.first().cloned(),
        title,
        display_artist,
        label,
        release_date: release_date_value,
        format: builder.release_type.clone().filter(|text| !text.is_empty()),
        tracklist,
    };
    Some((release, sound_recording_indexes))
}

fn alias_name(namespace: Option<&str>, value: &Located, source: &Source, problems: &mut ProblemList) -> Option<AliasName> {
    let Some(namespace) = namespace.map(str::trim).filter(|namespace| !namespace.is_empty()) else {
        problems.push(source.location(&value.spot), None, format!("ProprietaryId \"{}\" has no Namespace attribute saying whose id it is", value.text));
        return None;
    };
    if value.text.is_empty() {
        problems.push(source.location(&value.spot), None, "ProprietaryId is empty");
        return None;
    }
    Some(AliasName { namespace: namespace.to_string(), value: value.text.clone() })
}

/// The release's tracklist as (sound recording index, entry): from its resource groups (the
/// first territory's, in ERN 3.8), else from its `ReleaseResourceReferenceList` in order.
fn tracklist_of(builder: &ReleaseBuilder, resolved: &Resolved, problems: &mut ProblemList) -> Vec<(usize, TracklistEntry)> {
    let (isrcs, source) = (&resolved.isrcs, resolved.source);
    let mut entries: Vec<(usize, TracklistEntry, Spot)> = Vec::new();
    let first_details = builder.group_items.iter().map(|item| item.details_index).min();
    if let Some(first_details) = first_details {
        let mut counted_in_group: HashMap<usize, u32> = HashMap::new();
        for item in builder.group_items.iter().filter(|item| item.details_index == first_details) {
            let Some(Some(index)) = resolved.sound_recording_of(&item.reference, problems) else {
                continue;
            };
            let counted = counted_in_group.entry(item.group_id).or_insert(0);
            *counted += 1;
            let Some(isrc) = isrcs[index].clone() else {
                continue;
            };
            let track_number = item.sequence_number.unwrap_or(*counted);
            entries.push((index, TracklistEntry { disc_number: item.disc_number, track_number, isrc }, item.reference.spot.clone()));
        }
    } else {
        let mut counted = 0;
        for reference in &builder.listed_references {
            let Some(Some(index)) = resolved.sound_recording_of(reference, problems) else {
                continue;
            };
            counted += 1;
            let Some(isrc) = isrcs[index].clone() else {
                continue;
            };
            entries.push((index, TracklistEntry { disc_number: 1, track_number: counted, isrc }, reference.spot.clone()));
        }
    }
    let mut taken: HashMap<(u32, u32), ()> = HashMap::new();
    let mut tracklist = Vec::new();
    for (index, entry, spot) in entries {
        if taken.insert((entry.disc_number, entry.track_number), ()).is_some() {
            problems.push(
                source.location(&spot),
                None,
                format!("disc {} track {} is given twice in the release's ResourceGroup", entry.disc_number, entry.track_number),
            );
            continue;
        }
        tracklist.push((index, entry));
    }
    tracklist.sort_by(|left, right| left.1.cmp(&right.1));
    tracklist
}

/// A track release's ids become aliases of the one sound recording it carries.
fn track_release_aliases(builder: &ReleaseBuilder, resolved: &Resolved, problems: &mut ProblemList, aliases: &mut Vec<(Alias, Spot)>) {
    let (isrcs, source) = (&resolved.isrcs, resolved.source);
    let references = builder.listed_references.iter().chain(builder.group_items.iter().map(|item| &item.reference));
    let mut sound_recordings: Vec<usize> = Vec::new();
    for reference in references {
        if let Some(Some(index)) = resolved.sound_recording_of(reference, problems) {
            if !sound_recordings.contains(&index) {
                sound_recordings.push(index);
            }
        }
    }
    let index = match sound_recordings.as_slice() {
        [index] => *index,
        _ => {
            problems.push(
                source.location(&builder.spot),
                None,
                format!("the track release refers to {} sound recordings; a track release carries exactly one", sound_recordings.len()),
            );
            return;
        }
    };
    let Some(isrc) = isrcs[index].clone() else {
        return;
    };
    let target = AliasTarget::Track(isrc);
    for (namespace, value) in &builder.proprietary_ids {
        if let Some(name) = alias_name(namespace.as_deref(), value, source, problems) {
            aliases.push((Alias { name, target: target.clone() }, value.spot.clone()));
        }
    }
    for grid in builder.grids.iter().filter(|located| !located.text.is_empty()) {
        let name = AliasName { namespace: GRID_NAMESPACE.to_string(), value: grid.text.clone() };
        aliases.push((Alias { name, target: target.clone() }, grid.spot.clone()));
    }
    for located in &builder.icpns {
        match Icpn::parse(&located.text) {
            Ok(icpn) => {
                let name = AliasName { namespace: ICPN_NAMESPACE.to_string(), value: icpn.to_string() };
                aliases.push((Alias { name, target: target.clone() }, located.spot.clone()));
            }
            Err(error) => problems.push(source.location(&located.spot), None, error.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_seconds() {
        assert_eq!(duration_seconds("PT3M20S"), Ok(200));
        assert_eq!(duration_seconds("PT2M28S"), Ok(148));
        assert_eq!(duration_seconds("PT13M31S"), Ok(811));
        assert_eq!(duration_seconds("PT1H2M3S"), Ok(3_723));
        assert_eq!(duration_seconds("PT0H4M10.75S"), Ok(250));
        assert_eq!(duration_seconds("P1DT1S"), Ok(86_401));
        assert_eq!(duration_seconds("PT45S"), Ok(45));
        for bad in ["", "3:20", "PT", "P", "PT3M20", "PTM", "PT1.5M", "T3M", "PT3S4"] {
            assert!(duration_seconds(bad).is_err(), "{bad} is refused");
        }
        assert!(duration_seconds("P1M").unwrap_err().contains("years or months"));
    }

    #[test]
    fn versions_come_from_namespaces_and_schema_version_ids() {
        assert_eq!(version_from_identifier("http://ddex.net/xml/ern/43").as_deref(), Some("4.3"));
        assert_eq!(version_from_identifier("http://ddex.net/xml/ern/382").as_deref(), Some("3.8.2"));
        assert_eq!(version_from_identifier("ern/382").as_deref(), Some("3.8.2"));
        assert_eq!(version_from_identifier("http://ddex.net/xml/ern/avs"), None);
        assert!(supported_version("4.1.1") && supported_version("3.8.1") && !supported_version("3.7"));
    }
}
