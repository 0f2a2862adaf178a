-- The files an applicant (or the clerk at the window) attached to an application:
-- scans and photos of the type's required materials, stored as evidence files of
-- the case's bureau (evidence_file, named by their SHA-256). 'material' is the
-- 0-based place of the material in the type's list when the case was received, or
-- NULL for another document.
CREATE TABLE case_attachment (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES service_case(id),
	sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
	material INTEGER CHECK (material IS NULL OR material >= 0),
	created_at INTEGER NOT NULL,
	UNIQUE (case_id, sha256)
);
