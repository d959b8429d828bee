-- Firstline workers: history of roster changes, calendar feeds, time off, open shifts,
-- swaps and offers, and notifications with a durable e-mail outbox.

-- Who changed what on a roster, and when (one row per change; `version` is the roster's
-- version after it).
CREATE TABLE roster_changes (
    id TEXT PRIMARY KEY NOT NULL,
    roster_id TEXT NOT NULL REFERENCES rosters(id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX roster_changes_roster ON roster_changes(roster_id, created_at);

-- A published roster replaced by a newer published version of itself.
ALTER TABLE rosters ADD COLUMN superseded_by TEXT;

-- Shifts someone had on a published roster and no longer has (a newer version dropped them,
-- or an approved swap, offer or leave moved them): calendar feeds show them as cancelled.
CREATE TABLE cancelled_shifts (
    id TEXT PRIMARY KEY NOT NULL,
    staff_id TEXT NOT NULL REFERENCES staff(id),
    ward_id TEXT NOT NULL REFERENCES wards(id),
    shift_template_id TEXT NOT NULL REFERENCES shift_templates(id),
    date DATE NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    cancelled_at TIMESTAMP NOT NULL
);
CREATE INDEX cancelled_shifts_staff ON cancelled_shifts(staff_id, date);

-- Personal calendar feed URLs; only the secret's SHA-256 is stored.
CREATE TABLE calendar_feeds (
    id TEXT PRIMARY KEY NOT NULL,
    staff_id TEXT NOT NULL REFERENCES staff(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX calendar_feeds_staff ON calendar_feeds(staff_id);

CREATE TABLE time_off_requests (
    id TEXT PRIMARY KEY NOT NULL,
    staff_id TEXT NOT NULL REFERENCES staff(id),
    site_id TEXT NOT NULL REFERENCES sites(id),
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL,
    manager_note TEXT,
    decided_by TEXT,
    decided_at TIMESTAMP,
    unavailability_id TEXT REFERENCES unavailability(id),
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX time_off_requests_staff ON time_off_requests(staff_id, start_date);

-- A shift a manager wants filled, with a number of places; `filled` never exceeds `slots`.
CREATE TABLE open_shifts (
    id TEXT PRIMARY KEY NOT NULL,
    roster_id TEXT NOT NULL REFERENCES rosters(id),
    site_id TEXT NOT NULL REFERENCES sites(id),
    ward_id TEXT NOT NULL REFERENCES wards(id),
    shift_template_id TEXT NOT NULL REFERENCES shift_templates(id),
    date DATE NOT NULL,
    role_id TEXT NOT NULL REFERENCES roles(id),
    skill_id TEXT REFERENCES skills(id),
    slots INTEGER NOT NULL,
    filled INTEGER NOT NULL DEFAULT 0,
    note TEXT,
    status TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (filled >= 0 AND filled <= slots)
);
CREATE INDEX open_shifts_ward ON open_shifts(ward_id, date);

CREATE TABLE open_shift_claims (
    id TEXT PRIMARY KEY NOT NULL,
    open_shift_id TEXT NOT NULL REFERENCES open_shifts(id),
    staff_id TEXT NOT NULL REFERENCES staff(id),
    status TEXT NOT NULL,
    manager_note TEXT,
    decided_by TEXT,
    decided_at TIMESTAMP,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (open_shift_id, staff_id)
);

-- Swaps (two people exchange shifts) and offers (one gives a shift to another).
CREATE TABLE shift_trades (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    roster_id TEXT NOT NULL REFERENCES rosters(id),
    site_id TEXT NOT NULL REFERENCES sites(id),
    ward_id TEXT NOT NULL REFERENCES wards(id),
    requester_id TEXT NOT NULL REFERENCES staff(id),
    assignment_id TEXT NOT NULL,
    recipient_id TEXT NOT NULL REFERENCES staff(id),
    recipient_assignment_id TEXT,
    message TEXT,
    status TEXT NOT NULL,
    manager_note TEXT,
    decided_by TEXT,
    decided_at TIMESTAMP,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX shift_trades_requester ON shift_trades(requester_id);
CREATE INDEX shift_trades_recipient ON shift_trades(recipient_id);

-- A ward may approve open-shift requests without a manager.
ALTER TABLE wards ADD COLUMN open_shifts_auto_approve BOOLEAN NOT NULL DEFAULT FALSE;
-- Staff may opt out of e-mail (they still get in-app notifications).
ALTER TABLE staff ADD COLUMN email_opt_out BOOLEAN NOT NULL DEFAULT FALSE;

-- In-app notifications, written in the same transaction as the change they report.
CREATE TABLE notifications (
    id TEXT PRIMARY KEY NOT NULL,
    staff_id TEXT NOT NULL REFERENCES staff(id),
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP
);
CREATE INDEX notifications_staff ON notifications(staff_id, created_at);

-- Durable e-mail outbox: a sender claims due mails with a lease, sends, marks them sent, and
-- retries failures with backoff.
CREATE TABLE outbox_emails (
    id TEXT PRIMARY KEY NOT NULL,
    notification_id TEXT NOT NULL REFERENCES notifications(id),
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_until TIMESTAMP,
    last_error TEXT,
    sent_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX outbox_emails_due ON outbox_emails(status, next_attempt_at);
