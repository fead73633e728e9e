-- Device clocks that cannot be believed (issue #10, defect 8). An event whose device time is
-- skewed or impossible is kept, stamped with the gateway's receive time (ts = received_at), the
-- device's own value kept in device_ts and the verdict in clock; the device's clock state is
-- kept per device and shown by the device API.
ALTER TABLE events ADD COLUMN device_ts INTEGER;   -- the device's time when not believed
ALTER TABLE events ADD COLUMN clock TEXT;          -- NULL: believed; 'skewed' | 'invalid'

CREATE TABLE device_clock (
  device_id TEXT PRIMARY KEY,
  state TEXT NOT NULL CHECK (state IN ('ok', 'skewed', 'invalid')),
  skew_ms INTEGER,                                 -- device − gateway time (ok, skewed)
  device_ts INTEGER,                               -- the device time that made it invalid
  checked_at INTEGER NOT NULL                      -- gateway time of the last change
);
