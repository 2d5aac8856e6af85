-- Intake: enforcement categories, incidents, their append-only event log, and report photos.
-- incident_events.seq is AUTOINCREMENT: SQLite has one writer at a time, so seq order is commit order.

CREATE TABLE categories (
    code        TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL,
    name_en     TEXT    NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1,
    sort_order  INTEGER NOT NULL
);

INSERT INTO categories (code, name, name_en, sort_order) VALUES
    ('ZDJY', '占道经营', 'Street vending on the road', 1),
    ('CDJY', '跨门出店经营', 'Business spilling out of the shopfront', 2),
    ('SDLJ', '私搭乱建', 'Illegal construction', 3),
    ('FXCD', '飞线充电', 'Flying-lead charging', 4),
    ('YYRM', '油烟扰民', 'Cooking fumes nuisance', 5),
    ('ZSRM', '噪声扰民', 'Noise nuisance', 6),
    ('JGFS', '秸秆焚烧', 'Straw burning', 7),
    ('FJDC', '非机动车乱停放', 'Disorderly bike parking', 8),
    ('WGGG', '违规广告牌', 'Illegal billboard', 9),
    ('LTLH', '乱贴乱画', 'Illegal posters and graffiti', 10),
    ('ZTSL', '渣土撒漏', 'Muck spillage', 11),
    ('LJLD', '垃圾乱倒', 'Illegal dumping', 12);

CREATE TABLE incidents (
    id             INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    code           TEXT    NOT NULL UNIQUE,
    client_id      TEXT    NOT NULL,
    category_code  TEXT    NOT NULL REFERENCES categories (code),
    description    TEXT    NOT NULL CHECK (length(description) <= 500),
    lat            REAL    NOT NULL,
    lon            REAL    NOT NULL,
    grid_code      TEXT    NULL REFERENCES jurisdictions (code),
    township_code  TEXT    NOT NULL REFERENCES jurisdictions (code),
    district_code  TEXT    NOT NULL REFERENCES jurisdictions (code),
    owner_code     TEXT    NOT NULL REFERENCES jurisdictions (code),
    status         INTEGER NOT NULL CHECK (status BETWEEN 0 AND 7),
    reported_at    TEXT    NOT NULL,
    occurred_at    TEXT    NULL,
    reported_by    INTEGER NOT NULL REFERENCES users (id),
    reporter_name  TEXT    NOT NULL,
    photo_count    INTEGER NOT NULL DEFAULT 0,
    last_seq       INTEGER NOT NULL DEFAULT 0,
    -- A phone retrying a report sends the same client_id; the second insert must find the first.
    UNIQUE (reported_by, client_id)
);
CREATE INDEX ix_incidents_township_code_reported_at ON incidents (township_code, reported_at DESC);
CREATE INDEX ix_incidents_district_code_reported_at ON incidents (district_code, reported_at);
CREATE INDEX ix_incidents_grid_code ON incidents (grid_code);
CREATE INDEX ix_incidents_status ON incidents (status);
CREATE INDEX ix_incidents_owner_code ON incidents (owner_code);
CREATE INDEX ix_incidents_category_code ON incidents (category_code);

CREATE TABLE incident_events (
    seq          INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    incident_id  INTEGER NOT NULL REFERENCES incidents (id),
    type         TEXT    NOT NULL,
    actor        TEXT    NOT NULL,
    at           TEXT    NOT NULL,
    payload      TEXT    NULL CHECK (payload IS NULL OR json_valid(payload))
);
CREATE INDEX ix_incident_events_incident_id_seq ON incident_events (incident_id, seq);

CREATE TABLE incident_photos (
    id            INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    incident_id   INTEGER NOT NULL REFERENCES incidents (id),
    content_type  TEXT    NOT NULL,
    file_name     TEXT    NULL,
    size_bytes    INTEGER NOT NULL,
    content       BLOB    NOT NULL
);
CREATE INDEX ix_incident_photos_incident_id ON incident_photos (incident_id);
