"""Per-payee earnings of a FUGA-layout CSV under simple splits, with Polars, to the cent as
Ledgerline computes them (docs/royalties.md, "Earnings to the cent").

    python polars_payees.py FUGA_CSV CONTRACT_PAYEES_CSV OUT_CSV [--keep-lines PARQUET]

With --keep-lines, the work Ledgerline's import does besides the query: every line is read,
its columns that Ledgerline's FUGA mapping reads parsed to their types (money.KEPT_COLUMNS) and
stored in one zstd Parquet file; the totals are then computed from that file.

1. Lazy scan of the CSV; group by ISRC x service x territory x tier (and currency), summing
   "Reported Royalty" as Decimal(38, 12).
2. Join to the split contracts by ISRC: lines of recordings without one (not in the catalog:
   suspense) earn nothing. Per contract, the exact earnings are rate x net (the rate is the
   total of the shares), rounded once half-even to the cent.
3. The rounded total is split between the contract's payees in proportion to their shares of
   the contract by largest remainder, ties to the earlier payee; a negative total is split
   by its magnitude.
4. Summed per payee. Decimal types throughout, never floats.
"""

import sys
from decimal import Decimal

import polars as pl

from money import CURRENCY, ISRC, KEPT_COLUMNS, NET, SERVICE, TERRITORY, TIER, write_totals

MONEY = pl.Decimal(38, 12)


def scan_lines(fuga_csv):
    return pl.scan_csv(
        fuga_csv,
        schema_overrides={ISRC: pl.String, SERVICE: pl.String, TERRITORY: pl.String, TIER: pl.String, CURRENCY: pl.String, NET: MONEY},
        infer_schema=False,
    )


def keep_lines(fuga_csv, parquet):
    """Stores every line's kept columns, typed, in PARQUET (zstd); a malformed value fails."""
    types = {"text": pl.String, "integer": pl.Int64, "money": MONEY, "date": pl.String}
    columns = pl.scan_csv(fuga_csv, infer_schema=False, schema_overrides={name: types[kind] for name, kind in KEPT_COLUMNS.items()})
    typed = columns.select(
        [pl.col(name).str.to_date("%Y-%m-%d", strict=True) if kind == "date" else pl.col(name) for name, kind in KEPT_COLUMNS.items()]
    )
    typed.sink_parquet(parquet, compression="zstd")
    return pl.scan_parquet(parquet)


def payee_totals(lines, contract_payees_csv):
    receipts = lines.group_by(ISRC, SERVICE, TERRITORY, TIER, CURRENCY).agg(pl.col(NET).sum().alias("net"))

    payees = pl.scan_csv(
        contract_payees_csv,
        schema_overrides={"contract": pl.String, "isrc": pl.String, "position": pl.Int32, "payee": pl.String, "share": MONEY, "contract_share": MONEY},
    )
    contracts = payees.group_by("contract", "isrc").agg(pl.col("share").sum().alias("rate"))

    per_contract = (
        receipts.join(contracts, left_on=ISRC, right_on="isrc", how="inner")
        .group_by("contract", CURRENCY)
        # Polars keeps 12 places in a product of Decimal(38, 12)s, as Ledgerline does; with
        # splits.py's shares (two places) and FUGA's amounts (eight) the product is exact.
        .agg((pl.col("rate").first() * pl.col("net").sum()).alias("exact"))
        # Rounded once to the cent, half-even: Polars rounds decimals half to even.
        .with_columns(cents=(pl.col("exact").round(2, mode="half_to_even") * 100).cast(pl.Decimal(38, 0)))
    )

    parts = (
        per_contract.join(payees, on="contract", how="inner")
        # Exact: a whole number of cents times a share of 12 places.
        .with_columns(product=pl.col("cents").abs().cast(MONEY) * pl.col("contract_share"))
        .with_columns(floor=pl.col("product").floor())
        .with_columns(remainder=pl.col("product") - pl.col("floor"))
        .sort(["contract", "remainder", "position"], descending=[False, True, False])
        .with_columns(
            rank=pl.int_range(1, pl.len() + 1).over("contract"),
            leftover=pl.col("cents").abs().cast(MONEY) - pl.col("floor").sum().over("contract"),
        )
        .with_columns(
            part=(pl.col("floor") + pl.when(pl.col("rank").cast(MONEY) <= pl.col("leftover")).then(1).otherwise(0).cast(MONEY))
            * pl.when(pl.col("cents") < 0).then(-1).otherwise(1).cast(MONEY)
        )
    )
    totals = (
        parts.group_by("payee", CURRENCY)
        .agg((pl.col("part").sum() * pl.lit(Decimal("0.01"), dtype=MONEY)).cast(pl.Decimal(38, 2)).alias("earnings"))
        .sort("payee")
    )
    # No float anywhere in the plan: checked on the schemas, before any work is done.
    for name, frame in [("receipts", receipts), ("per_contract", per_contract), ("parts", parts), ("totals", totals)]:
        floats = [column for column, dtype in frame.collect_schema().items() if dtype.is_float()]
        if floats:
            sys.exit(f"polars_payees.py: {name} has float columns {floats}")
    totals = totals.collect()
    return [(row["payee"], row[CURRENCY], str(row["earnings"])) for row in totals.iter_rows(named=True)]


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[4] == "--keep-lines":
        lines = keep_lines(sys.argv[1], sys.argv[5])
    elif len(sys.argv) == 4:
        lines = scan_lines(sys.argv[1])
    else:
        sys.exit(__doc__)
    write_totals(sys.argv[3], payee_totals(lines, sys.argv[2]))
