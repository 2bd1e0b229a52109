-- Dead letters are listed and redriven in id order (the cursor is the last id),
-- mostly for one destination at a time. The indexes of 000001 lead with
-- dead_lettered_at, so "this destination's next page after id N" had to read
-- and sort every dead letter of the destination for each page.

-- The operator's list: one destination, in id order.
CREATE INDEX dead_letters_destination_id_idx ON dead_letters (destination_id, id);

-- A redrive by filter walks only the dead letters not yet redriven; the index
-- shrinks as they are redriven, so a repeat redrive reads nothing it did before.
CREATE INDEX dead_letters_pending_idx ON dead_letters (destination_id, id) WHERE redriven_at IS NULL;
