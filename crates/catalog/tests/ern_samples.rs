//! The official DDEX ERN samples in `../shared/samples/ern` (beside the repository; CI has them
//! there), read and asserted field by field, plus hand-made messages for what the samples lack.

use std::path::PathBuf;

use ledgerline_catalog::{
    import_catalog, read_catalog_file, Alias, AliasName, AliasTarget, CatalogFileKind, Release, ReleaseKey, Track, TracklistEntry,
};
use ledgerline_model::{Date, Icpn, Isrc};
use ledgerline_store::Ledger;

fn sample(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/samples/ern").join(name);
    std::fs::read(&path).unwrap_or_else(|error| panic!("the ERN sample {} is readable: {error}", path.display()))
}

const ERN_43: &str = "ern43_audio_album_ddex-sample-trimmed_kazhs-ddex-json-codec.xml";
const ERN_42: &str = "ern42_audio_album_kazhs-ddex-json-codec.xml";
const ERN_382: &str = "ern382_official_album_ddex-sample_kazhs-ddex-json-codec.xml";

fn isrc(text: &str) -> Isrc {
    Isrc::parse(text).unwrap()
}

fn entry(track_number: u32, isrc_text: &str) -> TracklistEntry {
    TracklistEntry { disc_number: 1, track_number, isrc: isrc(isrc_text) }
}

fn track(isrc_text: &str, title: &str, artist: &str, duration_seconds: u32) -> Track {
    Track {
        isrc: isrc(isrc_text),
        title: title.to_string(),
        display_artist: Some(artist.to_string()),
        duration_seconds: Some(duration_seconds),
        version: None,
    }
}

fn alias(namespace: &str, value: &str, isrc_text: &str) -> Alias {
    Alias { name: AliasName { namespace: namespace.to_string(), value: value.to_string() }, target: AliasTarget::Track(isrc(isrc_text)) }
}

/// The 4.3 and 4.2 samples are the same album ("Yume no Hajmari" by Saeko Shu, two tracks).
fn saeko_shu_album() -> (Vec<Release>, Vec<Track>, Vec<Alias>) {
    let releases = vec![Release {
        // Given as the GTIN-14 00094631432057; stored as its EAN-13.
        key: ReleaseKey::Icpn(Icpn::parse("0094631432057").unwrap()),
        catalog_number: None,
        title: "Yume no Hajmari".to_string(),
        display_artist: Some("Saeko Shu".to_string()),
        // ReleaseLabelReference PEMI, resolved through the PartyList.
        label: Some("EMI MUSIC JAPAN INC.".to_string()),
        release_date: None,
        format: Some("Album".to_string()),
        tracklist: vec![entry(1, "JPTO09404900"), entry(2, "JPTO09404910")],
    }];
    let tracks = vec![
        track("JPTO09404900", "Yume no Lullaby", "Saeko Shu", 148),
        track("JPTO09404910", "Yume no Hajimari - Kaze no Okuri Mono (Introduction)", "Saeko Shu", 102),
    ];
    // The TrackReleases' proprietary ids; the cover image's PACKSHOT id is not a track's.
    let aliases = vec![
        alias("PADPIDA2013042401U", "00094631432057_JPTO09404900_R1", "JPTO09404900"),
        alias("PADPIDA2013042401U", "00094631432057_JPTO09404910_R2", "JPTO09404910"),
    ];
    (releases, tracks, aliases)
}

#[test]
fn ern_4_3_sample_reads_exactly() {
    let file = read_catalog_file(ERN_43, &sample(ERN_43)).unwrap();
    assert_eq!(file.kind, CatalogFileKind::Ern { version: "4.3".to_string() });
    assert_eq!(file.kind.code(), "ern-4.3");
    let (releases, tracks, aliases) = saeko_shu_album();
    assert_eq!(file.catalog.releases, releases);
    assert_eq!(file.catalog.tracks, tracks);
    assert_eq!(file.catalog.aliases, aliases);
    assert!(file.catalog.parties.is_empty(), "PartyList entries are names to resolve, not payees");
    assert!(file.warnings.is_empty());
}

