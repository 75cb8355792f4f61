"""Writes the benchmark's splits from a synth catalog, deterministically.

    python3 splits.py CATALOG_CSV PARTIES_CSV SPLITS_CSV CONTRACT_PAYEES_CSV

Every track of the catalog (catalog.csv, in file order) gets 1 to 3 payees from parties.csv with
shares of at most two decimal places, cycling through patterns that exercise what Ledgerline's
rounding has to get right: shares adding up to 1 and to less than 1 (the label keeps the rest),
parts of the total that are not finite decimals (0.5, 0.3, 0.1 of 0.9), and equal shares (ties
in the largest-remainder split).

SPLITS_CSV is the file Ledgerline imports (`ledgerline contracts import splits.csv`, see
docs/contracts.md, "Simple splits in bulk").

CONTRACT_PAYEES_CSV is the same deal as Ledgerline's contract import makes it, for Polars and
DuckDB: one row per contract and payee with the contract (SPLIT-<ISRC>), the ISRC, the payee's
position in the contract's payee list, the share as written and the payee's share of the
contract. A split contract's royalty rate is the total of its shares; the payees share it in
proportion to their shares: the shares as written when they add up to 1, else 1 allocated by
the shares to 12 decimal places by largest remainder, ties to the earlier payee
(crates/contracts/src/splits.rs, `split_contract`; crates/money/src/allocation.rs). Deriving it
is part of the untimed setup, like `contracts import` is for Ledgerline.

Exact arithmetic only: shares are integers of 10^-12 here, never floats.
"""

import csv
import sys

SCALE = 10**12

# Shares in hundredths, cycled by track. The patterns are chosen so that each kind of rounding
# occurs on every catalog: totals of 1 and below 1, thirds and ninths, equal shares.
PATTERNS = [
    [100],
    [50, 30],
    [50, 30, 10],
    [60, 40],
    [25, 25, 25],
    [50],
    [40, 30, 30],
    [35, 35],
    [70, 20, 5],
    [33, 33],
    [45, 45, 10],
]

# Payees are picked with these steps through the parties, so that every party gets tracks and
# the payees of one track are distinct (the parties number more than the largest step).
PAYEE_STRIDE = 7
PAYEE_STEP = 3


def allocate_units(total, weights):
    """Largest-remainder allocation of `total` units by integer weights, ties to the earlier
    part: `ledgerline_money::allocate_units`."""
    weight_sum = sum(weights)
    magnitude = abs(total)
    floors = [magnitude * weight // weight_sum for weight in weights]
    remainders = [magnitude * weight % weight_sum for weight in weights]
    leftover = magnitude - sum(floors)
    order = sorted(range(len(weights)), key=lambda index: (-remainders[index], index))
    for index in order[:leftover]:
        floors[index] += 1
    sign = -1 if total < 0 else 1
    return [sign * part for part in floors]


def fixed(units, digits):
    """An integer count of 10^-digits as decimal text."""
    sign = "-" if units < 0 else ""
    whole, fraction = divmod(abs(units), 10**digits)
    return f"{sign}{whole}.{fraction:0{digits}d}"


def main(catalog_path, parties_path, splits_path, contract_payees_path):
    with open(parties_path, newline="", encoding="utf-8-sig") as file:
        parties = [row["party_id"] for row in csv.DictReader(file)]
    if len(parties) <= PAYEE_STEP * 2:
        sys.exit(f"splits.py: {parties_path} has {len(parties)} parties; the splits need at least {PAYEE_STEP * 2 + 1}")
    with open(catalog_path, newline="", encoding="utf-8-sig") as file:
        isrcs = []
        for row in csv.DictReader(file):
            isrc = row["isrc"].strip()
            if isrc and isrc not in isrcs:
                isrcs.append(isrc)

    with open(splits_path, "w", newline="", encoding="utf-8") as splits_file, open(
        contract_payees_path, "w", newline="", encoding="utf-8"
    ) as payees_file:
        splits = csv.writer(splits_file, lineterminator="\n")
        splits.writerow(["isrc", "payee", "share"])
        contract_payees = csv.writer(payees_file, lineterminator="\n")
        contract_payees.writerow(["contract", "isrc", "position", "payee", "share", "contract_share"])
        for index, isrc in enumerate(isrcs):
            hundredths = PATTERNS[index % len(PATTERNS)]
            payees = [parties[(index * PAYEE_STRIDE + k * PAYEE_STEP) % len(parties)] for k in range(len(hundredths))]
            weights = [h * SCALE // 100 for h in hundredths]
            if sum(weights) == SCALE:
                contract_shares = weights
            else:
                contract_shares = allocate_units(SCALE, weights)
            assert sum(contract_shares) == SCALE
            for position, (payee, h, weight, contract_share) in enumerate(zip(payees, hundredths, weights, contract_shares)):
                splits.writerow([isrc, payee, fixed(h, 2)])
                contract_payees.writerow(
                    [f"SPLIT-{isrc}", isrc, position, payee, fixed(weight, 12), fixed(contract_share, 12)]
                )


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
