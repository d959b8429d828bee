DROP TABLE jobs;
DROP TABLE roster_assignments;
DROP TABLE roster_wards;
DROP TABLE rosters;
