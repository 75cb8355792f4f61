//! Lines written to the lake come back exactly: every field, every extreme.

mod common;

use common::*;
use ledgerline_formats::{LineSink, SaleLine};
use ledgerline_lake::{
    import_parts, import_path, import_row_count, read_import, LakeError, LakeWriter, WriterOptions,
};
use ledgerline_money::Decimal;

fn write_and_publish(
    lake: &std::path::Path,
    key: &str,
    lines: &[SaleLine],
    options: WriterOptions,
) -> std::path::PathBuf {
    let mut writer = LakeWriter::create_with(lake, key, options).unwrap();
    for line in lines {
        writer.accept(line.clone()).unwrap();
    }
    let staged = writer.finish().unwrap();
    assert_eq!(staged.rows(), u64::try_from(lines.len()).unwrap());
    staged.publish().unwrap()
}

/// The import's lines, read both ways (iterating, and visiting one reused line), which must
/// agree.
fn read_all(lake: &std::path::Path, key: &str) -> Vec<SaleLine> {
    let lines = read_import(lake, key)
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let mut visited = Vec::new();
    read_import(lake, key)
        .unwrap()
        .for_each_line(|line| visited.push(line.clone()))
        .unwrap();
    assert_eq!(visited, lines, "for_each_line and iterating differ");
    lines
}

fn extreme_lines() -> Vec<SaleLine> {
    let mut lines = vec![full_line(1), sparse_line(2)];

    let mut huge = full_line(3);
    huge.net = Decimal::from_scaled(HUGE_SCALED);
    huge.gross = Some(Decimal::from_scaled(-HUGE_SCALED));
    huge.fx_rate = Some(Decimal::EPSILON);
    huge.units = i64::MAX;
    lines.push(huge);

    let mut negative = full_line(4);
    negative.net = Decimal::from_scaled(-HUGE_SCALED);
    negative.gross = Some(Decimal::from_scaled(HUGE_SCALED));
    negative.fx_rate = Some(-Decimal::EPSILON);
    negative.units = i64::MIN;
    lines.push(negative);

    let mut widest = sparse_line(u64::MAX);
    // The widest value DECIMAL(38, 12) holds: 38 nines.
    widest.net = Decimal::from_scaled(99_999_999_999_999_999_999_999_999_999_999_999_999);
    widest.gross = Some(Decimal::from_scaled(
        -99_999_999_999_999_999_999_999_999_999_999_999_999,
    ));
    widest.fx_rate = Some(Decimal::ZERO);
    widest.units = 0;
    lines.push(widest);

    let mut tiny = full_line(0);
    tiny.net = Decimal::EPSILON;
    tiny.gross = Some(Decimal::ZERO);
    tiny.usage = ledgerline_formats::UsageType::Ugc;
    tiny.tier = ledgerline_formats::Tier::Trial;
    tiny.territory = ledgerline_model::Territory::parse("XK").unwrap();
    lines.push(tiny);

    for (usage, tier) in [
        (
            ledgerline_formats::UsageType::Download,
            ledgerline_formats::Tier::Premium,
        ),
        (
            ledgerline_formats::UsageType::Physical,
            ledgerline_formats::Tier::Other,
        ),
    ] {
        let mut line = full_line(100);
        line.usage = usage;
        line.tier = tier;
        line.reporting_month = Some(ledgerline_model::Month::new(2024, 2).unwrap());
        line.sale_start = ledgerline_model::Date::new(2024, 2, 29).unwrap();
        lines.push(line);
    }
    lines
}

#[test]
fn every_field_round_trips_exactly() {
    let lake = tempfile::tempdir().unwrap();
    let lines = extreme_lines();
    let published = write_and_publish(lake.path(), KEY_A, &lines, WriterOptions::default());
    assert_eq!(published, import_path(lake.path(), KEY_A));
    assert!(published.join("part-00000.parquet").is_file());
    assert_eq!(read_all(lake.path(), KEY_A), lines);
    assert_eq!(
        import_row_count(lake.path(), KEY_A).unwrap(),
        u64::try_from(lines.len()).unwrap()
    );
}

#[test]
fn small_batches_row_groups_and_parts_keep_the_order() {
    let lake = tempfile::tempdir().unwrap();
    let lines: Vec<SaleLine> = (0..5_000)
        .map(|index| match index % 7 {
            0 => full_line(index),
            1 => sparse_line(index),
            _ => small_line(index),
        })
        .collect();
    let options = WriterOptions {
        batch_rows: 100,
        row_group_rows: 300,
        part_bytes: 20_000,
        ..WriterOptions::default()
    };
    write_and_publish(lake.path(), KEY_B, &lines, options);
    let parts = import_parts(lake.path(), KEY_B).unwrap();
    assert!(
        parts.len() > 2,
        "expected several parts, got {}",
        parts.len()
    );
    assert_eq!(read_all(lake.path(), KEY_B), lines);
    assert_eq!(import_row_count(lake.path(), KEY_B).unwrap(), 5_000);
}

