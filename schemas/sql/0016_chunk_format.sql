-- Chunks written from now on are Gorilla-class (vd_chunk format 2: bit-packed
-- delta-of-delta timestamps, decimal or XOR values). Chunks already here stay
-- in format 1 and are read as they are; compaction rewrites a format 1 chunk
-- in format 2 when it extends it.
ALTER TABLE chunk ADD COLUMN format INTEGER NOT NULL DEFAULT 1;
