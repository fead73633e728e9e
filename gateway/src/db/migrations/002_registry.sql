-- Registry: residents, devices, device credentials, Zigbee2MQTT friendly names.
-- Times are milliseconds since the epoch. Applied inside the migration runner's transaction.

CREATE TABLE residents (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  address TEXT,
  phone TEXT,
  emergency_contacts TEXT NOT NULL DEFAULT '[]', -- JSON [{name, phone, relation?}]
  lives_alone INTEGER NOT NULL DEFAULT 0 CHECK (lives_alone IN (0, 1)),
  welfare_check_hours REAL,                       -- NULL: the gateway default (24 h)
  id_number_masked TEXT,                          -- 110101********123X, never the full number
  id_number_hmac TEXT,                            -- keyed HMAC-SHA256, for look-ups
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX residents_id_number_hmac ON residents (id_number_hmac);

CREATE TABLE devices (
  id TEXT PRIMARY KEY,                            -- MQTT username
  site TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('pendant', 'wall-button', 'door-contact', 'access-reader', 'zigbee')),
  building TEXT,
  unit TEXT,
  room TEXT,
  grid TEXT,                                      -- 网格 grid cell
  heartbeat_interval_s INTEGER NOT NULL CHECK (heartbeat_interval_s > 0),
  offline_timeout_s INTEGER NOT NULL CHECK (offline_timeout_s > 0),
  resident_id TEXT REFERENCES residents (id) ON DELETE SET NULL,
  zigbee_name TEXT UNIQUE,                        -- Zigbee2MQTT friendly name (kind 'zigbee' only)
  retired_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  CHECK ((kind = 'zigbee') = (zigbee_name IS NOT NULL))
);
CREATE INDEX devices_site ON devices (site);
CREATE INDEX devices_resident ON devices (resident_id);

-- One credential per MQTT device (Zigbee devices connect through their bridge).
-- secret_hash: scrypt, checked by the embedded broker.
-- mosquitto_hash: Mosquitto's own PBKDF2-SHA512 "$7$" form, for an external broker's password_file.
-- Deleted when the device is retired.
CREATE TABLE device_credentials (
  device_id TEXT PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
  secret_hash TEXT NOT NULL,
  mosquitto_hash TEXT NOT NULL,
  rotated_at INTEGER NOT NULL
);
