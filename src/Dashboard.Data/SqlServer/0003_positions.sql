-- Officer positions: the newest fix per officer (merged, never moved back by a late fix) and the append-only track.
-- officer_tracks is bulk copied with CHECK_CONSTRAINTS, so its foreign key stays trusted.

CREATE TABLE dbo.officer_positions_latest (
    officer_id   int            NOT NULL CONSTRAINT pk_officer_positions_latest PRIMARY KEY
                                CONSTRAINT fk_officer_positions_latest_officer REFERENCES dbo.officers (id),
    lat          float          NOT NULL,
    lon          float          NOT NULL,
    at           datetimeoffset NOT NULL,
    speed        float          NULL,
    heading      float          NULL,
    accuracy     float          NULL,
    received_at  datetimeoffset NOT NULL
);
GO

CREATE TABLE dbo.officer_tracks (
    id          bigint         NOT NULL IDENTITY(1, 1) CONSTRAINT pk_officer_tracks PRIMARY KEY,
    officer_id  int            NOT NULL CONSTRAINT fk_officer_tracks_officer REFERENCES dbo.officers (id),
    lat         float          NOT NULL,
    lon         float          NOT NULL,
    at          datetimeoffset NOT NULL,
    speed       float          NULL,
    heading     float          NULL,
    accuracy    float          NULL
);
GO
CREATE INDEX ix_officer_tracks_officer_id_at ON dbo.officer_tracks (officer_id, at);
GO
