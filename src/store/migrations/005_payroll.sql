-- 005 payroll runs (批量发放): a period's support payments for the beneficiaries of a
-- programme, prepared by a maker as one frozen batch and approved by a checker.
-- Money is INTEGER fen; dates are INTEGER days since the epoch; every row has bureau_id.
-- A run's lines and exclusions are copies taken when it was prepared: later changes
-- to the register never alter them. Lines carry the person's salted commitment (the
-- only form the fund ledger may hold), never the ID number.

-- status: 1 prepared, 2 approved. The period (period_end >= period_start, at most a
-- year) is checked by payroll.c.
CREATE TABLE payroll_run (
	id INTEGER PRIMARY KEY,
	bureau_id INTEGER NOT NULL REFERENCES bureau(id),
	amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
	status INTEGER NOT NULL CHECK (status IN (1, 2)),
	line_count INTEGER NOT NULL DEFAULT 0 CHECK (line_count >= 0),
	total_fen INTEGER NOT NULL DEFAULT 0 CHECK (total_fen >= 0),
	approved_fen INTEGER CHECK (approved_fen >= 0),
	programme_id INTEGER NOT NULL REFERENCES programme(id),
	allocation_id INTEGER NOT NULL REFERENCES allocation(id),
	period_start INTEGER NOT NULL,
	period_end INTEGER NOT NULL,
	excluded_count INTEGER NOT NULL DEFAULT 0,
	maker_staff_id INTEGER NOT NULL REFERENCES staff(id),
	maker_user_id INTEGER NOT NULL REFERENCES user_account(id),
	created_at INTEGER NOT NULL,
	checker_staff_id INTEGER REFERENCES staff(id),
	checker_user_id INTEGER REFERENCES user_account(id),
	approved_at INTEGER,
	approved_count INTEGER,
	lines_digest TEXT,
	ledger_index INTEGER
);
CREATE INDEX payroll_run_programme ON payroll_run(programme_id, period_start);

-- One line per beneficiary payable when the run was prepared. excluded_reason is ''
-- for a line that is paid; approval fills it for a person no longer payable.
CREATE TABLE payroll_line (
	id INTEGER PRIMARY KEY,
	bureau_id INTEGER NOT NULL REFERENCES bureau(id),
	run_id INTEGER NOT NULL REFERENCES payroll_run(id),
	beneficiary_id INTEGER NOT NULL REFERENCES beneficiary(id),
	amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
	commitment BLOB NOT NULL,
	excluded_reason TEXT NOT NULL DEFAULT '',
	excluded_at INTEGER,
	UNIQUE (run_id, beneficiary_id)
);

-- The programme's beneficiaries that were not payable when the run was prepared,
-- with the rule's reason ('kind' groups them: deceased, moved, suspended, …).
CREATE TABLE payroll_exclusion (
	id INTEGER PRIMARY KEY,
	bureau_id INTEGER NOT NULL REFERENCES bureau(id),
	run_id INTEGER NOT NULL REFERENCES payroll_run(id),
	beneficiary_id INTEGER NOT NULL REFERENCES beneficiary(id),
	kind TEXT NOT NULL,
	reason TEXT NOT NULL,
	UNIQUE (run_id, beneficiary_id)
);
