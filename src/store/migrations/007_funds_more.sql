-- 007 funds: indexes for traceability and the lists of the console. An allocation's
-- trace sums the payments and payroll runs debited to it (by allocation_id and
-- status), and the lists page a bureau's payments and runs by id. Indexes only, so
-- a store that applied a later migration first loses nothing but speed.
CREATE INDEX payment_allocation ON payment(allocation_id, status);
CREATE INDEX payment_bureau ON payment(bureau_id, id);
CREATE INDEX payroll_run_allocation ON payroll_run(allocation_id, status);
CREATE INDEX payroll_run_bureau ON payroll_run(bureau_id, id);
