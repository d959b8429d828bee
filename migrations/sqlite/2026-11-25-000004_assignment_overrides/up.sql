-- Why a manager kept an assignment that breaks an overridable rule.
ALTER TABLE roster_assignments ADD COLUMN override_reason TEXT;