#[test]
fn an_import_without_lines_has_one_empty_part() {
    let lake = tempfile::tempdir().unwrap();
    let staged = LakeWriter::create(lake.path(), KEY_C)
        .unwrap()
        .finish()
        .unwrap();
    assert_eq!((staged.rows(), staged.parts()), (0, 1));
    staged.publish().unwrap();
    assert_eq!(import_parts(lake.path(), KEY_C).unwrap().len(), 1);
    assert!(read_all(lake.path(), KEY_C).is_empty());
    assert_eq!(import_row_count(lake.path(), KEY_C).unwrap(), 0);
}

#[test]
fn amounts_wider_than_38_digits_are_refused_with_the_line_number() {
    let lake = tempfile::tempdir().unwrap();
    let mut writer = LakeWriter::create(lake.path(), KEY_A).unwrap();
    let mut line = full_line(42);
    line.net = Decimal::from_scaled(100_000_000_000_000_000_000_000_000_000_000_000_000);
    let error = writer.accept(line).unwrap_err();
    assert!(
        matches!(
            error,
            LakeError::Unstorable {
                line_number: 42,
                ..
            }
        ),
        "{error}"
    );
    assert!(error.to_string().contains("net"), "{error}");
    // The writer refuses to go on; its staging folder disappears with it.
    assert!(matches!(
        writer.accept(full_line(43)),
        Err(LakeError::WriterFailed { .. })
    ));
    let staging = writer.staging_path().to_path_buf();
    assert!(matches!(
        writer.finish(),
        Err(LakeError::WriterFailed { .. })
    ));
    assert!(!staging.exists());
}

#[test]
fn reading_a_missing_import_says_where_it_looked() {
    let lake = tempfile::tempdir().unwrap();
    let error = read_import(lake.path(), KEY_A).unwrap_err();
    assert!(matches!(error, LakeError::NotFound { .. }));
    assert!(error
        .to_string()
        .contains(&import_path(lake.path(), KEY_A).display().to_string()));
}

#[test]
fn a_damaged_part_is_an_error_naming_the_file() {
    let lake = tempfile::tempdir().unwrap();
    write_and_publish(
        lake.path(),
        KEY_A,
        &[full_line(1)],
        WriterOptions::default(),
    );
    let part = import_path(lake.path(), KEY_A).join("part-00000.parquet");
    let bytes = std::fs::read(&part).unwrap();
    std::fs::write(&part, &bytes[..bytes.len() / 2]).unwrap();
    let mut reader = read_import(lake.path(), KEY_A).unwrap();
    let error = reader.next().unwrap().unwrap_err();
    assert!(error.to_string().contains("part-00000.parquet"), "{error}");
    assert!(reader.next().is_none());
    let mut visited = 0;
    let error = read_import(lake.path(), KEY_A)
        .unwrap()
        .for_each_line(|_| visited += 1)
        .unwrap_err();
    assert!(error.to_string().contains("part-00000.parquet"), "{error}");
    assert_eq!(visited, 0);
}

#[test]
fn a_missing_part_is_detected() {
    let lake = tempfile::tempdir().unwrap();
    let lines: Vec<SaleLine> = (0..3_000).map(small_line).collect();
    let options = WriterOptions {
        batch_rows: 100,
        row_group_rows: 100,
        part_bytes: 5_000,
        ..WriterOptions::default()
    };
    write_and_publish(lake.path(), KEY_A, &lines, options);
    std::fs::remove_file(import_path(lake.path(), KEY_A).join("part-00001.parquet")).unwrap();
    let error = read_import(lake.path(), KEY_A).unwrap_err();
    assert!(matches!(error, LakeError::Invalid { .. }), "{error}");
    assert!(error.to_string().contains("part-00001.parquet"), "{error}");
}

#[test]
fn a_part_moved_into_another_import_is_refused() {
    let lake = tempfile::tempdir().unwrap();
    write_and_publish(
        lake.path(),
        KEY_A,
        &[full_line(1)],
        WriterOptions::default(),
    );
    write_and_publish(
        lake.path(),
        KEY_B,
        &[sparse_line(1)],
        WriterOptions::default(),
    );
    std::fs::copy(
        import_path(lake.path(), KEY_A).join("part-00000.parquet"),
        import_path(lake.path(), KEY_B).join("part-00000.parquet"),
    )
    .unwrap();
    let error = read_import(lake.path(), KEY_B)
        .unwrap()
        .next()
        .unwrap()
        .unwrap_err();
    assert!(matches!(error, LakeError::Invalid { .. }), "{error}");
    assert!(error.to_string().contains(KEY_A), "{error}");
}
