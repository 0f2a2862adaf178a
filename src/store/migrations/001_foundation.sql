-- 001 foundation: organisation, accounts, sessions, throttling, the audit log.
-- Portable SQL only (SQLite and PostgreSQL): INTEGER, TEXT, BLOB; times are INTEGER
-- seconds since the epoch (UTC); dates are INTEGER days since the epoch.
-- Every domain row carries bureau_id (DESIGN.md invariant 6).

CREATE TABLE bureau (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE CHECK (length(code) = 6),
	name TEXT NOT NULL,
	name_en TEXT NOT NULL DEFAULT '',
	level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
	parent_id INTEGER REFERENCES bureau(id),
	path TEXT NOT NULL UNIQUE,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE INDEX bureau_parent ON bureau(parent_id);

CREATE TABLE department (
	id INTEGER PRIMARY KEY,
	bureau_id INTEGER NOT NULL REFERENCES bureau(id),
	name TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	UNIQUE (bureau_id, name)
);

CREATE TABLE staff (
	id INTEGER PRIMARY KEY,
	bureau_id INTEGER NOT NULL REFERENCES bureau(id),
	department_id INTEGER REFERENCES department(id),
	employee_no TEXT NOT NULL,
	name TEXT NOT NULL,
	post TEXT NOT NULL DEFAULT '',
	status INTEGER NOT NULL CHECK (status BETWEEN 1 AND 3),
	hired_on INTEGER,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	UNIQUE (bureau_id, employee_no)
);
CREATE INDEX staff_bureau ON staff(bureau_id, id);
CREATE INDEX staff_department ON staff(department_id);

CREATE TABLE user_account (
	id INTEGER PRIMARY KEY,
	bureau_id INTEGER NOT NULL REFERENCES bureau(id),
	login TEXT NOT NULL UNIQUE,
	password_hash TEXT NOT NULL,
	role INTEGER NOT NULL,
	staff_id INTEGER REFERENCES staff(id),
	active INTEGER NOT NULL DEFAULT 1,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE INDEX user_account_bureau ON user_account(bureau_id);

CREATE TABLE session (
	id INTEGER PRIMARY KEY,
	bureau_id INTEGER NOT NULL REFERENCES bureau(id),
	user_id INTEGER NOT NULL REFERENCES user_account(id),
	token_hash BLOB NOT NULL UNIQUE,
	csrf_token TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	last_seen_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	ended_at INTEGER
);
CREATE INDEX session_by_user ON session(user_id);

CREATE TABLE login_failure (
	id INTEGER PRIMARY KEY,
	login TEXT NOT NULL,
	address TEXT NOT NULL,
	at INTEGER NOT NULL
);
CREATE INDEX login_failure_login ON login_failure(login, at);
CREATE INDEX login_failure_address ON login_failure(address, at);

CREATE TABLE audit_log (
	seq INTEGER PRIMARY KEY,
	at INTEGER NOT NULL,
	bureau_id INTEGER,
	bureau_path TEXT NOT NULL DEFAULT '',
	actor TEXT NOT NULL,
	origin TEXT NOT NULL,
	action TEXT NOT NULL,
	entity_type TEXT NOT NULL,
	entity_id TEXT NOT NULL,
	before_digest TEXT,
	after_digest TEXT,
	request_id TEXT NOT NULL,
	prev_hash BLOB NOT NULL,
	hash BLOB NOT NULL
);
CREATE INDEX audit_log_bureau ON audit_log(bureau_path, seq);
CREATE INDEX audit_log_entity ON audit_log(entity_type, entity_id);

CREATE TABLE audit_head (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	count INTEGER NOT NULL,
	hash BLOB NOT NULL
);
