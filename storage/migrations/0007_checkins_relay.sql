-- Check-ins, validated measures, the mentor pulse, reach-out requests, the partner relay
-- (metadata only: ids and times, never content) and concern reports.

-- One structured check-in per member per ISO week; a second one that week updates the first.
-- Holds structured answers only: the free-text note is never stored here.
CREATE TABLE checkins (
    id            INTEGER PRIMARY KEY,
    member_id     INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    pair_id       INTEGER REFERENCES pairs (id) ON DELETE SET NULL,
    period        TEXT    NOT NULL,                 -- ISO week, e.g. 2026-W10
    mood          INTEGER NOT NULL CHECK (mood BETWEEN 1 AND 5),
    answers       TEXT    NOT NULL DEFAULT '{}',    -- JSON {question id: option value}
    note_shared   INTEGER NOT NULL DEFAULT 0,       -- the mentee let the mentor see their note
    wants_contact INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    UNIQUE (member_id, period)
);

-- A check-in in progress, so it resumes after a restart. Deleted when finished or abandoned
-- (the sweep removes drafts older than a few days); the note lives here only until then.
CREATE TABLE checkin_drafts (
    member_id  INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    period     TEXT    NOT NULL,
    plan       TEXT    NOT NULL,                    -- JSON list of step keys
    position   INTEGER NOT NULL DEFAULT 0,
    answers    TEXT    NOT NULL DEFAULT '{}',       -- JSON {step key: value}
    note       TEXT,
    started_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);

-- Validated measures: the total score and band only, never the item answers.
CREATE TABLE measures (
    id         INTEGER PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    instrument TEXT    NOT NULL CHECK (instrument IN ('who5', 'phq2')),
    occasion   TEXT    NOT NULL CHECK (occasion IN ('start', 'followup', 'closure')),
    score      INTEGER NOT NULL,
    band       TEXT    NOT NULL,
    taken_at   TEXT    NOT NULL
);
CREATE INDEX measures_member ON measures (member_id, instrument, taken_at);

-- "Would you like your mentor to reach out?" = yes: reminders follow until it is done.
CREATE TABLE reachouts (
    id                  INTEGER PRIMARY KEY,
    pair_id             INTEGER NOT NULL REFERENCES pairs (id) ON DELETE CASCADE,
    checkin_id          INTEGER REFERENCES checkins (id) ON DELETE SET NULL,
    requested_at        TEXT    NOT NULL,
    done_at             TEXT,
    mentor_reminded_at  TEXT,
    coordinators_told_at TEXT,
    UNIQUE (checkin_id)
);
CREATE INDEX reachouts_open ON reachouts (done_at, requested_at);

-- The mentor's weekly pulse: two 1-5 answers and whether they want a coordinator's support.
CREATE TABLE pulses (
    id            INTEGER PRIMARY KEY,
    member_id     INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    period        TEXT    NOT NULL,
    going         INTEGER CHECK (going BETWEEN 1 AND 5),
    wellbeing     INTEGER CHECK (wellbeing BETWEEN 1 AND 5),
    wants_support INTEGER,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    UNIQUE (member_id, period)
);

-- The relay map: which copy in the recipient's chat came from which message in the sender's,
-- so replies can be routed and threaded. Ids and times only, never content.
CREATE TABLE relay_messages (
    id             INTEGER PRIMARY KEY,
    pair_id        INTEGER NOT NULL REFERENCES pairs (id) ON DELETE CASCADE,
    from_member_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
    to_member_id   INTEGER REFERENCES members (id) ON DELETE SET NULL,
    from_chat      INTEGER NOT NULL,
    from_msg       INTEGER NOT NULL,
    to_chat        INTEGER NOT NULL,
    to_msg         INTEGER,                          -- known once delivered
    sent_at        TEXT    NOT NULL,                 -- when the sender sent it
    deliver_at     TEXT    NOT NULL,                 -- when it may reach the recipient
    delivered_at   TEXT,
    into_quiet     INTEGER NOT NULL DEFAULT 0,       -- sent during the recipient's quiet hours/pause
    sender_night   INTEGER NOT NULL DEFAULT 0,       -- sent late at night in the sender's time
    failure_told_at TEXT,                            -- the sender heard the copy could not go
    UNIQUE (from_chat, from_msg, to_chat)
);
CREATE INDEX relay_to ON relay_messages (to_chat, to_msg);
CREATE INDEX relay_pair_time ON relay_messages (pair_id, sent_at);

-- A mentor with several mentees picked whom their next messages go to.
CREATE TABLE relay_targets (
    member_id  INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    pair_id    INTEGER NOT NULL REFERENCES pairs (id) ON DELETE CASCADE,
    chosen_at  TEXT    NOT NULL
);

-- Concerns raised with /report: the kind and the pair, never the words (they go to
-- coordinators through the outbox and are dropped once sent).
CREATE TABLE reports (
    id          INTEGER PRIMARY KEY,
    pair_id     INTEGER REFERENCES pairs (id) ON DELETE SET NULL,
    member_id   INTEGER REFERENCES members (id) ON DELETE SET NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('boundaries', 'disrespect', 'safety', 'other')),
    created_at  TEXT    NOT NULL
);
