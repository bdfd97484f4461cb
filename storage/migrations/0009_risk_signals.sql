-- What the crisis screen found for a member, without any text: the tier and kind, so that a
-- concern yesterday raises the tier of today's message. Kept 24 hours (older rows are pruned
-- when a new one is written); removed with the member by /forget (ON DELETE CASCADE).
CREATE TABLE risk_signals (
    id          INTEGER PRIMARY KEY,
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    at          TEXT    NOT NULL,
    severity    INTEGER NOT NULL,
    kind        TEXT    NOT NULL
);
CREATE INDEX risk_signals_member ON risk_signals (member_id, at);
