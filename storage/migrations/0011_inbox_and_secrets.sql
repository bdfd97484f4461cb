-- The durable inbox: every update Telegram hands us is written here (one transaction per batch)
-- before its offset is confirmed (polling) or the webhook answers 200, and deleted once handled
-- (its id then moves to processed_updates). Rows left at start-up were cut off by a crash and
-- are handled first. The body is the update as Telegram sent it; it never outlives handling.
CREATE TABLE inbox (
    update_id   INTEGER PRIMARY KEY,
    body        TEXT    NOT NULL,
    received_at TEXT    NOT NULL
);

-- Each member's random pseudonym secret: the engagement log's subject is HMAC(key, secret), so
-- once /forget deletes the secret (with the member, by cascade) their remaining anonymised
-- events can no longer be linked to anyone, even by someone holding the key.
CREATE TABLE member_secrets (
    member_id INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    secret    BLOB    NOT NULL DEFAULT (randomblob(32))
);
INSERT INTO member_secrets (member_id) SELECT id FROM members;
CREATE TRIGGER member_secret_on_join AFTER INSERT ON members
BEGIN
    INSERT INTO member_secrets (member_id) VALUES (NEW.id);
END;
