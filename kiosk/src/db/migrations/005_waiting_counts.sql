-- The number of waiting tickets per service, day and class (appointment / priority walk-in /
-- normal walk-in), kept by triggers in the same transaction as every ticket write, so a count
-- of a whole class is one row read instead of a scan of the waiting tickets (ahead.ts: people
-- ahead of a new ticket at the end of a long queue cost one COUNT scan per class before).
CREATE TABLE waiting_counts (
  service_id TEXT NOT NULL,
  day TEXT NOT NULL,
  class TEXT NOT NULL CHECK (class IN ('appointment', 'priority', 'normal')),
  n INTEGER NOT NULL,
  PRIMARY KEY (service_id, day, class)
) WITHOUT ROWID;

INSERT INTO waiting_counts (service_id, day, class, n)
  SELECT service_id, day,
         CASE WHEN slot_at IS NOT NULL THEN 'appointment' WHEN priority_class != 'normal' THEN 'priority' ELSE 'normal' END,
         COUNT(*)
    FROM tickets WHERE state = 'waiting' GROUP BY 1, 2, 3;

CREATE TRIGGER waiting_counts_insert AFTER INSERT ON tickets WHEN NEW.state = 'waiting'
BEGIN
  INSERT INTO waiting_counts (service_id, day, class, n)
    VALUES (NEW.service_id, NEW.day,
            CASE WHEN NEW.slot_at IS NOT NULL THEN 'appointment' WHEN NEW.priority_class != 'normal' THEN 'priority' ELSE 'normal' END,
            1)
    ON CONFLICT (service_id, day, class) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER waiting_counts_delete AFTER DELETE ON tickets WHEN OLD.state = 'waiting'
BEGIN
  UPDATE waiting_counts SET n = n - 1
    WHERE service_id = OLD.service_id AND day = OLD.day
      AND class = CASE WHEN OLD.slot_at IS NOT NULL THEN 'appointment' WHEN OLD.priority_class != 'normal' THEN 'priority' ELSE 'normal' END;
END;

CREATE TRIGGER waiting_counts_leave AFTER UPDATE OF state, service_id, day, slot_at, priority_class ON tickets
  WHEN OLD.state = 'waiting'
BEGIN
  UPDATE waiting_counts SET n = n - 1
    WHERE service_id = OLD.service_id AND day = OLD.day
      AND class = CASE WHEN OLD.slot_at IS NOT NULL THEN 'appointment' WHEN OLD.priority_class != 'normal' THEN 'priority' ELSE 'normal' END;
END;

CREATE TRIGGER waiting_counts_enter AFTER UPDATE OF state, service_id, day, slot_at, priority_class ON tickets
  WHEN NEW.state = 'waiting'
BEGIN
  INSERT INTO waiting_counts (service_id, day, class, n)
    VALUES (NEW.service_id, NEW.day,
            CASE WHEN NEW.slot_at IS NOT NULL THEN 'appointment' WHEN NEW.priority_class != 'normal' THEN 'priority' ELSE 'normal' END,
            1)
    ON CONFLICT (service_id, day, class) DO UPDATE SET n = n + 1;
END;
