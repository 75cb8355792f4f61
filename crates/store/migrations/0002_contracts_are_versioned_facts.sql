-- Contract versions are history: a change is a new version, so a stored version is never
-- updated or removed (statements computed under it must stay explainable).
CREATE TRIGGER contracts_are_append_only_update
BEFORE UPDATE ON contracts
BEGIN
    SELECT RAISE(ABORT, 'contract versions are append-only: import the change as a new version');
END;

CREATE TRIGGER contracts_are_append_only_delete
BEFORE DELETE ON contracts
BEGIN
    SELECT RAISE(ABORT, 'contract versions are append-only: import the change as a new version');
END;

CREATE INDEX contracts_by_validity ON contracts (contract_id, valid_from);
