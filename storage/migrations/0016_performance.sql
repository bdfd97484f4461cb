-- Indexes for the queries that run every 30 s, on every crisis-flagged relay and on /forget and
-- /mydata: without them each one reads a table that grows with the programme's history.

-- "Was a crisis card queued for this chat lately?" (checked on every flagged relayed message).
CREATE INDEX outbox_chat_kind ON outbox (chat_id, kind, created_at);
-- /forget deletes everything queued for the member (by chat or by member row).
CREATE INDEX outbox_member ON outbox (member_id);
-- /mydata and the dashboard's per-person facts read one pseudonym's events in time order.
CREATE INDEX engagement_subject ON engagement (subject, hour);
-- The dashboard's per-person and per-pair facts (first pairing, first message, mood series).
CREATE INDEX engagement_kind_subject ON engagement (kind, subject, hour);
CREATE INDEX engagement_kind_pair ON engagement (kind, pair_ref, hour);
-- Foreign keys: ON DELETE SET NULL on /forget must not scan the relay map.
CREATE INDEX relay_from_member ON relay_messages (from_member_id);
CREATE INDEX relay_to_member ON relay_messages (to_member_id);
-- The other references to a member, so /forget's cascades look rows up instead of scanning.
CREATE INDEX escalations_member ON escalations (member_id);
CREATE INDEX suggestions_mentor ON suggestions (mentor_id);
CREATE INDEX suggestions_proposal ON suggestions (proposal_id);
CREATE INDEX reports_member ON reports (member_id);
-- The weekly digest reads one week of relayed messages.
CREATE INDEX relay_sent_at ON relay_messages (sent_at);
-- Copies not delivered and whose sender was not told: only the few in flight or just failed,
-- so the failure sweep reads these and not the whole relay map.
CREATE INDEX relay_untold ON relay_messages (id)
    WHERE delivered_at IS NULL AND failure_told_at IS NULL;
-- Counts and lists by status (waiting list, awaiting approval, broadcasts' audiences).
CREATE INDEX members_status ON members (status);
-- The data retention sweep's look-ups: members whose consent and last visit are both older
-- than the cutoff (storage/retention.py writes this exact expression), so each hourly pass
-- reads the few inactive members, not every member.
CREATE INDEX members_seen ON members (MAX(consented_at, COALESCE(last_seen_at, '')));

-- Roll-ups of the engagement log, kept current by triggers, so the dashboard reads a few rows
-- per day and per person instead of every event ever recorded. Numbers only, like the log.

-- Events per kind and day; `valued`/`total`: how many carried a number and their sum (means).
CREATE TABLE engagement_daily (
    kind    TEXT    NOT NULL,
    day     TEXT    NOT NULL,                 -- YYYY-MM-DD (UTC)
    events  INTEGER NOT NULL DEFAULT 0,
    valued  INTEGER NOT NULL DEFAULT 0,
    total   REAL    NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, day)
) WITHOUT ROWID;
INSERT INTO engagement_daily (kind, day, events, valued, total)
    SELECT kind, substr(hour, 1, 10), COUNT(*), COUNT(value), COALESCE(SUM(value), 0)
    FROM engagement GROUP BY 1, 2;

-- Per pseudonym: the role of their latest event naming one (hour, then id), when they were
-- first seen (consented) and first paired.
CREATE TABLE engagement_people (
    subject    TEXT PRIMARY KEY,
    role       TEXT,
    role_hour  TEXT,
    role_id    INTEGER,
    first_seen TEXT,
    paired_at  TEXT
) WITHOUT ROWID;
CREATE INDEX engagement_people_role ON engagement_people (role);
INSERT INTO engagement_people (subject, role, role_hour, role_id, first_seen, paired_at)
    SELECT s.subject, r.role, r.hour, r.id,
           (SELECT MIN(hour) FROM engagement WHERE subject = s.subject
            AND kind = 'consented'),
           (SELECT MIN(hour) FROM engagement WHERE subject = s.subject AND kind = 'paired')
    FROM (SELECT DISTINCT subject FROM engagement WHERE subject IS NOT NULL) AS s
    LEFT JOIN engagement AS r ON r.id = (
        SELECT id FROM engagement WHERE subject = s.subject AND role IN ('mentee', 'mentor')
        ORDER BY hour DESC, id DESC LIMIT 1);