#[test]
fn ern_4_2_sample_reads_exactly() {
    let file = read_catalog_file(ERN_42, &sample(ERN_42)).unwrap();
    assert_eq!(file.kind, CatalogFileKind::Ern { version: "4.2".to_string() });
    let (releases, tracks, aliases) = saeko_shu_album();
    assert_eq!(file.catalog.releases, releases);
    assert_eq!(file.catalog.tracks, tracks);
    assert_eq!(file.catalog.aliases, aliases);
}

#[test]
fn ern_3_8_2_sample_reads_exactly() {
    let file = read_catalog_file(ERN_382, &sample(ERN_382)).unwrap();
    assert_eq!(file.kind, CatalogFileKind::Ern { version: "3.8.2".to_string() });
    assert_eq!(
        file.catalog.releases,
        vec![Release {
            // The main release has a GRid and no ICPN.
            key: ReleaseKey::Alias(AliasName { namespace: "GRid".to_string(), value: "A1UCASE0000000401X".to_string() }),
            catalog_number: None,
            title: "A Monkey Claw in a Velvet Glove".to_string(),
            display_artist: Some("Monkey Claw".to_string()),
            label: Some("Iron Crown Music".to_string()),
            // ReleaseDetailsByTerritory/ReleaseDate, preferred to GlobalOriginalReleaseDate 2010-10-01.
            release_date: Some(Date::new(2010, 1, 1).unwrap()),
            format: Some("Album".to_string()),
            tracklist: (1..=6).map(|number| entry(number, &format!("CASE0000000{number}"))).collect(),
        }]
    );
    // No track names a DisplayArtistName ("the same as for the Release", says the sample), so
    // each takes the release's, even the first with its two DisplayArtists.
    assert_eq!(
        file.catalog.tracks,
        vec![
            track("CASE00000001", "Can you feel ...the Monkey Claw!", "Monkey Claw", 811),
            track("CASE00000002", "Red top mountain, blown sky high", "Monkey Claw", 366),
            track("CASE00000003", "Seige of Antioch", "Monkey Claw", 1_269),
            track("CASE00000004", "Warhammer", "Monkey Claw", 165),
            track("CASE00000005", "Iron Horse", "Monkey Claw", 294),
            track("CASE00000006", "Yes... I can feel the Monkey Claw!", "Monkey Claw", 741),
        ]
    );
    // The six TrackRelease-type releases give their GRids to their tracks.
    let expected_aliases: Vec<Alias> = (1..=6)
        .map(|number| alias("GRid", &format!("A1UCASE000000000{number}X"), &format!("CASE0000000{number}")))
        .collect();
    assert_eq!(file.catalog.aliases, expected_aliases);
}

#[test]
fn all_three_samples_import_and_import_again_without_changes() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    let ern_43 = read_catalog_file(ERN_43, &sample(ERN_43)).unwrap();
    let first = import_catalog(&mut ledger, &ern_43.catalog).unwrap();
    assert_eq!((first.releases.added, first.tracks.added, first.aliases.added), (1, 2, 2));

    // 4.2 is the same album: nothing changes.
    let ern_42 = read_catalog_file(ERN_42, &sample(ERN_42)).unwrap();
    let same_album = import_catalog(&mut ledger, &ern_42.catalog).unwrap();
    assert!(!same_album.has_changes(), "{:?}", same_album.changes);
    assert_eq!((same_album.releases.unchanged, same_album.tracks.unchanged, same_album.aliases.unchanged), (1, 2, 2));

    let ern_382 = read_catalog_file(ERN_382, &sample(ERN_382)).unwrap();
    let monkey_claw = import_catalog(&mut ledger, &ern_382.catalog).unwrap();
    assert_eq!((monkey_claw.releases.added, monkey_claw.tracks.added, monkey_claw.aliases.added), (1, 6, 6));
    let again = import_catalog(&mut ledger, &ern_382.catalog).unwrap();
    assert!(!again.has_changes(), "the GRid finds the release again: {:?}", again.changes);

    let connection = ledger.connection();
    let count = |sql: &str| -> i64 { connection.query_row(sql, [], |row| row.get(0)).unwrap() };
    assert_eq!(count("SELECT count(*) FROM releases"), 2);
    assert_eq!(count("SELECT count(*) FROM releases WHERE icpn IS NULL"), 1);
    assert_eq!(count("SELECT count(*) FROM tracks"), 8);
    assert_eq!(count("SELECT count(*) FROM release_tracks"), 8);
    // Two proprietary ids, six track GRids and the release GRid that identifies the 3.8.2 album.
    assert_eq!(count("SELECT count(*) FROM aliases"), 9);
}

