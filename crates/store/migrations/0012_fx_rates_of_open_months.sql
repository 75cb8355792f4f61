-- Exchange rates of months no closed period covers can be corrected (`ledgerline fx import
-- --replace`): nothing issued was computed with them, and a wrong rate would otherwise stay
-- for good. A rate a closed period used (its month is in or before the last closed period, as
-- a period also takes every earlier month no closed period covers) is kept, as before: the
-- statements computed with it must stay explainable.

DROP TRIGGER fx_rates_are_kept_update;
DROP TRIGGER fx_rates_are_kept_delete;

CREATE TRIGGER fx_rates_of_closed_months_are_kept_update BEFORE UPDATE ON fx_rates
WHEN OLD.month <= (SELECT coalesce(max(last_month), '') FROM periods WHERE status = 'closed')
  OR NEW.month <> OLD.month OR NEW.from_currency <> OLD.from_currency OR NEW.to_currency <> OLD.to_currency
BEGIN
    SELECT RAISE(ABORT, 'exchange rates a closed period used are kept: this rate cannot be changed');
END;

CREATE TRIGGER fx_rates_are_kept_delete BEFORE DELETE ON fx_rates
BEGIN
    SELECT RAISE(ABORT, 'exchange rates are kept as imported: a rate cannot be removed');
END;
