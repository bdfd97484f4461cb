-- Coordinators' console: reports read the engagement log by time, /audit reads recent actions,
-- /member reads a member's pair history.
CREATE INDEX engagement_hour ON engagement (hour);
CREATE INDEX audit_log_at ON audit_log (at);
