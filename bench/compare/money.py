"""What the Polars and DuckDB scripts share: the FUGA columns they read, and how they write
per-payee totals. No arithmetic on money here."""

import csv
import sys

# The FUGA royalty_product_and_asset.csv columns of the work (crates/formats/mappings/
# fuga-royalty-product-and-asset.toml): the recording, the grouping of a royalty statement
# line, and the net amount the label receives, already net of FUGA's fee.
ISRC = "Asset ISRC"
SERVICE = "Sale Store Name"
TERRITORY = "Territory"
TIER = "Sale User Type"
CURRENCY = "Currency"
NET = "Reported Royalty"

# The columns Ledgerline's FUGA mapping reads, with the type a line keeps each in: what the
# "lines kept" variants of the Polars and DuckDB scripts store for every line, as Ledgerline's
# lake does (dates as dates, quantities as integers, amounts as exact decimals).
KEPT_COLUMNS = {
    "Sale Start date": "date",
    "Sale End date": "date",
    SERVICE: "text",
    TERRITORY: "text",
    "Sale Type": "text",
    TIER: "text",
    "Product UPC": "text",
    ISRC: "text",
    "Product Catalog Number": "text",
    "Asset Reference": "text",
    "Product Reference": "text",
    "Product Title": "text",
    "Asset Title": "text",
    "Asset Artist": "text",
    "Product Artist": "text",
    "Product Quantity": "integer",
    "Asset Quantity": "integer",
    "Converted Gross Income": "money",
    NET: "money",
    CURRENCY: "text",
    "Original currency": "text",
    "Exchange Rate": "money",
}

# Ledgerline's accounting currency in a home made with `ledgerline init`.
ACCOUNTING_CURRENCY = "EUR"


def write_totals(path, rows):
    """Writes `payee,currency,earnings` rows (earnings as decimal text with two places),
    sorted by payee. Refuses any currency but the accounting currency: the benchmark's work
    converts nothing, so another currency would make the comparison meaningless."""
    rows = sorted(rows)
    for payee, currency, _ in rows:
        if currency != ACCOUNTING_CURRENCY:
            sys.exit(f"payee {payee} earns in {currency}; the benchmark's FUGA file must be all {ACCOUNTING_CURRENCY}")
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(["payee", "earnings"])
        for payee, _, earnings in rows:
            writer.writerow([payee, earnings])