/// A hand-made ERN 4.3 message without a namespace prefix: two discs, a version subtitle, a
/// whole release date, a display artist only through the PartyList.
const TWO_DISCS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<NewReleaseMessage xmlns="http://ddex.net/xml/ern/43" ReleaseProfileVersionId="Audio">
  <PartyList>
    <Party><PartyReference>PBand</PartyReference><PartyName><FullName>The Tin &amp; Copper Band</FullName></PartyName></Party>
    <Party><PartyReference>PLabel</PartyReference><PartyName><FullName>Last Ballroom Records</FullName></PartyName></Party>
  </PartyList>
  <ResourceList>
    <SoundRecording>
      <ResourceReference>A1</ResourceReference>
      <SoundRecordingEdition><ResourceId><ISRC>FR-ERZ-12-00163</ISRC><ProprietaryId Namespace="DPID:PADPIDA0000000001A">T-163</ProprietaryId></ResourceId></SoundRecordingEdition>
      <DisplayTitleText>The Horizon (Radio Edit)</DisplayTitleText>
      <DisplayTitle IsDefault="true"><TitleText>The Horizon</TitleText><SubTitle>Radio Edit</SubTitle></DisplayTitle>
      <DisplayArtist SequenceNumber="1"><ArtistPartyReference>PBand</ArtistPartyReference></DisplayArtist>
      <Duration>PT0H3M20S</Duration>
    </SoundRecording>
    <SoundRecording>
      <ResourceReference>A2</ResourceReference>
      <SoundRecordingEdition><ResourceId><ISRC>FRERZ1200166</ISRC></ResourceId></SoundRecordingEdition>
      <DisplayTitleText>Violet Echo</DisplayTitleText>
      <DisplayArtistName>The Tin &amp; Copper Band</DisplayArtistName>
      <Duration>PT4M43S</Duration>
    </SoundRecording>
  </ResourceList>
  <ReleaseList>
    <Release>
      <ReleaseReference>R0</ReleaseReference>
      <ReleaseType>Album</ReleaseType>
      <ReleaseId><ICPN>880000000008</ICPN><CatalogNumber Namespace="DPID:PADPIDA0000000001A">LBR001</CatalogNumber><ProprietaryId Namespace="DPID:PADPIDA0000000001A">P-1</ProprietaryId></ReleaseId>
      <DisplayTitleText>Signal of Parade</DisplayTitleText>
      <DisplayArtist SequenceNumber="1"><ArtistPartyReference>PBand</ArtistPartyReference></DisplayArtist>
      <ReleaseLabelReference>PLabel</ReleaseLabelReference>
      <ReleaseDate>2012-04-22</ReleaseDate>
      <ResourceGroup>
        <ResourceGroup><SequenceNumber>1</SequenceNumber>
          <ResourceGroupContentItem><SequenceNumber>1</SequenceNumber><ReleaseResourceReference>A1</ReleaseResourceReference></ResourceGroupContentItem>
        </ResourceGroup>
        <ResourceGroup><SequenceNumber>2</SequenceNumber>
          <ResourceGroupContentItem><ReleaseResourceReference>A2</ReleaseResourceReference></ResourceGroupContentItem>
          <ResourceGroupContentItem><ReleaseResourceReference>A1</ReleaseResourceReference></ResourceGroupContentItem>
        </ResourceGroup>
      </ResourceGroup>
    </Release>
  </ReleaseList>
