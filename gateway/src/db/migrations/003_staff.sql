-- Staff accounts, login sessions and the audit log. Times are milliseconds since the epoch.

CREATE TABLE staff (
  username TEXT PRIMARY KEY,
  display_name TEXT,
  role TEXT NOT NULL CHECK (role IN ('window', 'operator', 'supervisor', 'admin')),
  password_hash TEXT NOT NULL,                    -- scrypt
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at INTEGER NOT NULL,
  password_changed_at INTEGER NOT NULL
);

-- The cookie carries a random token; only its SHA-256 is stored.
CREATE TABLE staff_sessions (
  token_hash TEXT PRIMARY KEY,
  username TEXT NOT NULL REFERENCES staff (username) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  ip TEXT
);
CREATE INDEX staff_sessions_username ON staff_sessions (username);
CREATE INDEX staff_sessions_expires ON staff_sessions (expires_at);

-- Who did what, when: every acknowledgement, resolution, note and configuration change.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,                            -- staff username, 'cli:<user>' or 'system'
  action TEXT NOT NULL,                           -- e.g. alert.acknowledge, device.provision
  target TEXT,                                    -- e.g. alert:<id>, device:<id>
  detail TEXT,                                    -- JSON, never a secret or a full ID number
  ip TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_target ON audit_log (target);
