-- The station's outbox to the community center (docs/center-link.md, issue #11). One row per
-- message per destination ('center', or 'dest:<name>' for a further webhook destination),
-- written in the same transaction as the alert change it carries. A row is deleted only when
-- its destination has acknowledged storing it; never dropped otherwise.
CREATE TABLE outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  dest TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('alert', 'action-result')),
  order_key TEXT NOT NULL,          -- alert id, or 'action:<actionId>': one in flight per key
  alert_id TEXT NOT NULL,
  rev INTEGER,                      -- alert rows
  action_id TEXT,                   -- action-result rows
  body TEXT NOT NULL,               -- the message without sentAt (added when sent)
  created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL DEFAULT 0,
  last_error TEXT
);
CREATE INDEX outbox_dest_key ON outbox (dest, order_key, seq);
CREATE INDEX outbox_dest_alert ON outbox (dest, alert_id, rev);

-- Center action requests applied at this station, once each (the center resends until it
-- has the action-result).
CREATE TABLE center_actions (
  action_id TEXT PRIMARY KEY,
  alert_id TEXT NOT NULL,
  action TEXT NOT NULL,
  by TEXT NOT NULL,
  applied INTEGER NOT NULL,
  rev INTEGER,
  reason TEXT,
  at INTEGER NOT NULL
);
