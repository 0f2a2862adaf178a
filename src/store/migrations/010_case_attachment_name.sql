-- The name a file had when it was attached to this case. Files are stored once per
-- bureau by their content (evidence_file), under the name of their first upload; two
-- applicants may hand in the same bytes under different names, and each case shows
-- the name its own applicant gave. '' for attachments made before this column: the
-- stored file's name is shown for those.
ALTER TABLE case_attachment ADD COLUMN name TEXT NOT NULL DEFAULT '';
