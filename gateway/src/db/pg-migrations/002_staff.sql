-- Staff accounts and login sessions of a center on PostgreSQL (center/pg/staff.ts,
-- center/pg/sessions.ts): the same columns as the SQLite file's migration 003, shared so that an
-- account made on one instance exists on all and a login on one is valid on all.

CREATE TABLE staff (
  username TEXT PRIMARY KEY,
  display_name TEXT,
  role TEXT NOT NULL CHECK (role IN ('window', 'operator', 'supervisor', 'admin')),
  password_hash TEXT NOT NULL,                    -- scrypt
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at BIGINT NOT NULL,
  password_changed_at BIGINT NOT NULL
);

-- The cookie carries a random token; only its SHA-256 is stored.
CREATE TABLE staff_sessions (
  token_hash TEXT PRIMARY KEY,
  username TEXT NOT NULL REFERENCES staff (username) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  ip TEXT
);
CREATE INDEX staff_sessions_username ON staff_sessions (username);
CREATE INDEX staff_sessions_expires ON staff_sessions (expires_at);
