//! What other readers (DuckDB, Polars, pyarrow) find in the files: exact decimals, typed
//! columns, zstd, bounded row groups.

mod common;

use std::fs::File;

use arrow_schema::{DataType, Schema};
use common::*;
use ledgerline_formats::LineSink;
use ledgerline_lake::{import_parts, lake_schema, read_import, LakeWriter};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::{Compression, LogicalType, Type as PhysicalType};
use parquet::file::reader::{FileReader, SerializedFileReader};

fn publish_lines(lake: &std::path::Path, key: &str, count: u64) {
    let mut writer = LakeWriter::create(lake, key).unwrap();
    for index in 0..count {
        writer.accept(small_line(index)).unwrap();
    }
    writer.finish().unwrap().publish().unwrap();
}

fn file_schema(path: &std::path::Path) -> Schema {
    let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap()).unwrap();
    builder.schema().as_ref().clone()
}

#[test]
fn money_columns_are_decimal_38_12_for_every_reader() {
    let lake = tempfile::tempdir().unwrap();
    let mut writer = LakeWriter::create(lake.path(), KEY_A).unwrap();
    writer.accept(full_line(1)).unwrap();
    writer.accept(sparse_line(2)).unwrap();
    writer.finish().unwrap().publish().unwrap();
    let part = &import_parts(lake.path(), KEY_A).unwrap()[0];

    // The Arrow view (what arrow-rs, Polars and pyarrow build).
    let schema = file_schema(part);
    for name in ["gross", "net", "fx_rate"] {
        assert_eq!(
            schema.field_with_name(name).unwrap().data_type(),
            &DataType::Decimal128(38, 12),
            "{name}"
        );
    }
    assert_eq!(
        schema.field_with_name("sale_start").unwrap().data_type(),
        &DataType::Date32
    );
    assert_eq!(
        schema
            .field_with_name("reporting_month")
            .unwrap()
            .data_type(),
        &DataType::Date32
    );
    assert_eq!(
        schema.field_with_name("territory").unwrap().data_type(),
        &DataType::Utf8
    );
    assert!(!schema.field_with_name("net").unwrap().is_nullable());
    assert!(schema.field_with_name("gross").unwrap().is_nullable());
    assert_eq!(schema.fields(), lake_schema().fields());

    // The Parquet view (what DuckDB reads, ignoring the embedded Arrow schema).
    let reader = SerializedFileReader::new(File::open(part).unwrap()).unwrap();
    let parquet_schema = reader.metadata().file_metadata().schema_descr_ptr();
    for name in ["gross", "net", "fx_rate"] {
        let column = parquet_schema
            .columns()
            .iter()
            .find(|column| column.name() == name)
            .unwrap();
        assert!(
            matches!(column.logical_type_ref(), Some(LogicalType::Decimal(_))),
            "{name}"
        );
        assert_eq!(
            (column.type_precision(), column.type_scale()),
            (38, 12),
            "{name}"
        );
    }
    let sale_start = parquet_schema
        .columns()
        .iter()
        .find(|column| column.name() == "sale_start")
        .unwrap();
    assert_eq!(sale_start.logical_type_ref(), Some(&LogicalType::Date));
    let line_number = parquet_schema
        .columns()
        .iter()
        .find(|column| column.name() == "line_number")
        .unwrap();
    assert_eq!(line_number.physical_type(), PhysicalType::INT64);
    assert!(
        matches!(line_number.logical_type_ref(), Some(LogicalType::Integer(int)) if int.bit_width == 64 && !int.is_signed),
        "{:?}",
        line_number.logical_type_ref()
    );
    let key_values = reader
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .unwrap();
    assert!(key_values
        .iter()
        .any(|kv| kv.key == "ledgerline.lake.import_key" && kv.value.as_deref() == Some(KEY_A)));
    for column in reader.metadata().row_group(0).columns() {
        assert!(
            matches!(column.compression(), Compression::ZSTD(_)),
            "{:?}",
            column.column_path()
        );
    }
}

/// The writer holds one batch and one row group at most, so a large import is cut into row
/// groups of at most 128Ki rows. A million lines take about 4 s to write and 3 s to read back
/// in a debug build on two cores, so this writes 300,000 (the release-mode example
/// `write_speed` does the million).
#[test]
fn large_imports_are_written_in_bounded_row_groups() {
    let lake = tempfile::tempdir().unwrap();
    let count: u64 = 300_000;
    publish_lines(lake.path(), KEY_A, count);

    let parts = import_parts(lake.path(), KEY_A).unwrap();
    let mut row_groups = 0;
    let mut rows = 0;
    for part in &parts {
        let reader = SerializedFileReader::new(File::open(part).unwrap()).unwrap();
        for row_group in reader.metadata().row_groups() {
            assert!(row_group.num_rows() <= 128 * 1024);
            row_groups += 1;
            rows += row_group.num_rows();
        }
    }
    assert_eq!(u64::try_from(rows).unwrap(), count);
    assert_eq!(
        row_groups,
        count.div_ceil(128 * 1024),
        "{count} lines in {row_groups} row groups"
    );
    assert!(row_groups >= 3);

    // Spot-check the content without holding it all.
    let mut read = 0u64;
    for (index, line) in read_import(lake.path(), KEY_A).unwrap().enumerate() {
        let line = line.unwrap();
        let index = u64::try_from(index).unwrap();
        if index % 99_991 == 0 {
            assert_eq!(line, small_line(index));
        }
        read += 1;
    }
    assert_eq!(read, count);
}