</NewReleaseMessage>
"#;

#[test]
fn discs_versions_and_party_references_are_read() {
    let file = read_catalog_file("two-discs.xml", TWO_DISCS.as_bytes()).unwrap();
    let release = &file.catalog.releases[0];
    assert_eq!(release.key, ReleaseKey::Icpn(Icpn::parse("0880000000008").unwrap()));
    assert_eq!(release.catalog_number.as_deref(), Some("LBR001"));
    assert_eq!(release.display_artist.as_deref(), Some("The Tin & Copper Band"));
    assert_eq!(release.label.as_deref(), Some("Last Ballroom Records"));
    assert_eq!(release.release_date, Some(Date::new(2012, 4, 22).unwrap()));
    let positions: Vec<(u32, u32, &str)> =
        release.tracklist.iter().map(|entry| (entry.disc_number, entry.track_number, entry.isrc.as_str())).collect();
    assert_eq!(positions, vec![(1, 1, "FRERZ1200163"), (2, 1, "FRERZ1200166"), (2, 2, "FRERZ1200163")]);
    let horizon = &file.catalog.tracks[0];
    assert_eq!((horizon.title.as_str(), horizon.version.as_deref()), ("The Horizon", Some("Radio Edit")));
    assert_eq!(horizon.display_artist.as_deref(), Some("The Tin & Copper Band"));
    assert_eq!(horizon.duration_seconds, Some(200));
    let aliases: Vec<String> = file.catalog.aliases.iter().map(|alias| format!("{} -> {}", alias.name, alias.target)).collect();
    assert_eq!(
        aliases,
        vec![
            "DPID:PADPIDA0000000001A \"T-163\" -> track FRERZ1200163",
            "DPID:PADPIDA0000000001A \"P-1\" -> release 0880000000008",
        ]
    );
}

#[test]
fn problems_name_the_xml_path_and_line() {
    let broken = TWO_DISCS
        .replace("<ISRC>FRERZ1200166</ISRC>", "<ISRC>FRERZ120016</ISRC>")
        .replace("<ReleaseLabelReference>PLabel<", "<ReleaseLabelReference>PNobody<")
        .replace("<Duration>PT4M43S</Duration>", "<Duration>4:43</Duration>");
    let error = read_catalog_file("broken.xml", broken.as_bytes()).unwrap_err();
    let messages: Vec<String> = error.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        vec![
            "broken.xml: /NewReleaseMessage/ResourceList/SoundRecording[2]/SoundRecordingEdition/ResourceId/ISRC (line 18): ISRC \"FRERZ120016\" has 11 characters; an ISRC has 12 (CC-XXX-YY-NNNNN)",
            "broken.xml: /NewReleaseMessage/ResourceList/SoundRecording[2]/Duration (line 21): Duration \"4:43\" is not an ISO 8601 duration such as PT3M20S",
            "broken.xml: /NewReleaseMessage/ReleaseList/Release[1]/ReleaseLabelReference (line 31): ReleaseLabelReference \"PNobody\" is not a party in the PartyList",
        ]
    );
}

#[test]
fn a_release_date_that_is_only_a_year_is_left_out_with_a_warning() {
    let year_only = TWO_DISCS.replace("<ReleaseDate>2012-04-22</ReleaseDate>", "<ReleaseDate>2012</ReleaseDate>");
    let file = read_catalog_file("year.xml", year_only.as_bytes()).unwrap();
    assert_eq!(file.catalog.releases[0].release_date, None);
    assert_eq!(file.warnings, vec!["release 0880000000008: release date \"2012\" is not a whole date; the release date is left empty"]);
}

