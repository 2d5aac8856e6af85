-- Reference data: the jurisdiction tree, command centres, teams, officers, grid captains, and sign-in accounts.
-- Codes are nvarchar because Dapper sends strings as nvarchar; a varchar key would force conversions and scans.

CREATE TABLE dbo.jurisdictions (
    code          nvarchar(32)  NOT NULL CONSTRAINT pk_jurisdictions PRIMARY KEY,
    name          nvarchar(100) NOT NULL,
    level         int           NOT NULL CONSTRAINT ck_jurisdictions_level CHECK (level BETWEEN 0 AND 3),
    parent_code   nvarchar(32)  NULL CONSTRAINT fk_jurisdictions_parent REFERENCES dbo.jurisdictions (code),
    boundary      geography     NOT NULL,
    centroid_lat  float         NOT NULL,
    centroid_lon  float         NOT NULL
);
GO
CREATE INDEX ix_jurisdictions_parent_code ON dbo.jurisdictions (parent_code);
CREATE INDEX ix_jurisdictions_level ON dbo.jurisdictions (level);
GO

CREATE TABLE dbo.command_centres (
    code              nvarchar(32)  NOT NULL CONSTRAINT pk_command_centres PRIMARY KEY,
    name              nvarchar(100) NOT NULL,
    jurisdiction_code nvarchar(32)  NOT NULL CONSTRAINT fk_command_centres_jurisdiction REFERENCES dbo.jurisdictions (code),
    lat               float         NOT NULL,
    lon               float         NOT NULL
);
GO
CREATE INDEX ix_command_centres_jurisdiction_code ON dbo.command_centres (jurisdiction_code);
GO

CREATE TABLE dbo.teams (
    code          nvarchar(32)  NOT NULL CONSTRAINT pk_teams PRIMARY KEY,
    name          nvarchar(100) NOT NULL,
    township_code nvarchar(32)  NOT NULL CONSTRAINT fk_teams_township REFERENCES dbo.jurisdictions (code)
);
GO
CREATE INDEX ix_teams_township_code ON dbo.teams (township_code);
GO

CREATE TABLE dbo.officers (
    id            int           NOT NULL CONSTRAINT pk_officers PRIMARY KEY,
    code          nvarchar(32)  NOT NULL CONSTRAINT uq_officers_code UNIQUE,
    name          nvarchar(100) NOT NULL,
    team_code     nvarchar(32)  NOT NULL CONSTRAINT fk_officers_team REFERENCES dbo.teams (code),
    township_code nvarchar(32)  NOT NULL CONSTRAINT fk_officers_township REFERENCES dbo.jurisdictions (code),
    mode          int           NOT NULL,
    skills        nvarchar(400) NOT NULL CONSTRAINT df_officers_skills DEFAULT N'',
    device_id     nvarchar(64)  NULL,
    phone         nvarchar(32)  NOT NULL,
    on_duty       int           NOT NULL CONSTRAINT df_officers_on_duty DEFAULT 1
);
GO
-- A UNIQUE constraint would allow only one NULL; officers without a device are many.
CREATE UNIQUE INDEX ux_officers_device_id ON dbo.officers (device_id) WHERE device_id IS NOT NULL;
CREATE INDEX ix_officers_township_code ON dbo.officers (township_code);
CREATE INDEX ix_officers_team_code ON dbo.officers (team_code);
GO

CREATE TABLE dbo.grid_captains (
    code      nvarchar(32)  NOT NULL CONSTRAINT pk_grid_captains PRIMARY KEY,
    name      nvarchar(100) NOT NULL,
    grid_code nvarchar(32)  NOT NULL CONSTRAINT fk_grid_captains_grid REFERENCES dbo.jurisdictions (code),
    phone     nvarchar(32)  NOT NULL
);
GO
CREATE INDEX ix_grid_captains_grid_code ON dbo.grid_captains (grid_code);
GO

CREATE TABLE dbo.users (
    id              bigint         NOT NULL IDENTITY(1, 1) CONSTRAINT pk_users PRIMARY KEY,
    user_name       nvarchar(64)   COLLATE Chinese_PRC_CI_AS NOT NULL CONSTRAINT uq_users_user_name UNIQUE,
    display_name    nvarchar(100)  NOT NULL,
    password_hash   nvarchar(400)  NOT NULL,
    role            nvarchar(32)   NOT NULL,
    scope_code      nvarchar(32)   NOT NULL CONSTRAINT fk_users_scope REFERENCES dbo.jurisdictions (code),
    officer_id      int            NULL CONSTRAINT fk_users_officer REFERENCES dbo.officers (id),
    failed_sign_ins int            NOT NULL CONSTRAINT df_users_failed_sign_ins DEFAULT 0,
    lockout_end     datetimeoffset NULL,
    created_at      datetimeoffset NOT NULL
);
GO
CREATE INDEX ix_users_scope_code ON dbo.users (scope_code);
GO
