ALTER TABLE rosters DROP COLUMN based_on;
ALTER TABLE rosters DROP COLUMN published_at;
