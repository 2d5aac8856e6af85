-- Officer positions: the newest fix per officer (upserted, never moved back by a late fix) and the append-only track.
-- The foreign key on officer_tracks was measured with the positions bench: no difference beyond run-to-run noise.

CREATE TABLE officer_positions_latest (
    officer_id   INTEGER NOT NULL PRIMARY KEY REFERENCES officers (id),
    lat          REAL    NOT NULL,
    lon          REAL    NOT NULL,
    at           TEXT    NOT NULL,
    speed        REAL    NULL,
    heading      REAL    NULL,
    accuracy     REAL    NULL,
    received_at  TEXT    NOT NULL
);

CREATE TABLE officer_tracks (
    id          INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    officer_id  INTEGER NOT NULL REFERENCES officers (id),
    lat         REAL    NOT NULL,
    lon         REAL    NOT NULL,
    at          TEXT    NOT NULL,
    speed       REAL    NULL,
    heading     REAL    NULL,
    accuracy    REAL    NULL
);
CREATE INDEX ix_officer_tracks_officer_id_at ON officer_tracks (officer_id, at);