#[test]
fn unreadable_messages_are_refused_whole() {
    let message = |text: &str| read_catalog_file("m.xml", text.as_bytes()).unwrap_err().problems[0].to_string();
    assert_eq!(
        message(r#"<NewReleaseMessage xmlns="http://ddex.net/xml/ern/37"/>"#),
        "m.xml: ERN version 3.7 is not supported; Ledgerline reads ERN 3.8.x and 4.x"
    );
    assert!(message("<NewReleaseMessage/>").contains("names no ERN version"));
    let cut_in_a_tag = message(&TWO_DISCS[..TWO_DISCS.len() / 2]);
    assert!(cut_in_a_tag.starts_with("m.xml: /NewReleaseMessage/ResourceList/SoundRecording[2]/DisplayArtistName (line 20): the XML cannot be read"), "{cut_in_a_tag}");
    let cut_between_tags = message(&TWO_DISCS[..TWO_DISCS.find("<ReleaseList>").unwrap()]);
    assert_eq!(cut_between_tags, "m.xml: /NewReleaseMessage (line 2): the file ends before this element is closed");
    let orphan = TWO_DISCS.replace("<ReleaseResourceReference>A2<", "<ReleaseResourceReference>A9<");
    assert!(message(&orphan).ends_with("ReleaseResourceReference \"A9\" is not the ResourceReference of any resource in the ResourceList"));
}

#[test]
fn a_release_known_by_its_grid_gets_its_icpn_from_a_later_message() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    let original = read_catalog_file(ERN_382, &sample(ERN_382)).unwrap();
    import_catalog(&mut ledger, &original.catalog).unwrap();

    let text = String::from_utf8(sample(ERN_382)).unwrap();
    let with_icpn = text.replacen("<GRid>A1UCASE0000000401X</GRid>", "<ICPN>0880000000008</ICPN><GRid>A1UCASE0000000401X</GRid>", 1);
    let file = read_catalog_file("with-icpn.xml", with_icpn.as_bytes()).unwrap();
    let report = import_catalog(&mut ledger, &file.catalog).unwrap();
    assert_eq!((report.releases.changed, report.tracks.unchanged, report.aliases.unchanged), (1, 6, 7));
    assert_eq!(report.changes.len(), 1);
    assert_eq!(report.changes[0].to_string(), "release 0880000000008 (A Monkey Claw in a Velvet Glove): icpn (empty) → \"0880000000008\"");
    let releases: i64 = ledger.connection().query_row("SELECT count(*) FROM releases", [], |row| row.get(0)).unwrap();
    assert_eq!(releases, 1, "the same release, not a second one");
}

#[test]
fn a_release_without_icpn_is_exported_with_an_empty_upc_that_import_refuses() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    import_catalog(&mut ledger, &read_catalog_file(ERN_382, &sample(ERN_382)).unwrap().catalog).unwrap();
    import_catalog(&mut ledger, &read_catalog_file(ERN_43, &sample(ERN_43)).unwrap().catalog).unwrap();
    let exported = ledgerline_catalog::export_catalog(&ledger).unwrap();
    let lines: Vec<&str> = exported.lines().collect();
    assert_eq!(lines.len(), 1 + 2 + 6);
    assert_eq!(lines[1], "0094631432057,,Yume no Hajmari,Saeko Shu,EMI MUSIC JAPAN INC.,,Album,1,1,JPTO09404900,Yume no Lullaby,Saeko Shu,148,");
    assert_eq!(
        lines[4],
        ",,A Monkey Claw in a Velvet Glove,Monkey Claw,Iron Crown Music,2010-01-01,Album,1,2,CASE00000002,\"Red top mountain, blown sky high\",Monkey Claw,366,"
    );
    let error = read_catalog_file("export.csv", exported.as_bytes()).unwrap_err();
    assert_eq!(error.problems_total, 6);
    assert!(error.problems[0].to_string().starts_with("export.csv:4: column \"release_upc\": is empty; every row needs the UPC/EAN of its release"));
}
