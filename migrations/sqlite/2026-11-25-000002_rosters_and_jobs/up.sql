-- A roster covers some wards of one site over a range of local dates.
CREATE TABLE rosters (
    id TEXT PRIMARY KEY NOT NULL,
    site_id TEXT NOT NULL REFERENCES sites(id),
    name TEXT NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    status TEXT NOT NULL,
    objective DOUBLE PRECISION,
    solved_at TIMESTAMP,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    archived_at TIMESTAMP
);
CREATE INDEX rosters_site ON rosters(site_id);

CREATE TABLE roster_wards (
    roster_id TEXT NOT NULL REFERENCES rosters(id) ON DELETE CASCADE,
    ward_id TEXT NOT NULL REFERENCES wards(id),
    PRIMARY KEY (roster_id, ward_id)
);

-- One worked shift: who, where, which shift, as what; the instants are materialised in UTC.
CREATE TABLE roster_assignments (
    id TEXT PRIMARY KEY NOT NULL,
    roster_id TEXT NOT NULL REFERENCES rosters(id) ON DELETE CASCADE,
    staff_id TEXT NOT NULL REFERENCES staff(id),
    ward_id TEXT NOT NULL REFERENCES wards(id),
    shift_template_id TEXT NOT NULL REFERENCES shift_templates(id),
    date DATE NOT NULL,
    role_id TEXT NOT NULL REFERENCES roles(id),
    skill_id TEXT REFERENCES skills(id),
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    pinned BOOLEAN NOT NULL,
    UNIQUE (roster_id, staff_id, date)
);
CREATE INDEX roster_assignments_roster ON roster_assignments(roster_id, date);

-- Durable jobs (solving, batch runs). Workers claim queued jobs and hold a lease; a job whose
-- lease ran out is taken over by another worker.
CREATE TABLE jobs (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    roster_id TEXT REFERENCES rosters(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    params TEXT NOT NULL,
    progress TEXT,
    result TEXT,
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    cancel_requested BOOLEAN NOT NULL DEFAULT FALSE,
    worker TEXT,
    lease_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX jobs_status ON jobs(status, created_at);
