//! Roll-ups add up an import's lines exactly, read back as written, and are rebuilt from the
//! lake when missing, damaged or out of step with the import.

mod common;

use common::*;
use ledgerline_formats::{LineSink, SaleLine};
use ledgerline_lake::{read_rollup, LakeWriter, RollupBuilder, RollupKey, RollupKeyIndex, RollupSums};
use ledgerline_money::Decimal;

fn lines() -> Vec<SaleLine> {
    let mut lines = Vec::new();
    for number in 0..300u64 {
        let mut line = if number % 3 == 0 {
            sparse_line(number + 1)
        } else {
            full_line(number + 1)
        };
        line.units = number as i64 - 100;
        line.net = Decimal::from_scaled(i128::from(number) * 1_000_000_007 - 77);
        if number % 7 == 0 {
            line.service = "Odd\tservice\\ with\nbreaks".to_string();
        }
        lines.push(line);
    }
    lines
}

fn publish(lake: &std::path::Path, key: &str, lines: &[SaleLine]) {
    let mut writer = LakeWriter::create(lake, key).unwrap();
    let mut builder = RollupBuilder::new();
    for line in lines {
        builder.add(line);
        writer.accept(line.clone()).unwrap();
    }
    assert_eq!(builder.lines(), lines.len() as u64);
    builder.write(lake, key).unwrap();
    writer.finish().unwrap().publish().unwrap();
}

fn totals(rows: &[(ledgerline_lake::RollupKey, RollupSums)]) -> (u64, i64, Decimal) {
    rows.iter()
        .fold((0, 0, Decimal::ZERO), |(lines, units, net), (_, sums)| {
            (lines + sums.lines, units + sums.units, net + sums.net)
        })
}

#[test]
fn a_rollup_adds_up_the_lines_and_is_rebuilt_when_it_cannot_be_trusted() {
    let folder = tempfile::tempdir().unwrap();
    let lake = folder.path();
    let key = "b".repeat(64);
    let lines = lines();
    publish(lake, &key, &lines);

    let rows = read_rollup(lake, &key).unwrap();
    let expected = (
        lines.len() as u64,
        lines.iter().map(|line| line.units).sum(),
        lines.iter().map(|line| line.net).sum(),
    );
    assert_eq!(totals(&rows), expected);
    assert!(
        rows.len() < lines.len(),
        "lines that share a key are added up"
    );
    assert!(
        rows.iter()
            .any(|(key, _)| key.service == "Odd\tservice\\ with\nbreaks"),
        "escaped text reads back"
    );

    let file = lake.join("rollups/v1").join(format!("{key}.tsv"));
    for damage in ["", "not a roll-up\n", "sale_month\tonly\n"] {
        std::fs::write(&file, damage).unwrap();
        assert_eq!(
            read_rollup(lake, &key).unwrap(),
            rows,
            "rebuilt after {damage:?}"
        );
    }
    // A roll-up that counts fewer lines than the import is out of step: rebuilt.
    let text = std::fs::read_to_string(&file).unwrap();
    let shorter: Vec<&str> = text.lines().take(text.lines().count() - 1).collect();
    std::fs::write(&file, shorter.join("\n") + "\n").unwrap();
    assert_eq!(read_rollup(lake, &key).unwrap(), rows);
    std::fs::remove_file(&file).unwrap();
    assert_eq!(read_rollup(lake, &key).unwrap(), rows);
}

#[test]
fn a_builder_with_too_many_keys_gives_up_and_the_run_rebuilds_from_the_lake() {
    let folder = tempfile::tempdir().unwrap();
    let lake = folder.path();
    let key = "c".repeat(64);
    let mut lines = lines();
    for (number, line) in lines.iter_mut().enumerate() {
        line.proprietary_id = format!("asset-{number}");
    }
    let mut writer = LakeWriter::create(lake, &key).unwrap();
    let mut builder = RollupBuilder::with_limit(5);
    for line in &lines {
        builder.add(line);
        writer.accept(line.clone()).unwrap();
    }
    assert!(builder.gave_up());
    builder.write(lake, &key).unwrap();
    writer.finish().unwrap().publish().unwrap();
    assert!(
        !lake.join("rollups/v1").join(format!("{key}.tsv")).exists(),
        "nothing written when it gave up"
    );
    let rows = read_rollup(lake, &key).unwrap();
    assert_eq!(totals(&rows).0, lines.len() as u64);
    assert!(lake.join("rollups/v1").join(format!("{key}.tsv")).exists());
}

#[test]
fn roll_ups_of_chunks_absorbed_in_any_order_write_what_one_roll_up_writes() {
    let folder = tempfile::tempdir().unwrap();
    let lines = lines();
    let whole = "c".repeat(64);
    let mut builder = RollupBuilder::new();
    lines.iter().for_each(|line| builder.add(line));
    builder.write(folder.path(), &whole).unwrap();

    let pieces = "d".repeat(64);
    let mut combined = RollupBuilder::new();
    for chunk in lines.chunks(37).rev() {
        let mut part = RollupBuilder::with_limit(usize::MAX);
        chunk.iter().for_each(|line| part.add(line));
        combined.absorb(part);
    }
    assert_eq!(combined.lines(), lines.len() as u64);
    combined.write(folder.path(), &pieces).unwrap();
    let text = |key: &str| {
        std::fs::read(folder.path().join("rollups/v1").join(format!("{key}.tsv"))).unwrap()
    };
    assert_eq!(text(&whole), text(&pieces));

    // The limit holds for what is absorbed too.
    let mut limited = RollupBuilder::with_limit(3);
    for chunk in lines.chunks(50) {
        let mut part = RollupBuilder::with_limit(usize::MAX);
        chunk.iter().for_each(|line| part.add(line));
        limited.absorb(part);
    }
    assert!(limited.gave_up());
    assert_eq!(limited.lines(), lines.len() as u64);
}

#[test]
fn a_key_index_finds_each_line_by_its_key_and_nothing_else() {
    let lines = lines();
    let mut index: RollupKeyIndex<usize> = RollupKeyIndex::default();
    let mut keys: Vec<RollupKey> = Vec::new();
    for line in &lines {
        let key = RollupKey::of(line);
        if !keys.contains(&key) {
            index.insert(key.clone(), keys.len());
            keys.push(key);
        }
    }
    for line in &lines {
        let found = index.get(line).expect("every line's key is in the index");
        assert_eq!(keys[*found], RollupKey::of(line));
        assert!(keys[*found].is_key_of(line));
    }
    // A key field changed: another key; units are added up, not part of the key.
    let changes: [(fn(&mut SaleLine), bool); 3] = [
        (|line| line.service.push('x'), false),
        (|line| line.catalog_number.push('x'), false),
        (|line| line.units += 1_000_000, true),
    ];
    for (change, still_found) in changes {
        let mut other = lines[1].clone();
        change(&mut other);
        assert_eq!(index.get(&other).is_some(), still_found, "{other:?}");
    }
    assert_eq!(index.values().count(), keys.len());
}
