-- Initial schema. Append-only: later changes go in new numbered files.
-- Times are ISO-8601 UTC text ("2026-03-02T09:00:00"), which sorts correctly.

-- Members exist only after consent. telegram_id is operational data needed to message someone;
-- /forget deletes the row (and cascades), so it never outlives the member's wish.
CREATE TABLE members (
    id               INTEGER PRIMARY KEY,
    telegram_id      INTEGER NOT NULL UNIQUE,
    code             TEXT    NOT NULL UNIQUE,           -- short code coordinators use, e.g. M7K2Q
    role             TEXT    CHECK (role IN ('mentee', 'mentor')),
    alias            TEXT,                              -- what the partner sees
    language         TEXT    NOT NULL DEFAULT 'en',
    country          TEXT,
    timezone         TEXT    NOT NULL DEFAULT 'UTC',
    age_band         TEXT,
    languages_spoken TEXT    NOT NULL DEFAULT '[]',     -- JSON list of ISO 639-1 codes
    focus_areas      TEXT    NOT NULL DEFAULT '[]',     -- JSON list of intake ids
    lived_experience TEXT    NOT NULL DEFAULT '[]',     -- mentors: JSON list of intake ids
    preferences      TEXT    NOT NULL DEFAULT '{}',     -- JSON object of optional matching prefs
    checkin_weekday  INTEGER CHECK (checkin_weekday BETWEEN 0 AND 6),   -- 0 = Monday
    checkin_time     TEXT,                              -- local HH:MM
    quiet_start      TEXT    NOT NULL DEFAULT '21:00',
    quiet_end        TEXT    NOT NULL DEFAULT '08:00',
    capacity         INTEGER NOT NULL DEFAULT 1 CHECK (capacity BETWEEN 0 AND 3),
    status           TEXT    NOT NULL DEFAULT 'intake'
                     CHECK (status IN ('intake', 'training', 'awaiting_approval', 'waiting', 'active')),
    consented_at     TEXT    NOT NULL,
    intake_done_at   TEXT,
    trained_at       TEXT,
    approved_at      TEXT,
    stepped_back     INTEGER NOT NULL DEFAULT 0,
    paused_until     TEXT,                              -- UTC time, or '9999-12-31T00:00:00' = until resumed
    unreachable      INTEGER NOT NULL DEFAULT 0,        -- blocked the bot (403 / my_chat_member)
    next_checkin_at  TEXT,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
);
CREATE INDEX members_next_checkin ON members (next_checkin_at);

-- A pair's history outlives a member's /forget (member ids set to NULL) so the same two are not
-- suggested again and reports stay whole, but it holds no message content.
CREATE TABLE pairs (
    id                 INTEGER PRIMARY KEY,
    code               TEXT NOT NULL UNIQUE,             -- e.g. P4F9X
    mentee_id          INTEGER REFERENCES members (id) ON DELETE SET NULL,
    mentor_id          INTEGER REFERENCES members (id) ON DELETE SET NULL,
    status             TEXT NOT NULL DEFAULT 'introduced'
                       CHECK (status IN ('introduced', 'active', 'ended')),
    created_at         TEXT NOT NULL,
    approved_by        INTEGER,                          -- coordinator's Telegram user id
    mentee_accepted_at TEXT,
    mentor_accepted_at TEXT,
    started_at         TEXT,
    last_contact_at    TEXT,
    ends_at            TEXT,
    ended_at           TEXT,
    end_reason         TEXT,
    forum_topic_id     INTEGER
);
CREATE INDEX pairs_mentee ON pairs (mentee_id, status);
CREATE INDEX pairs_mentor ON pairs (mentor_id, status);

-- Everything that must be sent later, or reliably, is a row here first.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    idempotency_key TEXT    NOT NULL UNIQUE,             -- e.g. checkin:M7K2Q:2026-W10
    chat_id         INTEGER NOT NULL,
    member_id       INTEGER REFERENCES members (id) ON DELETE CASCADE,
    lane            TEXT    NOT NULL,                     -- crisis|interactive|relay|scheduled|broadcast
    kind            TEXT    NOT NULL,                     -- what it is, for counting and reports
    method          TEXT    NOT NULL DEFAULT 'sendMessage',
    payload         TEXT    NOT NULL,                     -- JSON parameters; emptied once sent
    not_before      TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    created_at      TEXT    NOT NULL,
    sent_at         TEXT
);
CREATE INDEX outbox_due ON outbox (status, not_before);

CREATE TABLE escalations (
    id               INTEGER PRIMARY KEY,
    member_id        INTEGER REFERENCES members (id) ON DELETE SET NULL,
    member_code      TEXT,                                -- kept after /forget for the record
    pair_id          INTEGER REFERENCES pairs (id) ON DELETE SET NULL,
    severity         TEXT NOT NULL CHECK (severity IN ('concern', 'high', 'imminent', 'urgent')),
    source           TEXT NOT NULL CHECK (source IN ('chat', 'button', 'command', 'checkin', 'relay', 'report', 'measure')),
    status           TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'claimed', 'resolved')),
    detections       INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    claimed_by       INTEGER,
    claimed_by_name  TEXT,
    claimed_at       TEXT,
    resolved_at      TEXT,
    outcome          TEXT,
    alert_message_id INTEGER,
    realerts         INTEGER NOT NULL DEFAULT 0,
    next_realert_at  TEXT
);
CREATE INDEX escalations_open ON escalations (status, next_realert_at);

-- Anonymised evaluation events: no Telegram id, name, alias or free text, ever.
CREATE TABLE engagement (
    id          INTEGER PRIMARY KEY,
    hour        TEXT NOT NULL,            -- time bucketed to the hour
    kind        TEXT NOT NULL,
    role        TEXT,
    subject     TEXT,                     -- truncated HMAC-SHA256(key, telegram id)
    pair_ref    TEXT,                     -- truncated HMAC of the pair code
    value       REAL
);
CREATE INDEX engagement_kind ON engagement (kind, hour);

CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    at            TEXT    NOT NULL,
    actor_id      INTEGER NOT NULL,       -- coordinator's Telegram user id
    actor_name    TEXT    NOT NULL,
    action        TEXT    NOT NULL,
    target        TEXT,                   -- member or pair code, never a Telegram id
    detail        TEXT
);

-- update_ids already handled, so a re-delivered batch after a crash is dropped.
CREATE TABLE processed_updates (
    update_id    INTEGER PRIMARY KEY,
    processed_at TEXT NOT NULL
);

-- ConversationHandler state (PTB persistence), keyed by handler name and chat/user key.
CREATE TABLE conversations (
    name  TEXT NOT NULL,
    key   TEXT NOT NULL,                  -- JSON list, e.g. [12345, 12345]
    state TEXT NOT NULL,                  -- JSON
    PRIMARY KEY (name, key)
);

-- Small operational facts (last sweep time, ...).
CREATE TABLE kv (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
