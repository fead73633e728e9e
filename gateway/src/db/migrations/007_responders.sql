-- Neighbour responders (邻里结对, issue #15): the people to call for a resident, the resident's
-- plan (escalate at once? notes for whoever comes), each escalation's durable state, every
-- notification sent (one per alert and step, one per alert and responder), and volunteer hours.

CREATE TABLE responders (
  id TEXT PRIMARY KEY,
  resident_id TEXT NOT NULL REFERENCES residents (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('family', 'volunteer', 'grid-worker')),
  phone TEXT NOT NULL,
  ord INTEGER NOT NULL,                     -- call order, lowest first
  hours TEXT,                               -- 'HH:MM-HH:MM' station time (may wrap midnight); NULL: any time
  consent_given_by TEXT NOT NULL,           -- who gave consent (the responder, or a guardian)
  consent_at INTEGER NOT NULL,              -- when consent was given, epoch ms
  consent_recorded_by TEXT NOT NULL,        -- the staff account that recorded it
  consent_recorded_at INTEGER NOT NULL,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX responders_resident ON responders (resident_id, ord);

CREATE TABLE responder_plans (
  resident_id TEXT PRIMARY KEY REFERENCES residents (id) ON DELETE CASCADE,
  immediate INTEGER NOT NULL DEFAULT 0 CHECK (immediate IN (0, 1)), -- notify at once, no operator wait
  notes TEXT,                               -- emergency notes shown to the responder (key, medication…)
  updated_at INTEGER NOT NULL,
  updated_by TEXT NOT NULL
);

CREATE TABLE responder_escalations (
  alert_id TEXT PRIMARY KEY REFERENCES alerts (id),
  resident_id TEXT NOT NULL,
  step INTEGER NOT NULL DEFAULT 0,          -- notifications sent so far
  next_at INTEGER,                          -- when the next step is due; NULL when done
  done_reason TEXT,                         -- acknowledged | resolved | exhausted
  created_at INTEGER NOT NULL
);
CREATE INDEX responder_escalations_due ON responder_escalations (next_at) WHERE next_at IS NOT NULL;

CREATE TABLE responder_notifications (
  id TEXT PRIMARY KEY,                      -- also the message id given to the SMS gateway (idempotency)
  alert_id TEXT NOT NULL REFERENCES alerts (id),
  responder_id TEXT NOT NULL,
  step INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  link_expires_at INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  sent_at INTEGER,
  last_error TEXT,
  going_at INTEGER,                         -- "I'm going"
  there_at INTEGER,                         -- "I'm there"
  UNIQUE (alert_id, step),
  UNIQUE (alert_id, responder_id)
);
CREATE INDEX responder_notifications_pending ON responder_notifications (next_attempt_at) WHERE status = 'pending';

CREATE TABLE volunteer_hours (
  alert_id TEXT NOT NULL,
  responder_id TEXT NOT NULL,
  responder_name TEXT NOT NULL,             -- as it was then (the responder may be removed later)
  resident_id TEXT NOT NULL,
  start_at INTEGER NOT NULL,
  end_at INTEGER NOT NULL,
  minutes INTEGER NOT NULL,
  rule TEXT NOT NULL,                       -- which rule counted the time (docs/responders.md)
  PRIMARY KEY (alert_id, responder_id)
);
CREATE INDEX volunteer_hours_start ON volunteer_hours (start_at);
