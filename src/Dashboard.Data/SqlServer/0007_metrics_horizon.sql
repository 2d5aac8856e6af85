-- Metrics over a historical range: the first event at or after the range end bounds which incidents need an event-log replay.
CREATE INDEX ix_incident_events_at ON dbo.incident_events (at);
GO
