-- Engine tables: device events, alerts and their history, device supervision state,
-- and the queue of commands to devices (kept until the device has acknowledged them).

CREATE TABLE events (
  seq_no INTEGER PRIMARY KEY,              -- arrival order
  device_id TEXT NOT NULL,
  event_id TEXT NOT NULL,                  -- the device's id for the event; unique per device
  site TEXT NOT NULL,
  seq INTEGER,
  type TEXT NOT NULL,
  ts INTEGER NOT NULL,                     -- device time, epoch ms
  received_at INTEGER NOT NULL,            -- gateway time, epoch ms
  source TEXT NOT NULL DEFAULT 'mqtt',     -- mqtt | zigbee | supervision
  card_hash TEXT,                          -- access events: keyed hash of the card number, never the number
  battery INTEGER,
  note TEXT,
  alert_id TEXT,
  UNIQUE (device_id, event_id)
);
CREATE INDEX events_received ON events (received_at);
CREATE INDEX events_device ON events (device_id, received_at);

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
  raised_at INTEGER NOT NULL,
  last_at INTEGER NOT NULL,
  acknowledged_at INTEGER,
  acknowledged_by TEXT,
  resolved_at INTEGER,
  resolved_by TEXT,
  outcome TEXT,
  cancelled_by_resident INTEGER NOT NULL DEFAULT 0,
  escalation_level INTEGER NOT NULL DEFAULT 0,
  next_escalation_at INTEGER                -- NULL when no further level or no longer raised
);
CREATE INDEX alerts_open ON alerts (device_id, type) WHERE state IN ('raised', 'acknowledged');
CREATE INDEX alerts_state ON alerts (state, raised_at);
CREATE INDEX alerts_raised ON alerts (raised_at);
CREATE INDEX alerts_escalation ON alerts (next_escalation_at) WHERE next_escalation_at IS NOT NULL;

CREATE TABLE alert_history (
  id INTEGER PRIMARY KEY,
  alert_id TEXT NOT NULL REFERENCES alerts (id),
  rev INTEGER NOT NULL,
  at INTEGER NOT NULL,
  by TEXT NOT NULL,
  action TEXT NOT NULL,
  note TEXT
);
CREATE INDEX alert_history_alert ON alert_history (alert_id, id);

CREATE TABLE device_state (
  device_id TEXT PRIMARY KEY,
  online INTEGER NOT NULL DEFAULT 1,       -- supervision verdict (heartbeat timeout)
  connected INTEGER,                       -- last retained status / LWT
  last_seen INTEGER,
  battery INTEGER,
  rssi INTEGER,
  fw TEXT,
  last_door_open_at INTEGER,
  tamper INTEGER NOT NULL DEFAULT 0,
  battery_low INTEGER NOT NULL DEFAULT 0,
  contact INTEGER                          -- zigbee contact sensors: 1 closed, 0 open
);

CREATE TABLE cmd_queue (
  id INTEGER PRIMARY KEY,
  device_id TEXT NOT NULL,
  topic TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  delivered_at INTEGER
);
CREATE INDEX cmd_queue_pending ON cmd_queue (device_id, id) WHERE delivered_at IS NULL;
