ALTER TABLE roster_assignments DROP COLUMN override_reason;
