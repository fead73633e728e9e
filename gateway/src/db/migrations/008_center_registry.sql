-- Center role (issue #11): each station's registry summarised for the console (one row per
-- station device: never an ID number), and the Mosquitto password hash of each station account
-- (for a center behind an external Mosquitto: `linli-gw center mosquitto-files`).

CREATE TABLE center_devices (
  site TEXT NOT NULL,
  device_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  building TEXT,
  grid TEXT,
  resident_id TEXT,
  resident_name TEXT,
  online INTEGER,                          -- NULL: never heard from
  summary TEXT NOT NULL,                   -- JSON: the station's DeviceSummary (docs/center-link.md)
  updated_at INTEGER NOT NULL,             -- station time of the message that carried it
  PRIMARY KEY (site, device_id)
);
CREATE INDEX center_devices_where ON center_devices (site, building, grid);
CREATE INDEX center_devices_device ON center_devices (device_id);

ALTER TABLE center_stations ADD COLUMN mosquitto_hash TEXT;  -- $7$ PBKDF2-SHA512 of the MQTT password
