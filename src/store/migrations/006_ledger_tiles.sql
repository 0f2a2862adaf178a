-- 006 ledger tiles: the fund ledger's stored hashes in tiles of 256, as in C2SP
-- tlog-tiles, instead of one row per subtree (see src/ledger/ledger.h).
--
-- Tile (level L, idx i) holds, concatenated, the hashes of the perfect subtrees of
-- height 8L numbered 256i … 256i + 255 (32 bytes each, in order): level 0 holds the
-- leaf hashes, level 1 the roots of each 256 entries, and so on. The rightmost tile
-- of a level is partial (fewer than 256 hashes) and grows as entries are appended.
-- Hashes between tile levels are recomputed from a tile (at most 255 hashes), so a
-- proof still reads O(log n) rows, and verification reads n / 256 rows of hashes
-- instead of 2n.
CREATE TABLE ledger_tile (
	id INTEGER PRIMARY KEY,
	bureau_id INTEGER NOT NULL REFERENCES bureau(id),
	level INTEGER NOT NULL,
	idx INTEGER NOT NULL,
	hashes BLOB NOT NULL,
	UNIQUE (bureau_id, level, idx)
);

-- The stored subtree hashes at heights 0, 8, 16, … move into tiles: eight rounds
-- of pairing neighbours (runs of 1, 2, 4, … 256 hashes), in portable SQL. The
-- other heights are recomputed from the tiles and are dropped.
CREATE TABLE ledger_tile_r0 AS
	SELECT l.bureau_id AS bureau_id, l.level / 8 AS level, l.idx / 2 AS idx,
	       CASE WHEN r.hash IS NULL THEN l.hash ELSE CAST(l.hash || r.hash AS BLOB) END AS hashes
	FROM ledger_node l LEFT JOIN ledger_node r
	  ON r.bureau_id = l.bureau_id AND r.level = l.level AND r.idx = l.idx + 1
	WHERE l.level % 8 = 0 AND l.idx % 2 = 0;
CREATE INDEX ledger_tile_r0_key ON ledger_tile_r0(bureau_id, level, idx);
CREATE TABLE ledger_tile_r1 AS
	SELECT l.bureau_id AS bureau_id, l.level AS level, l.idx / 2 AS idx,
	       CASE WHEN r.hashes IS NULL THEN l.hashes ELSE CAST(l.hashes || r.hashes AS BLOB) END AS hashes
	FROM ledger_tile_r0 l LEFT JOIN ledger_tile_r0 r ON r.bureau_id = l.bureau_id AND r.level = l.level AND r.idx = l.idx + 1
	WHERE l.idx % 2 = 0;
CREATE INDEX ledger_tile_r1_key ON ledger_tile_r1(bureau_id, level, idx);
CREATE TABLE ledger_tile_r2 AS
	SELECT l.bureau_id AS bureau_id, l.level AS level, l.idx / 2 AS idx,
	       CASE WHEN r.hashes IS NULL THEN l.hashes ELSE CAST(l.hashes || r.hashes AS BLOB) END AS hashes
	FROM ledger_tile_r1 l LEFT JOIN ledger_tile_r1 r ON r.bureau_id = l.bureau_id AND r.level = l.level AND r.idx = l.idx + 1
	WHERE l.idx % 2 = 0;
CREATE INDEX ledger_tile_r2_key ON ledger_tile_r2(bureau_id, level, idx);
CREATE TABLE ledger_tile_r3 AS
	SELECT l.bureau_id AS bureau_id, l.level AS level, l.idx / 2 AS idx,
	       CASE WHEN r.hashes IS NULL THEN l.hashes ELSE CAST(l.hashes || r.hashes AS BLOB) END AS hashes
	FROM ledger_tile_r2 l LEFT JOIN ledger_tile_r2 r ON r.bureau_id = l.bureau_id AND r.level = l.level AND r.idx = l.idx + 1
	WHERE l.idx % 2 = 0;
CREATE INDEX ledger_tile_r3_key ON ledger_tile_r3(bureau_id, level, idx);
CREATE TABLE ledger_tile_r4 AS
	SELECT l.bureau_id AS bureau_id, l.level AS level, l.idx / 2 AS idx,
	       CASE WHEN r.hashes IS NULL THEN l.hashes ELSE CAST(l.hashes || r.hashes AS BLOB) END AS hashes
	FROM ledger_tile_r3 l LEFT JOIN ledger_tile_r3 r ON r.bureau_id = l.bureau_id AND r.level = l.level AND r.idx = l.idx + 1
	WHERE l.idx % 2 = 0;
CREATE INDEX ledger_tile_r4_key ON ledger_tile_r4(bureau_id, level, idx);
CREATE TABLE ledger_tile_r5 AS
	SELECT l.bureau_id AS bureau_id, l.level AS level, l.idx / 2 AS idx,
	       CASE WHEN r.hashes IS NULL THEN l.hashes ELSE CAST(l.hashes || r.hashes AS BLOB) END AS hashes
	FROM ledger_tile_r4 l LEFT JOIN ledger_tile_r4 r ON r.bureau_id = l.bureau_id AND r.level = l.level AND r.idx = l.idx + 1
	WHERE l.idx % 2 = 0;
CREATE INDEX ledger_tile_r5_key ON ledger_tile_r5(bureau_id, level, idx);
CREATE TABLE ledger_tile_r6 AS
	SELECT l.bureau_id AS bureau_id, l.level AS level, l.idx / 2 AS idx,
	       CASE WHEN r.hashes IS NULL THEN l.hashes ELSE CAST(l.hashes || r.hashes AS BLOB) END AS hashes
	FROM ledger_tile_r5 l LEFT JOIN ledger_tile_r5 r ON r.bureau_id = l.bureau_id AND r.level = l.level AND r.idx = l.idx + 1
	WHERE l.idx % 2 = 0;
CREATE INDEX ledger_tile_r6_key ON ledger_tile_r6(bureau_id, level, idx);
CREATE TABLE ledger_tile_r7 AS
	SELECT l.bureau_id AS bureau_id, l.level AS level, l.idx / 2 AS idx,
	       CASE WHEN r.hashes IS NULL THEN l.hashes ELSE CAST(l.hashes || r.hashes AS BLOB) END AS hashes
	FROM ledger_tile_r6 l LEFT JOIN ledger_tile_r6 r ON r.bureau_id = l.bureau_id AND r.level = l.level AND r.idx = l.idx + 1
	WHERE l.idx % 2 = 0;
INSERT INTO ledger_tile(bureau_id, level, idx, hashes)
	SELECT bureau_id, level, idx, hashes FROM ledger_tile_r7 ORDER BY bureau_id, level, idx;
DROP TABLE ledger_tile_r0;
DROP TABLE ledger_tile_r1;
DROP TABLE ledger_tile_r2;
DROP TABLE ledger_tile_r3;
DROP TABLE ledger_tile_r4;
DROP TABLE ledger_tile_r5;
DROP TABLE ledger_tile_r6;
DROP TABLE ledger_tile_r7;
DROP TABLE ledger_node;
