-- Queue engine schema. Times are Unix milliseconds; `day` is the station's local date YYYY-MM-DD.

CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE services (
  id TEXT PRIMARY KEY,                         -- slug, e.g. 'social-security'
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  prefix TEXT NOT NULL UNIQUE CHECK (length(prefix) = 1 AND prefix GLOB '[A-Z]'),
  range_start INTEGER NOT NULL DEFAULT 1 CHECK (range_start >= 0),
  range_end INTEGER NOT NULL DEFAULT 999 CHECK (range_end >= range_start),
  daily_cap INTEGER NOT NULL DEFAULT 300 CHECK (daily_cap >= 0),
  hours TEXT NOT NULL,                         -- JSON {"0":["09:00-17:00"], ... "6":[]} by weekday, 0 = Sunday
  id_required INTEGER NOT NULL DEFAULT 0,
  expected_service_s INTEGER NOT NULL DEFAULT 600 CHECK (expected_service_s > 0),
  active INTEGER NOT NULL DEFAULT 1,
  sort INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE staff (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('window', 'admin')),
  password_hash TEXT NOT NULL,                 -- scrypt$N$r$p$salt$hash
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,                 -- sha256 of the cookie value
  staff_id INTEGER NOT NULL REFERENCES staff(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);

CREATE TABLE windows (
  id INTEGER PRIMARY KEY,                      -- the window number announced (3号窗口)
  name TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  staff_id INTEGER REFERENCES staff(id),       -- signed in
  normal_streak INTEGER NOT NULL DEFAULT 0     -- normal calls since the last priority call ('ratio' policy)
);

CREATE TABLE window_services (
  window_id INTEGER NOT NULL REFERENCES windows(id) ON DELETE CASCADE,
  service_id TEXT NOT NULL REFERENCES services(id),
  PRIMARY KEY (window_id, service_id)
);

CREATE TABLE appointments (
  id TEXT PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,                   -- what the resident shows / scans
  service_id TEXT NOT NULL REFERENCES services(id),
  slot_at INTEGER NOT NULL,
  name_masked TEXT,
  id_masked TEXT,
  id_hash TEXT,
  state TEXT NOT NULL CHECK (state IN ('booked', 'checked-in', 'cancelled', 'missed')),
  ticket_id TEXT,
  created_at INTEGER NOT NULL,
  created_by INTEGER REFERENCES staff(id)
);
CREATE INDEX appointments_slot ON appointments (slot_at);

CREATE TABLE tickets (
  id TEXT PRIMARY KEY,
  token TEXT NOT NULL,                         -- unguessable, in the QR URL; a transfer keeps it
  day TEXT NOT NULL,
  service_id TEXT NOT NULL REFERENCES services(id),
  seq INTEGER,                                 -- number within (service, day); NULL for a ticket transferred in
  number TEXT NOT NULL,                        -- 'A001'
  priority_class TEXT NOT NULL DEFAULT 'normal',
  source TEXT NOT NULL CHECK (source IN ('card', 'appointment', 'anonymous', 'staff', 'transfer')),
  id_hash TEXT,
  id_masked TEXT,
  name_masked TEXT,
  appointment_id TEXT REFERENCES appointments(id),
  slot_at INTEGER,                             -- appointment slot: called at this time ahead of walk-ins
  state TEXT NOT NULL CHECK (state IN ('waiting', 'called', 'serving', 'done', 'no-show', 'cancelled', 'transferred', 'expired')),
  arrived_at INTEGER NOT NULL,                 -- first arrival at the station (kept by a transfer)
  queued_at INTEGER NOT NULL,                  -- entered this service's queue (wait statistics)
  order_at INTEGER NOT NULL,                   -- ordering key (arrival; reactivation moves it)
  called_at INTEGER,
  first_called_at INTEGER,
  started_at INTEGER,
  finished_at INTEGER,
  recalls INTEGER NOT NULL DEFAULT 0,
  window_id INTEGER REFERENCES windows(id),
  staff_id INTEGER REFERENCES staff(id),
  outcome TEXT CHECK (outcome IN ('resolved', 'follow-up', 'referred')),
  note TEXT,
  transferred_from TEXT REFERENCES tickets(id),
  rating INTEGER CHECK (rating BETWEEN 1 AND 5),
  rating_reason TEXT,
  rating_comment TEXT,
  rated_at INTEGER,
  followup_at INTEGER,
  followup_by INTEGER REFERENCES staff(id),
  followup_note TEXT,
  UNIQUE (service_id, day, seq)
);
CREATE INDEX tickets_waiting ON tickets (state, service_id, order_at);
CREATE INDEX tickets_day ON tickets (day, service_id);
CREATE INDEX tickets_token ON tickets (token);
CREATE INDEX tickets_person ON tickets (id_hash, service_id, state);
CREATE INDEX tickets_window ON tickets (window_id, state);

CREATE TABLE ticket_events (
  id INTEGER PRIMARY KEY,
  ticket_id TEXT NOT NULL REFERENCES tickets(id),
  type TEXT NOT NULL,
  at INTEGER NOT NULL,
  window_id INTEGER,
  staff_id INTEGER,
  data TEXT
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  staff_id INTEGER,
  username TEXT,
  action TEXT NOT NULL,
  target TEXT,
  detail TEXT,
  address TEXT
);
CREATE INDEX audit_at ON audit_log (at);
