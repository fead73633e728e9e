-- Center role (issue #11, docs/center-link.md): station accounts, every alert revision a station
-- sent (stored once per (site, alert, rev)), each alert's context for the console, the center
-- operators' action requests and each station's link state per path.

CREATE TABLE center_stations (
  site TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,             -- scrypt of the MQTT password
  webhook_secret TEXT NOT NULL,            -- AES-256-GCM under an HKDF subkey of the gateway key
  created_at INTEGER NOT NULL,
  rotated_at INTEGER
);

CREATE TABLE center_revisions (
  site TEXT NOT NULL,
  alert_id TEXT NOT NULL,
  rev INTEGER NOT NULL,
  path TEXT NOT NULL,                      -- mqtt | webhook: the path that delivered it first
  received_at INTEGER NOT NULL,
  applied INTEGER NOT NULL,                -- 1 when it became the current state (newest rev so far)
  message TEXT NOT NULL,                   -- the station's message as received
  PRIMARY KEY (site, alert_id, rev)
);
CREATE INDEX center_revisions_received ON center_revisions (received_at);

CREATE TABLE center_alert_context (
  alert_id TEXT PRIMARY KEY,
  site TEXT NOT NULL,
  rev INTEGER NOT NULL,                    -- the revision the context came with (newest kept)
  context TEXT NOT NULL                    -- JSON: resident, device (never an ID number)
);

CREATE TABLE center_action_requests (
  id TEXT PRIMARY KEY,
  site TEXT NOT NULL,
  alert_id TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('acknowledge', 'resolve', 'note')),
  by TEXT NOT NULL,
  at INTEGER NOT NULL,
  outcome TEXT,
  note TEXT,
  state TEXT NOT NULL CHECK (state IN ('pending', 'applied', 'refused')),
  sent_at INTEGER,                         -- last time it was published on the station's ack topic
  result_at INTEGER,
  result_rev INTEGER,
  reason TEXT
);
CREATE INDEX center_action_requests_pending ON center_action_requests (site, at) WHERE state = 'pending';
CREATE INDEX center_action_requests_alert ON center_action_requests (alert_id, at);

CREATE TABLE center_station_links (
  site TEXT NOT NULL,
  path TEXT NOT NULL CHECK (path IN ('mqtt', 'webhook')),
  last_seen INTEGER NOT NULL,
  outbox_depth INTEGER,
  outbox_oldest_age_s INTEGER,
  version TEXT,
  PRIMARY KEY (site, path)
);
