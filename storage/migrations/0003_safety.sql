-- Safety and content (issue 6): who resolved an escalation, and anonymous coping feedback.

-- Who pressed [Resolved] (the claimer may hand over); the outcome is already in `outcome`.
ALTER TABLE escalations ADD COLUMN resolved_by INTEGER;        -- coordinator's Telegram user id
ALTER TABLE escalations ADD COLUMN resolved_by_name TEXT;

-- How often each coping strategy helped, counted without any reference to who said so, so a
-- member's answers can never be traced back to them. Strategy ids come from content/coping/.
CREATE TABLE coping_feedback (
    strategy_id  TEXT PRIMARY KEY,
    helpful      INTEGER NOT NULL DEFAULT 0 CHECK (helpful >= 0),
    not_helpful  INTEGER NOT NULL DEFAULT 0 CHECK (not_helpful >= 0)
);
