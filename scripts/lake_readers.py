"""Reads every import of a Ledgerline lake with DuckDB and with Polars and compares each line,
column by column, with the lines Ledgerline's own reader gives (scripts/lake-readers.sh).

    python lake_readers.py LAKE_DIR EXPECTED_DIR

Amounts are compared as decimal.Decimal, dates as ISO text, nulls as nulls; the order of the
lines is the order of the part files and of the rows in them.
"""

import datetime
import decimal
import glob
import json
import os
import sys

import duckdb
import polars as pl

AMOUNTS = {"gross", "net", "fx_rate"}


def normal(column, value):
    if value is None:
        return None
    if column in AMOUNTS:
        return decimal.Decimal(str(value))
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def rows_of(records, columns):
    return [tuple(normal(column, record[column]) for column in columns) for record in records]


def main(lake, expected_dir):
    connection = duckdb.connect()
    problems = []
    imports = sorted(os.listdir(expected_dir))
    lines = 0
    for name in imports:
        key = name.removesuffix(".jsonl")
        with open(os.path.join(expected_dir, name), encoding="utf-8") as file:
            expected = [json.loads(line) for line in file if line.strip()]
        parts = sorted(glob.glob(os.path.join(lake, "imports", key, "*.parquet")))
        if not parts:
            problems.append(f"{key}: no part files in the lake")
            continue
        duck = connection.execute("SELECT * FROM read_parquet(?)", [parts])
        columns = [column[0] for column in duck.description]
        from_duckdb = [dict(zip(columns, row)) for row in duck.fetchall()]
        from_polars = pl.read_parquet(parts).to_dicts()
        if expected and sorted(expected[0]) != sorted(columns):
            problems.append(f"{key}: the lake has columns {columns}, Ledgerline's lines {sorted(expected[0])}")
            continue
        want = rows_of(expected, columns)
        for reader, got in (("duckdb", rows_of(from_duckdb, columns)), ("polars", rows_of(from_polars, columns))):
            if len(got) != len(want):
                problems.append(f"{key}: {reader} reads {len(got)} lines, Ledgerline {len(want)}")
                continue
            for index, (left, right) in enumerate(zip(want, got)):
                if left != right:
                    differing = [f"{column}: {a!r} vs {b!r}" for column, a, b in zip(columns, left, right) if a != b]
                    problems.append(f"{key} line {index + 1}: {reader} differs: {'; '.join(differing)}")
                    break
        lines += len(want)
    if problems:
        print("\n".join(problems[:20]))
        sys.exit(1)
    print(f"duckdb {duckdb.__version__} and polars {pl.__version__} read {len(imports)} imports, {lines} lines, exactly as Ledgerline wrote them")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