-- Who checked in in which week (Monday, UTC), once, and how many did each week.
CREATE TABLE engagement_checkin_weeks (
    subject TEXT NOT NULL,
    week    TEXT NOT NULL,
    PRIMARY KEY (subject, week)
) WITHOUT ROWID;
CREATE TABLE engagement_checkin_counts (
    week    TEXT PRIMARY KEY,
    people  INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TRIGGER engagement_checkin_weeks_add AFTER INSERT ON engagement_checkin_weeks BEGIN
    INSERT INTO engagement_checkin_counts (week, people) VALUES (NEW.week, 1)
        ON CONFLICT (week) DO UPDATE SET people = people + 1;
END;
CREATE TRIGGER engagement_checkin_weeks_remove AFTER DELETE ON engagement_checkin_weeks BEGIN
    UPDATE engagement_checkin_counts SET people = people - 1 WHERE week = OLD.week;
END;
INSERT INTO engagement_checkin_weeks (subject, week)
    SELECT DISTINCT subject, date(substr(hour, 1, 10), '-6 days', 'weekday 1')
    FROM engagement WHERE kind = 'checkin_done' AND subject IS NOT NULL;

CREATE TRIGGER engagement_rollup_add AFTER INSERT ON engagement BEGIN
    INSERT INTO engagement_daily (kind, day, events, valued, total)
        VALUES (NEW.kind, substr(NEW.hour, 1, 10), 1, NEW.value IS NOT NULL,
                COALESCE(NEW.value, 0))
        ON CONFLICT (kind, day) DO UPDATE SET events = events + 1,
            valued = valued + excluded.valued, total = total + excluded.total;
    INSERT INTO engagement_people (subject) SELECT NEW.subject WHERE NEW.subject IS NOT NULL
        ON CONFLICT (subject) DO NOTHING;
    UPDATE engagement_people SET role = NEW.role, role_hour = NEW.hour, role_id = NEW.id
        WHERE subject = NEW.subject AND NEW.role IN ('mentee', 'mentor')
        AND (role_hour IS NULL OR NEW.hour > role_hour
             OR (NEW.hour = role_hour AND NEW.id > role_id));
    UPDATE engagement_people SET first_seen = NEW.hour
        WHERE subject = NEW.subject AND NEW.kind = 'consented'
        AND (first_seen IS NULL OR NEW.hour < first_seen);
    UPDATE engagement_people SET paired_at = NEW.hour
        WHERE subject = NEW.subject AND NEW.kind = 'paired'
        AND (paired_at IS NULL OR NEW.hour < paired_at);
    INSERT OR IGNORE INTO engagement_checkin_weeks (subject, week)
        SELECT NEW.subject, date(substr(NEW.hour, 1, 10), '-6 days', 'weekday 1')
        WHERE NEW.kind = 'checkin_done' AND NEW.subject IS NOT NULL;
END;

-- Events are not deleted in normal running; if one is, the roll-ups follow.
CREATE TRIGGER engagement_rollup_remove AFTER DELETE ON engagement BEGIN
    UPDATE engagement_daily SET events = events - 1,
        valued = valued - (OLD.value IS NOT NULL), total = total - COALESCE(OLD.value, 0)
        WHERE kind = OLD.kind AND day = substr(OLD.hour, 1, 10);
    UPDATE engagement_people SET
        role = (SELECT role FROM engagement WHERE subject = OLD.subject
                AND role IN ('mentee', 'mentor') ORDER BY hour DESC, id DESC LIMIT 1),
        role_hour = (SELECT hour FROM engagement WHERE subject = OLD.subject
                     AND role IN ('mentee', 'mentor') ORDER BY hour DESC, id DESC LIMIT 1),
        role_id = (SELECT id FROM engagement WHERE subject = OLD.subject
                   AND role IN ('mentee', 'mentor') ORDER BY hour DESC, id DESC LIMIT 1),
        first_seen = (SELECT MIN(hour) FROM engagement WHERE subject = OLD.subject
                      AND kind = 'consented'),
        paired_at = (SELECT MIN(hour) FROM engagement WHERE subject = OLD.subject
                     AND kind = 'paired')
        WHERE subject = OLD.subject;
    DELETE FROM engagement_checkin_weeks
        WHERE OLD.kind = 'checkin_done' AND subject = OLD.subject
        AND week = date(substr(OLD.hour, 1, 10), '-6 days', 'weekday 1')
        AND NOT EXISTS (SELECT 1 FROM engagement WHERE kind = 'checkin_done'
            AND subject = OLD.subject AND hour >= engagement_checkin_weeks.week
            AND hour < date(engagement_checkin_weeks.week, '+7 days'));
END;
