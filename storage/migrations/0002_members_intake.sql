-- Members (issue 3): mentor code agreement and training progress.

-- When a mentor agreed to the programme's boundaries and confidentiality code.
ALTER TABLE members ADD COLUMN code_agreed_at TEXT;
-- The intake question a member is on (NULL once intake is done), so /start resumes there.
ALTER TABLE members ADD COLUMN intake_step TEXT;

-- One row per training question a mentor has answered correctly (wrong tries only count).
-- Deleted with the member (/forget).
CREATE TABLE training_progress (
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    module_id   TEXT    NOT NULL,
    question_id TEXT    NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,   -- answers given, right or wrong
    passed_at   TEXT,                         -- when answered correctly
    PRIMARY KEY (member_id, module_id, question_id)
);
