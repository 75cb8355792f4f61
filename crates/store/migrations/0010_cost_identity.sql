-- The identity of a cost row. A costs file may carry a `cost_id` column, the label's own
-- reference for each cost: a row whose cost_id was recorded before is that cost again (skipped
-- when it says the same, refused when it says something else), so a file that keeps growing
-- can be imported again without charging its earlier rows twice. Rows recorded without one
-- (and every row recorded before this migration) have NULL here and are known by their
-- content. Like the rest of the costs table, the column is a fact: the triggers of migration
-- 0004 refuse any UPDATE or DELETE.

ALTER TABLE costs ADD COLUMN cost_id TEXT CHECK (cost_id IS NULL OR (cost_id <> '' AND length(cost_id) <= 100));

CREATE UNIQUE INDEX costs_by_cost_id ON costs (cost_id) WHERE cost_id IS NOT NULL;
