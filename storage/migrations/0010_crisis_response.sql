-- What happens after a crisis is detected: kinds of alert, re-alerts that back off with a daily
-- cap, reminders for claimed alerts, reaching the member through the bot while the alert is
-- open (even before they joined or after they asked to be forgotten), aftercare, and the
-- personal safety plan.
ALTER TABLE escalations ADD COLUMN kind TEXT NOT NULL DEFAULT 'self';  -- self | danger
ALTER TABLE escalations ADD COLUMN realert_day TEXT;                   -- UTC day counted below
ALTER TABLE escalations ADD COLUMN realerts_that_day INTEGER NOT NULL DEFAULT 0;
ALTER TABLE escalations ADD COLUMN next_reminder_at TEXT;              -- claimed, not resolved
ALTER TABLE escalations ADD COLUMN reminders INTEGER NOT NULL DEFAULT 0;
-- The member's Telegram id, kept only while the alert is open so coordinators can write to
-- them through the bot; cleared when the alert is resolved.
ALTER TABLE escalations ADD COLUMN contact_chat_id INTEGER;
ALTER TABLE escalations ADD COLUMN contact_language TEXT;
ALTER TABLE escalations ADD COLUMN forget_pending INTEGER NOT NULL DEFAULT 0;  -- finish /forget on resolve
ALTER TABLE escalations ADD COLUMN aftercare_at TEXT;                  -- next-day check due
ALTER TABLE escalations ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;  -- alert sends that failed
ALTER TABLE escalations ADD COLUMN last_error TEXT;                    -- reason, never member text
ALTER TABLE escalations ADD COLUMN first_alert_message_id INTEGER;     -- re-alerts reply to it
ALTER TABLE escalations ADD COLUMN member_said TEXT;  -- safe | called: their latest answer, shown on the alert

CREATE INDEX escalations_reminders ON escalations (status, next_reminder_at);
CREATE INDEX escalations_aftercare ON escalations (aftercare_at);

-- The coordinators' group as the bot last saw it: removed, demoted or migrated.
CREATE TABLE coordinator_group (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    chat_id INTEGER,            -- the group's current id (changes when it becomes a supergroup)
    state TEXT NOT NULL,        -- ok | removed | restricted
    changed_at TEXT NOT NULL
);

-- A personal safety plan (Stanley-Brown), private to the member; deleted with them.
CREATE TABLE safety_plans (
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    section TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (member_id, section)
);
