-- 002 ledger: the tamper-evident fund ledger, one RFC 6962 / RFC 9162 Merkle tree per
-- bureau (see src/ledger/ledger.h for exactly which bytes are hashed).
-- Portable SQL only: INTEGER, TEXT, BLOB. Every row carries bureau_id.

-- One row per entry: 'data' holds the exact bytes hashed as the leaf.
CREATE TABLE ledger_entry (
	id INTEGER PRIMARY KEY,
	bureau_id INTEGER NOT NULL REFERENCES bureau(id),
	idx INTEGER NOT NULL,
	type TEXT NOT NULL,
	at INTEGER NOT NULL,
	data BLOB NOT NULL,
	UNIQUE (bureau_id, idx)
);

-- The hash of every complete perfect subtree: level 0 holds the leaf hashes, node
-- (level, idx) covers the entries [idx * 2^level, (idx + 1) * 2^level).
CREATE TABLE ledger_node (
	id INTEGER PRIMARY KEY,
	bureau_id INTEGER NOT NULL REFERENCES bureau(id),
	level INTEGER NOT NULL,
	idx INTEGER NOT NULL,
	hash BLOB NOT NULL,
	UNIQUE (bureau_id, level, idx)
);

-- The state of each bureau's tree: its size and the roots of the perfect subtrees
-- that make it up (32 bytes each, largest first), and when it was last signed.
CREATE TABLE ledger_head (
	id INTEGER PRIMARY KEY,
	bureau_id INTEGER NOT NULL UNIQUE REFERENCES bureau(id),
	code TEXT NOT NULL,
	size INTEGER NOT NULL,
	frontier BLOB NOT NULL,
	checkpoint_size INTEGER NOT NULL,
	checkpoint_at INTEGER NOT NULL
);

-- Signed tree heads: C2SP tlog checkpoints as signed notes.
CREATE TABLE ledger_checkpoint (
	id INTEGER PRIMARY KEY,
	bureau_id INTEGER NOT NULL REFERENCES bureau(id),
	size INTEGER NOT NULL,
	root BLOB NOT NULL,
	at INTEGER NOT NULL,
	note TEXT NOT NULL,
	UNIQUE (bureau_id, size)
);
CREATE INDEX ledger_checkpoint_at ON ledger_checkpoint(bureau_id, at);

-- The parent bureau's countersignatures of a child's checkpoints (ok = 1, 'note'
-- carries both signature lines) and its refusals (ok = 0, with the reason).
CREATE TABLE ledger_countersign (
	id INTEGER PRIMARY KEY,
	bureau_id INTEGER NOT NULL REFERENCES bureau(id),
	parent_id INTEGER NOT NULL REFERENCES bureau(id),
	size INTEGER NOT NULL,
	root BLOB NOT NULL,
	at INTEGER NOT NULL,
	ok INTEGER NOT NULL,
	note TEXT NOT NULL,
	reason TEXT NOT NULL
);
CREATE INDEX ledger_countersign_bureau ON ledger_countersign(bureau_id, ok, id);
