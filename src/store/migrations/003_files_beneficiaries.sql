-- 003 evidence files, support programmes and the beneficiaries register.
-- Portable SQL only (SQLite and PostgreSQL): INTEGER, TEXT, BLOB; times are INTEGER
-- seconds since the epoch (UTC); dates are INTEGER days since the epoch.
-- Personal data (ID numbers, bank accounts) is never stored in clear: only sealed
-- (nonce || secretbox), as a keyed blind index, and as a salted commitment.

-- One row per bureau that stored a file; the bytes live once, content-addressed, in
-- <data_dir>/files/ab/cd/<sha256>. uploaded_by is the user id (0 for the system).
CREATE TABLE evidence_file (
	id INTEGER PRIMARY KEY,
	bureau_id INTEGER NOT NULL REFERENCES bureau(id),
	sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
	size INTEGER NOT NULL CHECK (size > 0),
	media_type TEXT NOT NULL,
	name TEXT NOT NULL,
	uploaded_by INTEGER NOT NULL,
	uploaded_by_login TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	UNIQUE (bureau_id, sha256)
);
CREATE INDEX evidence_file_sha256 ON evidence_file(sha256);

-- Post-relocation support (后期扶持): an amount per person per year, in fen, for a
-- number of years from relocation, paid 1, 4 or 12 times a year.
CREATE TABLE programme (
	id INTEGER PRIMARY KEY,
	bureau_id INTEGER NOT NULL REFERENCES bureau(id),
	name TEXT NOT NULL,
	amount_per_year_fen INTEGER NOT NULL CHECK (amount_per_year_fen > 0),
	years INTEGER NOT NULL CHECK (years BETWEEN 1 AND 100),
	periods_per_year INTEGER NOT NULL CHECK (periods_per_year IN (1, 4, 12)),
	created_at INTEGER NOT NULL,
	UNIQUE (bureau_id, name)
);

-- A resettled person (扶持对象), enrolled in one programme of their bureau. status:
-- 1 active, 2 deceased, 3 moved, 4 suspended; status_since is the date it took
-- effect. support_ends_on is the last day of support (relocation + the programme's
-- years, less a day). The sealed columns, the index and the salt are NULL once the
-- person's data is erased.
CREATE TABLE beneficiary (
	id INTEGER PRIMARY KEY,
	bureau_id INTEGER NOT NULL REFERENCES bureau(id),
	programme_id INTEGER NOT NULL REFERENCES programme(id),
	name TEXT NOT NULL,
	village TEXT NOT NULL DEFAULT '',
	household_id TEXT NOT NULL DEFAULT '',
	relocated_on INTEGER NOT NULL,
	support_ends_on INTEGER NOT NULL,
	status INTEGER NOT NULL CHECK (status BETWEEN 1 AND 4),
	status_since INTEGER NOT NULL,
	status_reason TEXT NOT NULL DEFAULT '',
	id_number_sealed BLOB,
	id_number_index BLOB,
	id_number_commit BLOB NOT NULL,
	pd_salt BLOB,
	bank_account_sealed BLOB,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	UNIQUE (programme_id, id_number_index)
);
CREATE INDEX beneficiary_bureau ON beneficiary(bureau_id, id);
CREATE INDEX beneficiary_payroll ON beneficiary(programme_id, status, status_since);
CREATE INDEX beneficiary_id_index ON beneficiary(id_number_index);

-- Every status a beneficiary had, from registration on (the first row is the
-- status at relocation). 'since' never goes back in time for one beneficiary.
CREATE TABLE beneficiary_status (
	id INTEGER PRIMARY KEY,
	bureau_id INTEGER NOT NULL REFERENCES bureau(id),
	beneficiary_id INTEGER NOT NULL REFERENCES beneficiary(id),
	status INTEGER NOT NULL CHECK (status BETWEEN 1 AND 4),
	since INTEGER NOT NULL,
	reason TEXT NOT NULL DEFAULT '',
	actor TEXT NOT NULL,
	at INTEGER NOT NULL
);
CREATE INDEX beneficiary_status_at ON beneficiary_status(beneficiary_id, since, id);
