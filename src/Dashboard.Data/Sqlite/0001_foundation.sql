-- Reference data: the jurisdiction tree, command centres, teams, officers, grid captains, and sign-in accounts.
-- Boundaries are 2D WKB (WGS-84); instants are ISO-8601 UTC text.

CREATE TABLE jurisdictions (
    code          TEXT    NOT NULL PRIMARY KEY,
    name          TEXT    NOT NULL,
    level         INTEGER NOT NULL CHECK (level BETWEEN 0 AND 3),
    parent_code   TEXT    NULL REFERENCES jurisdictions (code),
    boundary      BLOB    NOT NULL,
    centroid_lat  REAL    NOT NULL,
    centroid_lon  REAL    NOT NULL
);
CREATE INDEX ix_jurisdictions_parent_code ON jurisdictions (parent_code);
CREATE INDEX ix_jurisdictions_level ON jurisdictions (level);

CREATE TABLE command_centres (
    code              TEXT NOT NULL PRIMARY KEY,
    name              TEXT NOT NULL,
    jurisdiction_code TEXT NOT NULL REFERENCES jurisdictions (code),
    lat               REAL NOT NULL,
    lon               REAL NOT NULL
);
CREATE INDEX ix_command_centres_jurisdiction_code ON command_centres (jurisdiction_code);

CREATE TABLE teams (
    code          TEXT NOT NULL PRIMARY KEY,
    name          TEXT NOT NULL,
    township_code TEXT NOT NULL REFERENCES jurisdictions (code)
);
CREATE INDEX ix_teams_township_code ON teams (township_code);

CREATE TABLE officers (
    id            INTEGER NOT NULL PRIMARY KEY,
    code          TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    team_code     TEXT    NOT NULL REFERENCES teams (code),
    township_code TEXT    NOT NULL REFERENCES jurisdictions (code),
    mode          INTEGER NOT NULL,
    skills        TEXT    NOT NULL DEFAULT '',
    device_id     TEXT    NULL UNIQUE,
    phone         TEXT    NOT NULL,
    on_duty       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX ix_officers_township_code ON officers (township_code);
CREATE INDEX ix_officers_team_code ON officers (team_code);

CREATE TABLE grid_captains (
    code      TEXT NOT NULL PRIMARY KEY,
    name      TEXT NOT NULL,
    grid_code TEXT NOT NULL REFERENCES jurisdictions (code),
    phone     TEXT NOT NULL
);
CREATE INDEX ix_grid_captains_grid_code ON grid_captains (grid_code);

CREATE TABLE users (
    id              INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    user_name       TEXT    NOT NULL COLLATE NOCASE UNIQUE,
    display_name    TEXT    NOT NULL,
    password_hash   TEXT    NOT NULL,
    role            TEXT    NOT NULL,
    scope_code      TEXT    NOT NULL REFERENCES jurisdictions (code),
    officer_id      INTEGER NULL REFERENCES officers (id),
    failed_sign_ins INTEGER NOT NULL DEFAULT 0,
    lockout_end     TEXT    NULL,
    created_at      TEXT    NOT NULL
);
CREATE INDEX ix_users_scope_code ON users (scope_code);
