-- Matching and the life of a pair: suggestions, introductions, fit check, closure, exit survey.

-- Due times and answers of a pair's life (the sweep reads these; nothing lives only in memory).
ALTER TABLE pairs ADD COLUMN intro_reminded_at TEXT;   -- coordinators told it was not accepted
ALTER TABLE pairs ADD COLUMN fit_check_at      TEXT;   -- first-week fit check due; NULL once asked
ALTER TABLE pairs ADD COLUMN mentee_fit        TEXT CHECK (mentee_fit IN ('good', 'unsure', 'not_fit'));
ALTER TABLE pairs ADD COLUMN mentor_fit        TEXT CHECK (mentor_fit IN ('good', 'unsure', 'not_fit'));
ALTER TABLE pairs ADD COLUMN end_reminded_at   TEXT;   -- "two weeks left" sent
ALTER TABLE pairs ADD COLUMN ended_by          TEXT CHECK (ended_by IN ('mentee', 'mentor', 'coordinator', 'programme', 'rematch'));
CREATE INDEX pairs_status ON pairs (status, created_at);

-- What /suggest proposed: rank 0 is the proposal, 1.. its alternatives. Buttons carry the id, so
-- an approval re-checks the row and both members (a stale suggestion is refused, not applied).
CREATE TABLE suggestions (
    id              INTEGER PRIMARY KEY,
    mentee_id       INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    mentor_id       INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    score           REAL    NOT NULL,
    reasons         TEXT    NOT NULL DEFAULT '',          -- rendered reasons, no free text
    rank            INTEGER NOT NULL DEFAULT 0,
    proposal_id     INTEGER REFERENCES suggestions (id) ON DELETE CASCADE,  -- alternatives: their proposal
    status          TEXT    NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open', 'approved', 'skipped', 'stale')),
    created_at      TEXT    NOT NULL,
    decided_by      INTEGER,                              -- coordinator's Telegram user id
    decided_by_name TEXT,
    decided_at      TEXT,
    pair_id         INTEGER REFERENCES pairs (id) ON DELETE SET NULL
);
CREATE INDEX suggestions_mentee ON suggestions (mentee_id, status);

-- Survey answers, anonymised like the engagement table: hour bucket, pair pseudonym, role,
-- question id and a number. One answer per question per side of a pair.
CREATE TABLE survey_answers (
    id        INTEGER PRIMARY KEY,
    hour      TEXT NOT NULL,
    survey    TEXT NOT NULL,                 -- 'exit'
    question  TEXT NOT NULL,
    role      TEXT CHECK (role IN ('mentee', 'mentor')),
    pair_ref  TEXT NOT NULL,                 -- truncated HMAC of the pair code
    value     REAL NOT NULL,
    UNIQUE (survey, pair_ref, role, question)
);
