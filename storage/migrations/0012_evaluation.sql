-- Programme evaluation and members' own progress.

-- Live WHO-5 scores used to be logged as 'measure_score' while reports read 'who5_score'.
-- PHQ-2 shipped switched off, so every earlier 'measure_score' row is a WHO-5 score.
UPDATE engagement SET kind = 'who5_score' WHERE kind = 'measure_score';

-- What a mentee lets their mentor see, item by item (mood, sleep, stress, note, goals).
-- No row: the programme's default from content/checkins.yaml applies.
CREATE TABLE sharing (
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    item       TEXT    NOT NULL,
    shared     INTEGER NOT NULL CHECK (shared IN (0, 1)),
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (member_id, item)
);

-- A mentee's goals for the mentorship (at most three open at a time), in their own words.
-- progress: 0 not started, 1 some progress, 2 good progress, 3 done (set in the weekly check-in).
CREATE TABLE goals (
    id         INTEGER PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    text       TEXT    NOT NULL,
    progress   INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 3),
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);
CREATE INDEX goals_member ON goals (member_id, id);
