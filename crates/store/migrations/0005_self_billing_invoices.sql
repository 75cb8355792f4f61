-- Self-billing invoices: numbered in one sequence across the ledger, as VAT rules require, when
-- the period they belong to is closed. A number once given is never given again or removed.
CREATE TABLE self_billing_invoices (
    number    INTEGER PRIMARY KEY CHECK (number >= 1),
    payee_id  TEXT NOT NULL,
    period    TEXT NOT NULL REFERENCES periods (id),
    issued_at TEXT NOT NULL,
    UNIQUE (payee_id, period)
) STRICT;

CREATE TRIGGER self_billing_invoices_are_facts_update BEFORE UPDATE ON self_billing_invoices
BEGIN SELECT RAISE(ABORT, 'an invoice number once given is kept'); END;
CREATE TRIGGER self_billing_invoices_are_facts_delete BEFORE DELETE ON self_billing_invoices
BEGIN SELECT RAISE(ABORT, 'an invoice number once given is kept'); END;
