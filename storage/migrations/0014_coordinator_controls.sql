-- Coordinators' controls: suspension, invite links and data retention.

-- A suspended member keeps /crisis and /mydata; everything else is on hold until /unsuspend.
-- The reason is for the audit log and coordinators, never shown to other members.
ALTER TABLE members ADD COLUMN suspended_at TEXT;
ALTER TABLE members ADD COLUMN suspended_reason TEXT;
-- Day-granular "last seen" (written at most once a day per member) for the retention sweep,
-- and when the member was told their data will be deleted (NULL = not told yet).
ALTER TABLE members ADD COLUMN last_seen_at TEXT;
ALTER TABLE members ADD COLUMN retention_notice_at TEXT;
-- Existing members: their row's last change stands in for "last seen" (it is never earlier), so
-- nobody active is told their data will go just because this column is new.
UPDATE members SET last_seen_at = updated_at;

-- Invite links: the payload carries the id and a signature; this row says whether it is used up.
CREATE TABLE invites (
    id          INTEGER PRIMARY KEY,
    role        TEXT    NOT NULL CHECK (role IN ('mentee', 'mentor')),
    cohort      TEXT,
    created_at  TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL,
    created_by  INTEGER NOT NULL,                      -- coordinator's Telegram user id
    used_at     TEXT                                   -- single use: set when someone joins with it
);

-- The cohort an invite link named (optional; for reports and coordinators), and when the
-- member joined through an invite (their intake then has no role question).
ALTER TABLE members ADD COLUMN cohort TEXT;
ALTER TABLE members ADD COLUMN invited_at TEXT;
