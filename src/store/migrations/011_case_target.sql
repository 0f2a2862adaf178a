-- A case keeps the target it was received under. The due time printed on the
-- applicant's receipt is a promise: a type's target changed later applies to the
-- cases received after the change, and a case's clock, due time and whether it was
-- decided within target are reckoned against its own target — so changing a type
-- neither moves the promises already given nor rewrites last year's figures, and
-- replaying a case from its events gives the same answer before and after.
-- Existing cases take their type's present target.
ALTER TABLE service_case ADD COLUMN sla_hours INTEGER NOT NULL DEFAULT 0;
ALTER TABLE service_case ADD COLUMN clock_kind INTEGER NOT NULL DEFAULT 0;
ALTER TABLE service_case ADD COLUMN pauses_on_applicant INTEGER NOT NULL DEFAULT 0;
UPDATE service_case SET
	sla_hours = (SELECT t.sla_hours FROM case_type t WHERE t.id = service_case.type_id),
	clock_kind = (SELECT t.clock_kind FROM case_type t WHERE t.id = service_case.type_id),
	pauses_on_applicant = (SELECT t.pauses_on_applicant FROM case_type t WHERE t.id = service_case.type_id);
-- The statistics read decided cases from this index alone: it carries the target.
DROP INDEX service_case_decided;
CREATE INDEX service_case_decided ON service_case(bureau_id, decided_at, type_id, clock_seconds, sla_hours, received_at, id);
