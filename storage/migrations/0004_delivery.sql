-- Scheduling and delivery: stale work, claimed rows, broadcasts.

-- After this moment an undelivered row is stale: skipped on purpose (status 'skipped',
-- last_error 'stale') and counted, never sent late. NULL = never stale.
ALTER TABLE outbox ADD COLUMN expires_at TEXT;
-- When a row was claimed for sending ('sending'); a row still 'sending' at start-up was cut off
-- by a crash and is made 'pending' again (at most the in-flight ones may arrive twice).
ALTER TABLE outbox ADD COLUMN claimed_at TEXT;
-- Which broadcast a row belongs to (progress counts read it).
ALTER TABLE outbox ADD COLUMN broadcast_id INTEGER REFERENCES broadcasts (id) ON DELETE SET NULL;
CREATE INDEX outbox_broadcast ON outbox (broadcast_id, status);

-- A coordinator's message to many members: drafted (preview), confirmed, delivered, reported.
CREATE TABLE broadcasts (
    id                  INTEGER PRIMARY KEY,
    audience            TEXT    NOT NULL CHECK (audience IN ('mentors', 'mentees', 'everyone')),
    text                TEXT,                              -- emptied once the broadcast is done
    status              TEXT    NOT NULL DEFAULT 'draft'
                        CHECK (status IN ('draft', 'sending', 'done', 'cancelled')),
    created_by          INTEGER NOT NULL,                  -- coordinator's Telegram user id
    created_by_name     TEXT    NOT NULL,
    created_at          TEXT    NOT NULL,
    confirmed_at        TEXT,
    finished_at         TEXT,
    total               INTEGER NOT NULL DEFAULT 0,
    unreachable_at_start INTEGER NOT NULL DEFAULT 0,       -- blocked the bot before we began
    progress_message_id INTEGER,
    progress_at         TEXT                               -- last edit of the progress message
);
