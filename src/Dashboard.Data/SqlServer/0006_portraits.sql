-- Portraits: distance travelled per officer and local day (Asia/Shanghai), accumulated by the position writer between
-- consecutive accepted fixes, so patrol distance over a year is a sum over days instead of a walk over every track fix.

CREATE TABLE dbo.officer_patrol_days (
    officer_id  int    NOT NULL CONSTRAINT fk_officer_patrol_days_officer REFERENCES dbo.officers (id),
    day         date   NOT NULL,
    distance_m  float  NOT NULL CONSTRAINT df_officer_patrol_days_distance DEFAULT 0 CONSTRAINT ck_officer_patrol_days_distance CHECK (distance_m >= 0),
    fixes       int    NOT NULL CONSTRAINT df_officer_patrol_days_fixes DEFAULT 0 CONSTRAINT ck_officer_patrol_days_fixes CHECK (fixes >= 0),
    CONSTRAINT pk_officer_patrol_days PRIMARY KEY (officer_id, day)
);
CREATE INDEX ix_officer_patrol_days_day ON dbo.officer_patrol_days (day);
CREATE INDEX ix_tasks_dispatched_at ON dbo.tasks (dispatched_at);
GO
