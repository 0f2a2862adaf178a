-- 008 service cases (办件) with their clocks, the working calendar, complaints and
-- case assistance (the ombudsman). Portable SQL only (SQLite and PostgreSQL):
-- INTEGER, TEXT, BLOB; times are INTEGER seconds since the epoch (UTC); dates are
-- INTEGER days since the epoch. Every row has bureau_id (DESIGN.md invariant 6).
-- Personal data (names, ID numbers, phones, e-mail addresses) is stored only sealed
-- and as keyed blind indexes; see src/cases/cases.h.

-- Days that differ from the default week (Monday–Friday working): kind 1 a holiday
-- on a weekday, 2 a make-up working day (调休) on a weekend. A bureau inherits the
-- rows of the bureaus above it; its own row for a day wins.
CREATE TABLE work_calendar_day (
	id INTEGER PRIMARY KEY,
	bureau_id INTEGER NOT NULL REFERENCES bureau(id),
	day INTEGER NOT NULL,
	kind INTEGER NOT NULL CHECK (kind IN (1, 2)),
	name TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	UNIQUE (bureau_id, day)
);

-- A kind of application (事项) a bureau handles. names and materials are JSON
-- (an object by language, an array of strings). clock_kind: 1 elapsed, 2 working.
CREATE TABLE case_type (
	id INTEGER PRIMARY KEY,
	bureau_id INTEGER NOT NULL REFERENCES bureau(id),
	code TEXT NOT NULL,
	names TEXT NOT NULL,
	materials TEXT NOT NULL,
	sla_hours INTEGER NOT NULL CHECK (sla_hours BETWEEN 1 AND 8760),
	clock_kind INTEGER NOT NULL CHECK (clock_kind IN (1, 2)),
	approval_levels INTEGER NOT NULL CHECK (approval_levels BETWEEN 1 AND 3),
	pauses_on_applicant INTEGER NOT NULL CHECK (pauses_on_applicant IN (0, 1)),
	active INTEGER NOT NULL CHECK (active IN (0, 1)),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	UNIQUE (bureau_id, code)
);

-- Receipt numbers: the last sequence number given out per bureau and local day.
CREATE TABLE case_receipt_seq (
	id INTEGER PRIMARY KEY,
	bureau_id INTEGER NOT NULL REFERENCES bureau(id),
	day INTEGER NOT NULL,
	last INTEGER NOT NULL,
	UNIQUE (bureau_id, day)
);

-- A service case. The event history (case_event) is the source of truth; state,
-- assignee, open, clock_used, clock_mark, paused, due_at, decided_at and
-- clock_seconds are derived from it (lz_case_recompute) and kept here for the
-- inbox and the statistics. state: 1 received, 2 accepted, 3 assigned, 4 in_review,
-- 5 evidence_requested, 6 decided, 7 closed. outcome: 0 none, 1 approved, 2 refused.
-- channel: 1 online, 2 window, 3 phone, 4 proxy (helped by proxy_staff_id).
CREATE TABLE service_case (
	id INTEGER PRIMARY KEY,
	bureau_id INTEGER NOT NULL REFERENCES bureau(id),
	type_id INTEGER NOT NULL REFERENCES case_type(id),
	receipt_no TEXT NOT NULL UNIQUE,
	check_hash BLOB NOT NULL,
	channel INTEGER NOT NULL CHECK (channel BETWEEN 1 AND 4),
	proxy_staff_id INTEGER REFERENCES staff(id),
	applicant_name_sealed BLOB,
	applicant_id_sealed BLOB,
	applicant_id_index BLOB,
	applicant_phone_sealed BLOB,
	applicant_phone_index BLOB,
	applicant_email_sealed BLOB,
	summary TEXT NOT NULL DEFAULT '',
	state INTEGER NOT NULL CHECK (state BETWEEN 1 AND 7),
	outcome INTEGER NOT NULL DEFAULT 0 CHECK (outcome BETWEEN 0 AND 2),
	reasons TEXT NOT NULL DEFAULT '',
	assignee_staff_id INTEGER REFERENCES staff(id),
	open INTEGER NOT NULL CHECK (open IN (0, 1)),
	received_at INTEGER NOT NULL,
	clock_used INTEGER NOT NULL DEFAULT 0,
	clock_mark INTEGER NOT NULL,
	paused INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
	due_at INTEGER NOT NULL,
	decided_at INTEGER,
	clock_seconds INTEGER,
	closed_at INTEGER,
	proposal_outcome INTEGER NOT NULL DEFAULT 0 CHECK (proposal_outcome BETWEEN 0 AND 2),
	proposal_reasons TEXT NOT NULL DEFAULT '',
	approvals INTEGER NOT NULL DEFAULT 0,
	event_count INTEGER NOT NULL DEFAULT 0,
	updated_at INTEGER NOT NULL
);
-- The inbox: a person's open cases by due time.
CREATE INDEX service_case_inbox ON service_case(assignee_staff_id, open, due_at, id);
-- The statistics: per bureau, decided cases by decision time (NULL: pending),
-- covering what the percentiles and the pending ages read.
CREATE INDEX service_case_decided ON service_case(bureau_id, decided_at, type_id, clock_seconds, received_at, id);
-- Receipts: per type (a type's cases are all in the type's bureau) for the counts,
-- per bureau for the drill-down.
CREATE INDEX service_case_type_received ON service_case(type_id, received_at);
CREATE INDEX service_case_received ON service_case(bureau_id, received_at);
CREATE INDEX service_case_applicant ON service_case(applicant_id_index);

