-- Publishing freezes a roster; later changes go into a new draft based on it.
ALTER TABLE rosters ADD COLUMN published_at TIMESTAMP;
ALTER TABLE rosters ADD COLUMN based_on TEXT REFERENCES rosters(id);
