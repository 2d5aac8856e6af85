-- Metrics: the tier roll-ups read the event log by type and time (escalations in a range) and, per incident, its
-- Closed / Cancelled / Reopened / SlaBreached events before the range end. seq is the rowid, so both indexes carry it.

CREATE INDEX ix_incident_events_type_at ON incident_events (type, at, incident_id);
CREATE INDEX ix_incident_events_incident_id_type_at ON incident_events (incident_id, type, at);