-- Every transition of a case, in order (seq from 1). kind names the action; from
-- and to states are equal for actions that change no state (reassigned, approved).
CREATE TABLE case_event (
	id INTEGER PRIMARY KEY,
	bureau_id INTEGER NOT NULL REFERENCES bureau(id),
	case_id INTEGER NOT NULL REFERENCES service_case(id),
	seq INTEGER NOT NULL,
	kind TEXT NOT NULL,
	from_state INTEGER NOT NULL CHECK (from_state BETWEEN 0 AND 7),
	to_state INTEGER NOT NULL CHECK (to_state BETWEEN 1 AND 7),
	actor_staff_id INTEGER REFERENCES staff(id),
	actor_user_id INTEGER,
	actor_login TEXT NOT NULL,
	at INTEGER NOT NULL,
	assignee_staff_id INTEGER REFERENCES staff(id),
	outcome INTEGER NOT NULL DEFAULT 0,
	note TEXT NOT NULL DEFAULT '',
	UNIQUE (case_id, seq)
);

-- The approvals of the decision under way (round counts proposals on a case).
CREATE TABLE case_approval (
	id INTEGER PRIMARY KEY,
	bureau_id INTEGER NOT NULL REFERENCES bureau(id),
	case_id INTEGER NOT NULL REFERENCES service_case(id),
	round INTEGER NOT NULL,
	level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
	staff_id INTEGER NOT NULL REFERENCES staff(id),
	user_id INTEGER NOT NULL,
	role INTEGER NOT NULL,
	at INTEGER NOT NULL,
	UNIQUE (case_id, round, level),
	UNIQUE (case_id, round, staff_id)
);

-- A complaint (投诉). category: 1 cumbersome_procedure, 2 delay, 3 attitude,
-- 4 corruption, 5 policy, 6 other. state: 1 received, 2 assigned, 3 replied.
-- repeat_of: the earliest earlier complaint of the same complainant or case.
CREATE TABLE complaint (
	id INTEGER PRIMARY KEY,
	bureau_id INTEGER NOT NULL REFERENCES bureau(id),
	category INTEGER NOT NULL CHECK (category BETWEEN 1 AND 6),
	case_id INTEGER REFERENCES service_case(id),
	staff_id INTEGER REFERENCES staff(id),
	description TEXT NOT NULL,
	contact_name_sealed BLOB,
	contact_phone_sealed BLOB,
	contact_index BLOB,
	state INTEGER NOT NULL CHECK (state BETWEEN 1 AND 3),
	assignee_staff_id INTEGER REFERENCES staff(id),
	received_at INTEGER NOT NULL,
	due_at INTEGER NOT NULL,
	reply TEXT NOT NULL DEFAULT '',
	replied_at INTEGER,
	replied_by INTEGER REFERENCES staff(id),
	satisfaction INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
	repeat_of INTEGER REFERENCES complaint(id),
	month INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE INDEX complaint_bureau ON complaint(bureau_id, received_at);
CREATE INDEX complaint_contact ON complaint(contact_index);
CREATE INDEX complaint_case ON complaint(case_id);

-- A request to the ombudsman to unstick a case past its target. state: 1 received,
-- 2 bureau_asked, 3 concluded. outcome: 0 none, 1 resolved, 2 not_resolved.
CREATE TABLE assistance_request (
	id INTEGER PRIMARY KEY,
	bureau_id INTEGER NOT NULL REFERENCES bureau(id),
	case_id INTEGER NOT NULL REFERENCES service_case(id),
	reason TEXT NOT NULL,
	state INTEGER NOT NULL CHECK (state BETWEEN 1 AND 3),
	received_at INTEGER NOT NULL,
	asked_by INTEGER REFERENCES staff(id),
	asked_at INTEGER,
	action TEXT NOT NULL DEFAULT '',
	action_deadline INTEGER,
	outcome INTEGER NOT NULL DEFAULT 0 CHECK (outcome BETWEEN 0 AND 2),
	outcome_note TEXT NOT NULL DEFAULT '',
	cause_key TEXT NOT NULL DEFAULT '',
	concluded_by INTEGER REFERENCES staff(id),
	concluded_at INTEGER,
	updated_at INTEGER NOT NULL
);
CREATE INDEX assistance_request_bureau ON assistance_request(bureau_id, id);
CREATE INDEX assistance_request_case ON assistance_request(case_id);
CREATE INDEX assistance_request_cause ON assistance_request(cause_key);

-- A cause that recurred across assistance requests in the subtree of the bureau
-- that oversees them. status: 1 open, 2 handed_to_supervision.
CREATE TABLE systemic_issue (
	id INTEGER PRIMARY KEY,
	bureau_id INTEGER NOT NULL REFERENCES bureau(id),
	cause_key TEXT NOT NULL,
	request_count INTEGER NOT NULL CHECK (request_count >= 0),
	status INTEGER NOT NULL CHECK (status IN (1, 2)),
	first_at INTEGER NOT NULL,
	last_at INTEGER NOT NULL,
	handed_at INTEGER,
	UNIQUE (bureau_id, cause_key)
);

-- The seam to supervision (the rectification loop of a later issue): one row per
-- issue handed over. status starts as 'handed_to_supervision'; the consumer sets
-- its own status and consumed_at when it takes the row up.
CREATE TABLE supervision_handoff (
	id INTEGER PRIMARY KEY,
	bureau_id INTEGER NOT NULL REFERENCES bureau(id),
	source_kind TEXT NOT NULL,
	source_id INTEGER NOT NULL,
	status TEXT NOT NULL,
	summary TEXT NOT NULL,
	handed_by INTEGER REFERENCES staff(id),
	handed_at INTEGER NOT NULL,
	consumed_at INTEGER,
	UNIQUE (source_kind, source_id)
);
CREATE INDEX supervision_handoff_status ON supervision_handoff(status, id);
