-- Station accounts and staff login failures of a center on PostgreSQL (center/pg/stations.ts,
-- center/pg/login-counts.ts): shared so that a station added or rotated on one instance
-- authenticates on every instance, and so that failed staff logins spread over instances are
-- counted together.

-- The same columns as the SQLite file's center_stations (migrations 006, 008). The webhook secret
-- is sealed under an HKDF subkey of the gateway key: every instance must have the same key.
CREATE TABLE center_stations (
  site TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,             -- scrypt of the MQTT password
  webhook_secret TEXT NOT NULL,            -- AES-256-GCM, bound to the site
  mosquitto_hash TEXT,                     -- $7$ PBKDF2-SHA512 of the MQTT password
  created_at BIGINT NOT NULL,
  rotated_at BIGINT
);

-- One row per limiter key (account and address, or address alone), forgotten after its window.
CREATE TABLE login_failures (
  key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  reset_at BIGINT NOT NULL
);
CREATE INDEX login_failures_reset ON login_failures (reset_at);
