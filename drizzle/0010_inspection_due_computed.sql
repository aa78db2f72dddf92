-- The next independent inspection is computed from the last one and the period of the level's rule of the day
-- (NĐ 85 Art. 20.2.c), never stored: a stored date went stale when the level changed.
ALTER TABLE "protection_layers" DROP COLUMN "next_inspection_date";