//! Measures how fast the lake writes and reads sale lines.
//!
//! ```sh
//! cargo run --release -p ledgerline-lake --example write_speed -- [LINES [ZSTD_LEVEL [LAKE_DIR]]]
//! ```
//!
//! With `LAKE_DIR`, the lake is written there and kept (to look at it with DuckDB, say);
//! otherwise in a temporary folder that is removed.
//!
//! Lines are cloned from a pool of 4,096 varied lines (as a parser would allocate them), written
//! to a temporary lake, finished, published, then read back. Prints lines/s, the size of the
//! Parquet files and MB/s of Parquet written, and the process's peak memory on Linux.

use std::time::Instant;

use ledgerline_formats::{LineSink, SaleLine, Tier, UsageType};
use ledgerline_lake::{import_parts, read_import, LakeWriter, WriterOptions};
use ledgerline_model::{Date, Isrc, Month, Territory};
use ledgerline_money::{Currency, Decimal};

const KEY: &str = "5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e";

fn pool_line(index: u64) -> Result<SaleLine, Box<dyn std::error::Error>> {
    let services = [
        "Spotify",
        "Apple Music",
        "YouTube Music",
        "Deezer",
        "Amazon Music",
        "TIDAL",
    ];
    let territories = ["DE", "FR", "US", "GB", "SE", "JP", "BR", "WW"];
    let slot = usize::try_from(index)?;
    let isrc = format!("QZABC26{:05}", index % 2_000);
    Ok(SaleLine {
        line_number: index + 1,
        sale_start: Date::new(2026, 7, 1)?,
        sale_end: Date::new(2026, 7, 31)?,
        reporting_month: Some(Month::new(2026, 8)?),
        service: services[slot % services.len()].to_string(),
        territory: Territory::parse(territories[slot % territories.len()])?,
        usage: UsageType::Stream,
        tier: if index.is_multiple_of(3) {
            Tier::Premium
        } else {
            Tier::AdSupported
        },
        reported_upc: format!("0880000{:05}", index % 200),
        reported_isrc: isrc.clone(),
        upc: None,
        isrc: Some(Isrc::parse(&isrc)?),
        catalog_number: format!("LBL-{:03}", index % 200),
        proprietary_id: format!("asset-{index:08}"),
        release_title: format!("Release number {}", index % 200),
        track_title: format!("A track title of average length {}", index % 2_000),
        artist: format!("Artist {}", index % 100),
        units: i64::try_from(index % 37)? - 2,
        gross: Some(Decimal::from_scaled(i128::from(index) * 4_387_123_457)),
        net: Decimal::from_scaled(i128::from(index) * 3_141_592_653),
        currency: Currency::EUR,
        original_currency: None,
        fx_rate: None,
    })
}

/// Bytes of a line's values in their stored widths: text as UTF-8, numbers at their column
/// width (u64/i64 8, dates 4, decimals 16).
fn content_size(line: &SaleLine) -> u64 {
    let text = [
        &line.service,
        &line.reported_upc,
        &line.reported_isrc,
        &line.catalog_number,
        &line.proprietary_id,
        &line.release_title,
        &line.track_title,
        &line.artist,
    ]
    .iter()
    .map(|field| field.len())
    .sum::<usize>()
        + line.upc.as_ref().map_or(0, |upc| upc.as_str().len())
        + line.isrc.as_ref().map_or(0, |isrc| isrc.as_str().len())
        + 2 // territory
        + line.usage.name().len()
        + line.tier.name().len()
        + 3 * (1 + usize::from(line.original_currency.is_some()));
    let fixed = 8
        + 3 * 4
        + 8
        + 16 * (1 + usize::from(line.gross.is_some()) + usize::from(line.fx_rate.is_some()));
    u64::try_from(text + fixed).unwrap_or(u64::MAX)
}

fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmHWM"))
                .map(str::to_string)
        })
        .unwrap_or_else(|| "peak memory unknown on this platform".to_string())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let count: u64 = match std::env::args().nth(1) {
        Some(text) => text.parse()?,
        None => 1_000_000,
    };
    let zstd_level: i32 = match std::env::args().nth(2) {
        Some(text) => text.parse()?,
        None => WriterOptions::default().zstd_level,
    };
    let pool: Vec<SaleLine> = (0..4_096).map(pool_line).collect::<Result<_, _>>()?;
    let temporary = tempfile::tempdir()?;
    let lake_dir = match std::env::args().nth(3) {
        Some(dir) => std::path::PathBuf::from(dir),
        None => temporary.path().to_path_buf(),
    };

    // What producing the lines costs on its own (clone + drop), to separate it from the lake.
    let started = Instant::now();
    let mut checksum = 0u64;
    for index in 0..count {
        let line = pool[usize::try_from(index % 4_096)?].clone();
        checksum = checksum.wrapping_add(line.line_number);
        drop(std::hint::black_box(line));
    }
    println!(
        "cloning {count} lines alone: {} ms ({checksum})",
        started.elapsed().as_millis()
    );

    let started = Instant::now();
    let options = WriterOptions {
        zstd_level,
        ..WriterOptions::default()
    };
    let mut writer = LakeWriter::create_with(lake_dir.as_path(), KEY, options)?;
    let mut content_bytes: u64 = 0;
    for index in 0..count {
        let mut line = pool[usize::try_from(index % 4_096)?].clone();
        // Vary the numbers so that the file is not one repeated block.
        let mixed = index.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
        line.line_number = index + 1;
        line.units = i64::try_from(mixed % 5_000)?;
        line.net = Decimal::from_scaled(i128::from(mixed) * 1_000_003);
        line.gross = Some(Decimal::from_scaled(i128::from(mixed) * 1_400_017));
        content_bytes += content_size(&line);
        writer.accept(line)?;
    }
    let staged = writer.finish()?;
    staged.publish()?;
    let write_time = started.elapsed();

    let bytes: u64 = import_parts(lake_dir.as_path(), KEY)?
        .iter()
        .map(|part| std::fs::metadata(part).map(|metadata| metadata.len()))
        .sum::<Result<u64, _>>()?;
    let micros = write_time.as_micros().max(1);
    println!(
        "wrote {count} lines (zstd {zstd_level}) in {} ms: {} lines/s, {} MB/s of line content \
         ({} bytes), {} bytes of Parquet ({} bytes/line)",
        write_time.as_millis(),
        u128::from(count) * 1_000_000 / micros,
        u128::from(content_bytes) / micros,
        content_bytes,
        bytes,
        bytes / count.max(1),
    );

    println!("after writing: {}", peak_memory());

    let started = Instant::now();
    let mut read = 0u64;
    for line in read_import(lake_dir.as_path(), KEY)? {
        line?;
        read += 1;
    }
    let read_time = started.elapsed();
    println!(
        "read {read} lines in {} ms: {} lines/s",
        read_time.as_millis(),
        u128::from(read) * 1_000_000 / read_time.as_micros().max(1)
    );
    println!("after reading: {}", peak_memory());
    Ok(())
}
