-- Operator actions at the center ask whether an alert is the center's (center/data-sqlite.ts owns():
-- SELECT 1 FROM center_revisions WHERE alert_id = ?). The primary key starts with the site, so
-- without this index that was a scan of every revision ever received. PostgreSQL has had it
-- since its first migration (center_revisions_alert).
CREATE INDEX center_revisions_alert ON center_revisions (alert_id);
