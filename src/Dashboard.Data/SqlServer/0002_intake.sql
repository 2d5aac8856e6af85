-- Intake: enforcement categories, incidents, their append-only event log, and report photos.
-- incident_events.seq is not an IDENTITY: identities are handed out at insert time and can commit out of order,
-- which would let a client resyncing "since seq N" skip an event. Writers take the next value from the one-row
-- event_sequence table instead; its row lock is held to commit, so seq order is commit order.

CREATE TABLE dbo.categories (
    code        nvarchar(32)  NOT NULL CONSTRAINT pk_categories PRIMARY KEY,
    name        nvarchar(100) NOT NULL,
    name_en     nvarchar(200) NOT NULL,
    active      bit           NOT NULL CONSTRAINT df_categories_active DEFAULT 1,
    sort_order  int           NOT NULL
);
GO
INSERT INTO dbo.categories (code, name, name_en, sort_order) VALUES
    (N'ZDJY', N'占道经营', N'Street vending on the road', 1),
    (N'CDJY', N'跨门出店经营', N'Business spilling out of the shopfront', 2),
    (N'SDLJ', N'私搭乱建', N'Illegal construction', 3),
    (N'FXCD', N'飞线充电', N'Flying-lead charging', 4),
    (N'YYRM', N'油烟扰民', N'Cooking fumes nuisance', 5),
    (N'ZSRM', N'噪声扰民', N'Noise nuisance', 6),
    (N'JGFS', N'秸秆焚烧', N'Straw burning', 7),
    (N'FJDC', N'非机动车乱停放', N'Disorderly bike parking', 8),
    (N'WGGG', N'违规广告牌', N'Illegal billboard', 9),
    (N'LTLH', N'乱贴乱画', N'Illegal posters and graffiti', 10),
    (N'ZTSL', N'渣土撒漏', N'Muck spillage', 11),
    (N'LJLD', N'垃圾乱倒', N'Illegal dumping', 12);
GO

CREATE TABLE dbo.incidents (
    id             bigint         NOT NULL IDENTITY(1, 1) CONSTRAINT pk_incidents PRIMARY KEY,
    code           nvarchar(64)   NOT NULL CONSTRAINT uq_incidents_code UNIQUE,
    client_id      nvarchar(64)   NOT NULL,
    category_code  nvarchar(32)   NOT NULL CONSTRAINT fk_incidents_category REFERENCES dbo.categories (code),
    description    nvarchar(500)  NOT NULL,
    lat            float          NOT NULL,
    lon            float          NOT NULL,
    grid_code      nvarchar(32)   NULL CONSTRAINT fk_incidents_grid REFERENCES dbo.jurisdictions (code),
    township_code  nvarchar(32)   NOT NULL CONSTRAINT fk_incidents_township REFERENCES dbo.jurisdictions (code),
    district_code  nvarchar(32)   NOT NULL CONSTRAINT fk_incidents_district REFERENCES dbo.jurisdictions (code),
    owner_code     nvarchar(32)   NOT NULL CONSTRAINT fk_incidents_owner REFERENCES dbo.jurisdictions (code),
    status         int            NOT NULL CONSTRAINT ck_incidents_status CHECK (status BETWEEN 0 AND 7),
    reported_at    datetimeoffset NOT NULL,
    occurred_at    datetimeoffset NULL,
    reported_by    bigint         NOT NULL CONSTRAINT fk_incidents_reported_by REFERENCES dbo.users (id),
    reporter_name  nvarchar(100)  NOT NULL,
    photo_count    int            NOT NULL CONSTRAINT df_incidents_photo_count DEFAULT 0,
    last_seq       bigint         NOT NULL CONSTRAINT df_incidents_last_seq DEFAULT 0,
    -- A phone retrying a report sends the same client_id; the second insert must find the first.
    CONSTRAINT uq_incidents_reported_by_client_id UNIQUE (reported_by, client_id)
);
GO
CREATE INDEX ix_incidents_township_code_reported_at ON dbo.incidents (township_code, reported_at DESC);
CREATE INDEX ix_incidents_district_code_reported_at ON dbo.incidents (district_code, reported_at);
CREATE INDEX ix_incidents_grid_code ON dbo.incidents (grid_code);
CREATE INDEX ix_incidents_status ON dbo.incidents (status);
CREATE INDEX ix_incidents_owner_code ON dbo.incidents (owner_code);
CREATE INDEX ix_incidents_category_code ON dbo.incidents (category_code);
GO

CREATE TABLE dbo.event_sequence (
    id     int    NOT NULL CONSTRAINT pk_event_sequence PRIMARY KEY CONSTRAINT ck_event_sequence_single_row CHECK (id = 1),
    value  bigint NOT NULL
);
GO
INSERT INTO dbo.event_sequence (id, value) VALUES (1, 0);
GO

CREATE TABLE dbo.incident_events (
    seq          bigint         NOT NULL CONSTRAINT pk_incident_events PRIMARY KEY,
    incident_id  bigint         NOT NULL CONSTRAINT fk_incident_events_incident REFERENCES dbo.incidents (id),
    type         nvarchar(32)   NOT NULL,
    actor        nvarchar(100)  NOT NULL,
    at           datetimeoffset NOT NULL,
    payload      nvarchar(max)  NULL CONSTRAINT ck_incident_events_payload_json CHECK (payload IS NULL OR ISJSON(payload) = 1)
);
GO
CREATE INDEX ix_incident_events_incident_id_seq ON dbo.incident_events (incident_id, seq);
GO

CREATE TABLE dbo.incident_photos (
    id            bigint         NOT NULL IDENTITY(1, 1) CONSTRAINT pk_incident_photos PRIMARY KEY,
    incident_id   bigint         NOT NULL CONSTRAINT fk_incident_photos_incident REFERENCES dbo.incidents (id),
    content_type  nvarchar(100)  NOT NULL,
    file_name     nvarchar(260)  NULL,
    size_bytes    bigint         NOT NULL,
    content       varbinary(max) NOT NULL
);
GO
CREATE INDEX ix_incident_photos_incident_id ON dbo.incident_photos (incident_id);
GO
