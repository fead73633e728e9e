-- Covering index for the queue heads and people-ahead counts: per service and day, the waiting
-- tickets by appointment slot, priority class and ordering time.
CREATE INDEX tickets_queue ON tickets (service_id, day, state, slot_at, priority_class, order_at);
