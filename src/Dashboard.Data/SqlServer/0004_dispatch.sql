-- Dispatch: tasks (one dispatch of an incident to one assignee) and the incident's SLA clocks and current assignee.
-- contact_ms / arrival_ms hold the elapsed time of a stopped clock minus its pauses, written by the repository, so
-- compliance roll-ups are plain sums over incidents instead of replays of the event log.

CREATE TABLE dbo.tasks (
    id                  bigint         NOT NULL IDENTITY(1, 1) CONSTRAINT pk_tasks PRIMARY KEY,
    incident_id         bigint         NOT NULL CONSTRAINT fk_tasks_incident REFERENCES dbo.incidents (id),
    assignee_kind       int            NOT NULL CONSTRAINT ck_tasks_assignee_kind CHECK (assignee_kind IN (0, 1)),
    officer_id          int            NULL CONSTRAINT fk_tasks_officer REFERENCES dbo.officers (id),
    captain_code        nvarchar(32)   NULL CONSTRAINT fk_tasks_captain REFERENCES dbo.grid_captains (code),
    assignee_name       nvarchar(100)  NOT NULL,
    status              int            NOT NULL CONSTRAINT ck_tasks_status CHECK (status BETWEEN 0 AND 5),
    dispatched_at       datetimeoffset NOT NULL,
    dispatched_by       nvarchar(100)  NOT NULL,
    accepted_at         datetimeoffset NULL,
    arrived_at          datetimeoffset NULL,
    arrival_auto        bit            NOT NULL CONSTRAINT df_tasks_arrival_auto DEFAULT 0,
    arrival_distance_m  float          NULL,
    arrival_flagged     bit            NOT NULL CONSTRAINT df_tasks_arrival_flagged DEFAULT 0,
    resolved_at         datetimeoffset NULL,
    resolution_note     nvarchar(500)  NULL,
    ended_at            datetimeoffset NULL,
    end_reason          nvarchar(500)  NULL,
    CONSTRAINT ck_tasks_assignee CHECK ((assignee_kind = 0 AND officer_id IS NOT NULL AND captain_code IS NULL)
                                     OR (assignee_kind = 1 AND captain_code IS NOT NULL AND officer_id IS NULL))
);
GO
-- At most one active (Dispatched, Accepted, OnScene) task per incident, whatever the code above the database does.
CREATE UNIQUE INDEX ux_tasks_active_incident_id ON dbo.tasks (incident_id) WHERE status IN (0, 1, 2);
-- One officer, one active task: two operators dispatching different incidents to the same officer at once get one task.
CREATE UNIQUE INDEX ux_tasks_active_officer_id ON dbo.tasks (officer_id) WHERE officer_id IS NOT NULL AND status IN (0, 1, 2);
CREATE INDEX ix_tasks_incident_id ON dbo.tasks (incident_id, id);
CREATE INDEX ix_tasks_officer_id ON dbo.tasks (officer_id, id) WHERE officer_id IS NOT NULL;
CREATE INDEX ix_tasks_captain_code ON dbo.tasks (captain_code, id) WHERE captain_code IS NOT NULL;
CREATE INDEX ix_tasks_status ON dbo.tasks (status);
GO

ALTER TABLE dbo.incidents ADD
    contact_target_s     int            NOT NULL CONSTRAINT df_incidents_contact_target_s DEFAULT 60
                                        CONSTRAINT ck_incidents_contact_target_s CHECK (contact_target_s > 0),
    arrival_target_s     int            NOT NULL CONSTRAINT df_incidents_arrival_target_s DEFAULT 300
                                        CONSTRAINT ck_incidents_arrival_target_s CHECK (arrival_target_s > 0),
    contacted_at         datetimeoffset NULL,
    dispatched_at        datetimeoffset NULL,
    on_scene_at          datetimeoffset NULL,
    resolved_at          datetimeoffset NULL,
    closed_at            datetimeoffset NULL,
    paused_at            datetimeoffset NULL,
    contact_paused_ms    bigint         NOT NULL CONSTRAINT df_incidents_contact_paused_ms DEFAULT 0,
    arrival_paused_ms    bigint         NOT NULL CONSTRAINT df_incidents_arrival_paused_ms DEFAULT 0,
    contact_ms           bigint         NULL,
    arrival_ms           bigint         NULL,
    contact_breaches     int            NOT NULL CONSTRAINT df_incidents_contact_breaches DEFAULT 0,
    arrival_breaches     int            NOT NULL CONSTRAINT df_incidents_arrival_breaches DEFAULT 0,
    escalations          int            NOT NULL CONSTRAINT df_incidents_escalations DEFAULT 0,
    task_id              bigint         NULL CONSTRAINT fk_incidents_task REFERENCES dbo.tasks (id),
    assignee_officer_id  int            NULL,
    assignee_name        nvarchar(100)  NULL;
GO
CREATE INDEX ix_incidents_reported_at ON dbo.incidents (reported_at);
GO

ALTER TABLE dbo.incident_events ADD
    task_id  bigint  NULL CONSTRAINT fk_incident_events_task REFERENCES dbo.tasks (id);
GO
CREATE INDEX ix_incident_events_task_id ON dbo.incident_events (task_id) WHERE task_id IS NOT NULL;
GO
