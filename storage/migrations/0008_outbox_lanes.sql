-- The sender reads due rows lane by lane, oldest first, and stops as soon as it has enough:
-- this index gives each lane's due rows in order without sorting the whole backlog (a 50,000-row
-- broadcast must not make every claim of an urgent reply slow).
CREATE INDEX outbox_lane_due ON outbox (status, lane, not_before);
