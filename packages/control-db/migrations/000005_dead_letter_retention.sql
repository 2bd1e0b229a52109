-- Dead letters are kept for PUSHRAIL_DEAD_LETTER_RETENTION_DAYS after they
-- are redriven or discarded, then deleted by the worker's sweeper
-- (docs/operations.md). A discarded dead letter is one an operator chose not
-- to deliver (DELETE /admin/v1/dead-letters): never redriven after.
ALTER TABLE dead_letters ADD COLUMN discarded_at timestamptz;

-- Pending now means neither redriven nor discarded.
DROP INDEX dead_letters_pending_idx;
CREATE INDEX dead_letters_pending_idx ON dead_letters (destination_id, id) WHERE redriven_at IS NULL AND discarded_at IS NULL;

-- The sweeper's retention pass: resolved dead letters, oldest resolution first.
CREATE INDEX dead_letters_resolved_idx ON dead_letters ((COALESCE(redriven_at, discarded_at)), id)
  WHERE redriven_at IS NOT NULL OR discarded_at IS NOT NULL;
