-- Monthly exchange rates, as the label imports them (`ledgerline fx import`). A rate converts
-- one unit of from_currency into to_currency for sales of that month. Rates given in a report
-- take precedence over this table (the engine decides). A rate, once imported, is kept: the
-- statements computed with it must stay explainable; a different rate for the same month and
-- pair is refused rather than silently replacing it.
CREATE TABLE fx_rates (
    month         TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    from_currency TEXT NOT NULL CHECK (length(from_currency) = 3),
    to_currency   TEXT NOT NULL CHECK (length(to_currency) = 3),
    rate          TEXT NOT NULL CHECK (rate <> '' AND rate NOT GLOB '*[^0-9.]*'),
    source_file   TEXT NOT NULL,
    imported_at   TEXT NOT NULL,
    PRIMARY KEY (month, from_currency, to_currency),
    CHECK (from_currency <> to_currency)
) STRICT;

CREATE TRIGGER fx_rates_are_kept_update BEFORE UPDATE ON fx_rates
BEGIN
    SELECT RAISE(ABORT, 'exchange rates are kept as imported: a rate cannot be changed');
END;

CREATE TRIGGER fx_rates_are_kept_delete BEFORE DELETE ON fx_rates
BEGIN
    SELECT RAISE(ABORT, 'exchange rates are kept as imported: a rate cannot be removed');
END;
