-- Portraits: distance travelled per officer and local day (Asia/Shanghai), accumulated by the position writer between
-- consecutive accepted fixes, so patrol distance over a year is a sum over days instead of a walk over every track fix.

CREATE TABLE officer_patrol_days (
    officer_id  INTEGER NOT NULL REFERENCES officers (id),
    day         TEXT    NOT NULL,
    distance_m  REAL    NOT NULL DEFAULT 0 CHECK (distance_m >= 0),
    fixes       INTEGER NOT NULL DEFAULT 0 CHECK (fixes >= 0),
    PRIMARY KEY (officer_id, day)
);
CREATE INDEX ix_officer_patrol_days_day ON officer_patrol_days (day);
CREATE INDEX ix_tasks_dispatched_at ON tasks (dispatched_at);
