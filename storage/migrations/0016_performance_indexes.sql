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
-- The weekly digest reads one week of relayed messages.
CREATE INDEX relay_sent_at ON relay_messages (sent_at);
-- Copies not delivered and whose sender was not told: only the few in flight or just failed,
-- so the failure sweep reads these and not the whole relay map.
CREATE INDEX relay_untold ON relay_messages (id)
    WHERE delivered_at IS NULL AND failure_told_at IS NULL;
-- Counts and lists by status (waiting list, awaiting approval, broadcasts' audiences).
CREATE INDEX members_status ON members (status);
