-- The center's data in a shared PostgreSQL database (center.databaseUrl; docs/center-link.md
-- "Where the center keeps its data"): the same tables as the SQLite file's engine and center
-- tables (migrations 001, 006, 008), times as epoch milliseconds (BIGINT).

CREATE TABLE alerts (
  id TEXT PRIMARY KEY,
  rev INTEGER NOT NULL,
  site TEXT NOT NULL,
  device_id TEXT,
  resident_id TEXT,
  type TEXT NOT NULL,
  severity TEXT NOT NULL CHECK (severity IN ('critical', 'major', 'minor', 'warning')),
  state TEXT NOT NULL CHECK (state IN ('raised', 'acknowledged', 'resolved', 'cancelled')),
  contact_id TEXT,
  count INTEGER NOT NULL DEFAULT 1,
  raised_at BIGINT NOT NULL,
  last_at BIGINT NOT NULL,
  acknowledged_at BIGINT,
  acknowledged_by TEXT,
  resolved_at BIGINT,
  resolved_by TEXT,
  outcome TEXT,
  cancelled_by_resident INTEGER NOT NULL DEFAULT 0,
  escalation_level INTEGER NOT NULL DEFAULT 0,
  next_escalation_at BIGINT,
  -- NULL: a station's alert or a shared one (center.station-unreachable); else the center
  -- instance whose own SQLite engine raised it (its broker link...), mirrored here: only that
  -- instance changes it
  origin TEXT
);
CREATE INDEX alerts_state ON alerts (state, raised_at);
CREATE INDEX alerts_raised ON alerts (raised_at DESC, id DESC);
CREATE INDEX alerts_site ON alerts (site, raised_at DESC);
CREATE INDEX alerts_technical_open ON alerts (type, site)
  WHERE device_id IS NULL AND resident_id IS NULL AND state IN ('raised', 'acknowledged');

CREATE TABLE alert_history (
  id BIGSERIAL PRIMARY KEY,
  alert_id TEXT NOT NULL REFERENCES alerts (id),
  rev INTEGER NOT NULL,
  at BIGINT NOT NULL,
  "by" TEXT NOT NULL,
  action TEXT NOT NULL,
  note TEXT
);
CREATE INDEX alert_history_alert ON alert_history (alert_id, id);

-- every revision a station sent, stored once: the key makes "applied twice" impossible
CREATE TABLE center_revisions (
  site TEXT NOT NULL,
  alert_id TEXT NOT NULL,
  rev INTEGER NOT NULL,
  path TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  applied INTEGER NOT NULL,
  message TEXT NOT NULL,
  PRIMARY KEY (site, alert_id, rev)
);
CREATE INDEX center_revisions_alert ON center_revisions (alert_id);
CREATE INDEX center_revisions_received ON center_revisions (received_at);

CREATE TABLE center_alert_context (
  alert_id TEXT PRIMARY KEY,
  site TEXT NOT NULL,
  rev INTEGER NOT NULL,
  context TEXT NOT NULL
);

CREATE TABLE center_action_requests (
  id TEXT PRIMARY KEY,
  site TEXT NOT NULL,
  alert_id TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('acknowledge', 'resolve', 'note')),
  "by" TEXT NOT NULL,
  at BIGINT NOT NULL,
  outcome TEXT,
  note TEXT,
  state TEXT NOT NULL CHECK (state IN ('pending', 'applied', 'refused')),
  sent_at BIGINT,
  result_at BIGINT,
  result_rev INTEGER,
  reason TEXT
);
CREATE INDEX center_action_requests_pending ON center_action_requests (site, at) WHERE state = 'pending';
CREATE INDEX center_action_requests_alert ON center_action_requests (alert_id, at);

CREATE TABLE center_station_links (
  site TEXT NOT NULL,
  path TEXT NOT NULL CHECK (path IN ('mqtt', 'webhook')),
  last_seen BIGINT NOT NULL,
  outbox_depth INTEGER,
  outbox_oldest_age_s INTEGER,
  version TEXT,
  PRIMARY KEY (site, path)
);

CREATE TABLE center_devices (
  site TEXT NOT NULL,
  device_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  building TEXT,
  grid TEXT,
  resident_id TEXT,
  resident_name TEXT,
  online INTEGER,
  summary TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (site, device_id)
);
CREATE INDEX center_devices_where ON center_devices (site, building, grid);
CREATE INDEX center_devices_device ON center_devices (device_id);

-- each instance's audit log (staff logins, actions), copied from its SQLite file in order
-- (center/pg/audit.ts): one log for the whole center, whichever instance a person used
CREATE TABLE audit_log (
  id BIGSERIAL PRIMARY KEY,
  origin TEXT NOT NULL,                    -- the instance (host:dataDir)
  local_id BIGINT NOT NULL,                -- its id in that instance's SQLite audit_log
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT,
  detail TEXT,
  ip TEXT,
  UNIQUE (origin, local_id)
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_target ON audit_log (target);
