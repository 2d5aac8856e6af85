-- Dispatch: tasks (one dispatch of an incident to one assignee) and the incident's SLA clocks and current assignee.
-- contact_ms / arrival_ms hold the elapsed time of a stopped clock minus its pauses, written by the repository, so
-- compliance roll-ups are plain sums over incidents instead of replays of the event log.

CREATE TABLE tasks (
    id                  INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    incident_id         INTEGER NOT NULL REFERENCES incidents (id),
    assignee_kind       INTEGER NOT NULL CHECK (assignee_kind IN (0, 1)),
    officer_id          INTEGER NULL REFERENCES officers (id),
    captain_code        TEXT    NULL REFERENCES grid_captains (code),
    assignee_name       TEXT    NOT NULL,
    status              INTEGER NOT NULL CHECK (status BETWEEN 0 AND 5),
    dispatched_at       TEXT    NOT NULL,
    dispatched_by       TEXT    NOT NULL,
    accepted_at         TEXT    NULL,
    arrived_at          TEXT    NULL,
    arrival_auto        INTEGER NOT NULL DEFAULT 0 CHECK (arrival_auto IN (0, 1)),
    arrival_distance_m  REAL    NULL,
    arrival_flagged     INTEGER NOT NULL DEFAULT 0 CHECK (arrival_flagged IN (0, 1)),
    resolved_at         TEXT    NULL,
    resolution_note     TEXT    NULL CHECK (resolution_note IS NULL OR length(resolution_note) <= 500),
    ended_at            TEXT    NULL,
    end_reason          TEXT    NULL CHECK (end_reason IS NULL OR length(end_reason) <= 500),
    CHECK ((assignee_kind = 0 AND officer_id IS NOT NULL AND captain_code IS NULL)
        OR (assignee_kind = 1 AND captain_code IS NOT NULL AND officer_id IS NULL))
);
-- At most one active (Dispatched, Accepted, OnScene) task per incident, whatever the code above the database does.
CREATE UNIQUE INDEX ux_tasks_active_incident_id ON tasks (incident_id) WHERE status IN (0, 1, 2);
-- One officer, one active task: two operators dispatching different incidents to the same officer at once get one task.
CREATE UNIQUE INDEX ux_tasks_active_officer_id ON tasks (officer_id) WHERE officer_id IS NOT NULL AND status IN (0, 1, 2);
CREATE INDEX ix_tasks_incident_id ON tasks (incident_id, id);
CREATE INDEX ix_tasks_officer_id ON tasks (officer_id, id) WHERE officer_id IS NOT NULL;
CREATE INDEX ix_tasks_captain_code ON tasks (captain_code, id) WHERE captain_code IS NOT NULL;
CREATE INDEX ix_tasks_status ON tasks (status);

ALTER TABLE incidents ADD COLUMN contact_target_s INTEGER NOT NULL DEFAULT 60 CHECK (contact_target_s > 0);
ALTER TABLE incidents ADD COLUMN arrival_target_s INTEGER NOT NULL DEFAULT 300 CHECK (arrival_target_s > 0);
ALTER TABLE incidents ADD COLUMN contacted_at TEXT NULL;
ALTER TABLE incidents ADD COLUMN dispatched_at TEXT NULL;
ALTER TABLE incidents ADD COLUMN on_scene_at TEXT NULL;
ALTER TABLE incidents ADD COLUMN resolved_at TEXT NULL;
ALTER TABLE incidents ADD COLUMN closed_at TEXT NULL;
ALTER TABLE incidents ADD COLUMN paused_at TEXT NULL;
ALTER TABLE incidents ADD COLUMN contact_paused_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN arrival_paused_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN contact_ms INTEGER NULL;
ALTER TABLE incidents ADD COLUMN arrival_ms INTEGER NULL;
ALTER TABLE incidents ADD COLUMN contact_breaches INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN arrival_breaches INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN escalations INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN task_id INTEGER NULL REFERENCES tasks (id);
ALTER TABLE incidents ADD COLUMN assignee_officer_id INTEGER NULL;
ALTER TABLE incidents ADD COLUMN assignee_name TEXT NULL;
CREATE INDEX ix_incidents_reported_at ON incidents (reported_at);

ALTER TABLE incident_events ADD COLUMN task_id INTEGER NULL REFERENCES tasks (id);
CREATE INDEX ix_incident_events_task_id ON incident_events (task_id) WHERE task_id IS NOT NULL;
