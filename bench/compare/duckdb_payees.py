"""Per-payee earnings of a FUGA-layout CSV under simple splits, with DuckDB, to the cent as
Ledgerline computes them (docs/royalties.md, "Earnings to the cent").

    python duckdb_payees.py FUGA_CSV CONTRACT_PAYEES_CSV OUT_CSV [--keep-lines PARQUET]

The same work as polars_payees.py, in one SQL query over read_csv: group by ISRC x service x
territory x tier (and currency) in DECIMAL(38, 12); join to the split contracts by ISRC (lines
of recordings without one are suspense and earn nothing); per contract rate x net, rounded once
half-even to the cent; split between the payees by largest remainder with window functions,
ties to the earlier payee; summed per payee. DECIMAL throughout: DuckDB's `/` on decimals gives
a DOUBLE, so the query never divides, and ROUND rounds half away from zero, so half-even is
written out.

With --keep-lines, as in polars_payees.py: every line's kept columns (money.KEPT_COLUMNS),
typed, are first stored in one zstd Parquet file, and the query reads that file.
"""

import sys

import duckdb

from money import CURRENCY, ISRC, KEPT_COLUMNS, NET, SERVICE, TERRITORY, TIER, write_totals

FROM_CSV = f"read_csv($fuga, header = true, all_varchar = true, types = {{'{NET}': 'DECIMAL(38,12)'}})"
FROM_PARQUET = "read_parquet($fuga)"
SQL_TYPES = {"text": "VARCHAR", "integer": "BIGINT", "money": "DECIMAL(38,12)", "date": "DATE"}

QUERY = f"""
WITH receipts AS (
    SELECT "{ISRC}" AS isrc, "{SERVICE}" AS service, "{TERRITORY}" AS territory, "{TIER}" AS tier,
           "{CURRENCY}" AS currency, sum("{NET}") AS net
    FROM {{lines}}
    GROUP BY ALL
),
payees AS (
    SELECT * FROM read_csv($payees, header = true,
        columns = {{'contract': 'VARCHAR', 'isrc': 'VARCHAR', 'position': 'INTEGER', 'payee': 'VARCHAR',
                   'share': 'DECIMAL(38,12)', 'contract_share': 'DECIMAL(38,12)'}})
),
contracts AS (
    SELECT contract, isrc, sum(share) AS rate FROM payees GROUP BY contract, isrc
),
per_contract AS (
    -- DECIMAL(38,12) x DECIMAL(38,12) is DECIMAL(38,24): exact.
    SELECT c.contract, r.currency, any_value(c.rate) * sum(r.net) * 100 AS exact_cents
    FROM receipts r JOIN contracts c ON r.isrc = c.isrc
    GROUP BY c.contract, r.currency
),
rounded AS (
    SELECT contract, currency,
           floor(exact_cents) AS whole,
           exact_cents - floor(exact_cents) AS fraction
    FROM per_contract
),
contract_cents AS (
    -- Half-even: above a half up, below down, exactly a half to the even neighbour.
    SELECT contract, currency,
           CAST(whole AS HUGEINT) + CASE
               WHEN fraction > 0.5 THEN 1
               WHEN fraction = 0.5 AND CAST(whole AS HUGEINT) % 2 <> 0 THEN 1
               ELSE 0 END AS cents
    FROM rounded
),
products AS (
    -- A whole number of cents times a share of 12 places: exact in DECIMAL(38,12).
    SELECT k.contract, k.currency, k.cents, p.position, p.payee,
           CAST(abs(k.cents) AS DECIMAL(38,0)) * p.contract_share AS product
    FROM contract_cents k JOIN payees p ON p.contract = k.contract
),
floors AS (
    SELECT *, floor(product) AS part_floor, product - floor(product) AS remainder FROM products
),
ranked AS (
    SELECT *,
           row_number() OVER (PARTITION BY contract ORDER BY remainder DESC, position) AS rank,
           abs(cents) - CAST(sum(part_floor) OVER (PARTITION BY contract) AS HUGEINT) AS leftover
    FROM floors
),
parts AS (
    SELECT payee, currency,
           sign(cents) * (CAST(part_floor AS HUGEINT) + CASE WHEN rank <= leftover THEN 1 ELSE 0 END) AS part_cents
    FROM ranked
)
SELECT payee, currency, CAST(CAST(sum(part_cents) AS DECIMAL(38,0)) * 0.01::DECIMAL(3,2) AS DECIMAL(38,2)) AS earnings
FROM parts
GROUP BY payee, currency
ORDER BY payee
"""


def keep_lines(connection, fuga_csv, parquet):
    """Stores every line's kept columns, typed, in PARQUET (zstd); a malformed value fails."""
    types = ", ".join(f"'{name}': '{SQL_TYPES[kind]}'" for name, kind in KEPT_COLUMNS.items())
    columns = ", ".join(f'"{name}"' for name in KEPT_COLUMNS)
    connection.execute(
        f"COPY (SELECT {columns} FROM read_csv($fuga, header = true, all_varchar = true, dateformat = '%Y-%m-%d', types = {{{types}}})) "
        f"TO '{parquet.replace(chr(39), chr(39) * 2)}' (FORMAT parquet, COMPRESSION zstd)",
        {"fuga": fuga_csv},
    )


def payee_totals(fuga_csv, contract_payees_csv, kept_lines=None):
    connection = duckdb.connect()
    if kept_lines is not None:
        keep_lines(connection, fuga_csv, kept_lines)
        query, source = QUERY.replace("{lines}", FROM_PARQUET), kept_lines
    else:
        query, source = QUERY.replace("{lines}", FROM_CSV), fuga_csv
    relation = connection.execute(f"DESCRIBE {query}", {"fuga": source, "payees": contract_payees_csv})
    floats = [row[0] for row in relation.fetchall() if row[1] in ("FLOAT", "DOUBLE", "REAL")]
    if floats:
        sys.exit(f"duckdb_payees.py: the result has float columns {floats}")
    rows = connection.execute(query, {"fuga": source, "payees": contract_payees_csv}).fetchall()
    return [(payee, currency, str(earnings)) for payee, currency, earnings in rows]


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[4] == "--keep-lines":
        kept = sys.argv[5]
    elif len(sys.argv) == 4:
        kept = None
    else:
        sys.exit(__doc__)
    write_totals(sys.argv[3], payee_totals(sys.argv[1], sys.argv[2], kept))
