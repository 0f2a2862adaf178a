-- 004 funds: allocations down the hierarchy, resettlement projects and their stages,
-- on-site inspections, acceptance signatures, and project payments with their events.
-- Money is INTEGER fen; coordinates are INTEGER micro-degrees; every row has bureau_id.
-- The CHECK constraints repeat the module's rules, so that even a bug in the code
-- cannot store an overdrawn allocation or a payment of no amount.

CREATE TABLE allocation (
	id INTEGER PRIMARY KEY,
	bureau_id INTEGER NOT NULL REFERENCES bureau(id),
	parent_id INTEGER REFERENCES allocation(id),
	source TEXT NOT NULL,
	year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	purpose TEXT NOT NULL,
	amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
	children_fen INTEGER NOT NULL DEFAULT 0 CHECK (children_fen >= 0),
	spent_fen INTEGER NOT NULL DEFAULT 0 CHECK (spent_fen >= 0),
	created_by INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	CHECK (children_fen + spent_fen <= amount_fen)
);
CREATE INDEX allocation_bureau ON allocation(bureau_id, id);
CREATE INDEX allocation_parent ON allocation(parent_id);

CREATE TABLE project (
	id INTEGER PRIMARY KEY,
	bureau_id INTEGER NOT NULL REFERENCES bureau(id),
	name TEXT NOT NULL,
	kind INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 3),
	site_lat INTEGER NOT NULL CHECK (site_lat BETWEEN -90000000 AND 90000000),
	site_lon INTEGER NOT NULL CHECK (site_lon BETWEEN -180000000 AND 180000000),
	site_radius_m INTEGER NOT NULL CHECK (site_radius_m > 0),
	budget_fen INTEGER NOT NULL CHECK (budget_fen > 0),
	owner_staff_id INTEGER NOT NULL REFERENCES staff(id),
	contractor TEXT NOT NULL,
	allocation_id INTEGER NOT NULL REFERENCES allocation(id),
	created_by INTEGER NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE INDEX project_bureau ON project(bureau_id, id);

CREATE TABLE project_stage (
	id INTEGER PRIMARY KEY,
	bureau_id INTEGER NOT NULL REFERENCES bureau(id),
	project_id INTEGER NOT NULL REFERENCES project(id),
	seq INTEGER NOT NULL,
	name TEXT NOT NULL,
	criteria TEXT NOT NULL,
	share_bp INTEGER NOT NULL CHECK (share_bp BETWEEN 1 AND 10000),
	materials_note TEXT,
	materials_by INTEGER,
	materials_at INTEGER,
	accepted_inspection_id INTEGER,
	verified_pct INTEGER CHECK (verified_pct BETWEEN 0 AND 100),
	accepted_at INTEGER,
	UNIQUE (project_id, seq)
);

CREATE TABLE inspection (
	id INTEGER PRIMARY KEY,
	bureau_id INTEGER NOT NULL REFERENCES bureau(id),
	project_id INTEGER NOT NULL REFERENCES project(id),
	stage_id INTEGER NOT NULL REFERENCES project_stage(id),
	inspector_staff_id INTEGER NOT NULL REFERENCES staff(id),
	inspector_user_id INTEGER NOT NULL REFERENCES user_account(id),
	inspected_at INTEGER NOT NULL,
	lat INTEGER NOT NULL,
	lon INTEGER NOT NULL,
	distance_m INTEGER NOT NULL CHECK (distance_m >= 0),
	completion_pct INTEGER NOT NULL CHECK (completion_pct BETWEEN 0 AND 100),
	findings TEXT NOT NULL,
	recorded_at INTEGER NOT NULL
);
CREATE INDEX inspection_stage ON inspection(stage_id, id);

CREATE TABLE inspection_evidence (
	id INTEGER PRIMARY KEY,
	bureau_id INTEGER NOT NULL REFERENCES bureau(id),
	inspection_id INTEGER NOT NULL REFERENCES inspection(id),
	sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
	UNIQUE (inspection_id, sha256)
);

CREATE TABLE acceptance_signature (
	id INTEGER PRIMARY KEY,
	bureau_id INTEGER NOT NULL REFERENCES bureau(id),
	project_id INTEGER NOT NULL REFERENCES project(id),
	stage_id INTEGER NOT NULL REFERENCES project_stage(id),
	inspection_id INTEGER NOT NULL REFERENCES inspection(id),
	staff_id INTEGER NOT NULL REFERENCES staff(id),
	user_id INTEGER NOT NULL REFERENCES user_account(id),
	signed_at INTEGER NOT NULL,
	UNIQUE (inspection_id, staff_id)
);
CREATE INDEX acceptance_signature_project ON acceptance_signature(project_id, staff_id);

CREATE TABLE payment (
	id INTEGER PRIMARY KEY,
	bureau_id INTEGER NOT NULL REFERENCES bureau(id),
	project_id INTEGER NOT NULL REFERENCES project(id),
	stage_id INTEGER NOT NULL REFERENCES project_stage(id),
	allocation_id INTEGER NOT NULL REFERENCES allocation(id),
	payee TEXT NOT NULL,
	amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
	idempotency_key TEXT NOT NULL,
	body_digest TEXT NOT NULL,
	status INTEGER NOT NULL CHECK (status BETWEEN 1 AND 5),
	maker_staff_id INTEGER NOT NULL REFERENCES staff(id),
	maker_user_id INTEGER NOT NULL REFERENCES user_account(id),
	created_at INTEGER NOT NULL,
	UNIQUE (bureau_id, idempotency_key)
);
CREATE INDEX payment_project ON payment(project_id, status);

CREATE TABLE payment_event (
	id INTEGER PRIMARY KEY,
	bureau_id INTEGER NOT NULL REFERENCES bureau(id),
	payment_id INTEGER NOT NULL REFERENCES payment(id),
	kind INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 5),
	staff_id INTEGER NOT NULL REFERENCES staff(id),
	user_id INTEGER NOT NULL REFERENCES user_account(id),
	at INTEGER NOT NULL,
	detail TEXT NOT NULL DEFAULT '',
	ledger_index INTEGER,
	UNIQUE (payment_id, kind)
);
