-- Fewer index pages per issued ticket (issue #16: a commit wrote ~18 WAL pages per ticket).
-- Each index was checked against the queries that use it (EXPLAIN QUERY PLAN, docs/kiosk-queue.md):
-- * tickets_waiting (state, service_id, order_at): the queue-order and people-ahead queries use
--   tickets_queue (service, day, state, ...); its one other user, the recent service durations of a
--   service (wait.ts), reads only finished tickets: a partial index of those, which a new ticket
--   does not touch.
-- * tickets_person and tickets_window: looked up only by a given id hash / window
--   (`id_hash = ?`, `window_id = ?`), so partial indexes without the NULL rows; an anonymous new
--   ticket, not yet at a window, adds no entry to either.
-- * ticket_prints_ticket: no query reads a ticket's paper by ticket (the paper is handed on by
--   job id and then deleted).
DROP INDEX tickets_waiting;
CREATE INDEX tickets_done ON tickets (service_id, finished_at) WHERE state = 'done';
DROP INDEX tickets_person;
CREATE INDEX tickets_person ON tickets (id_hash, service_id, state) WHERE id_hash IS NOT NULL;
DROP INDEX tickets_window;
CREATE INDEX tickets_window ON tickets (window_id, state) WHERE window_id IS NOT NULL;
DROP INDEX ticket_prints_ticket;
-- The display board's snapshot (queue.changed, up to 20 a second while tickets are issued) scanned
-- every ticket of the day three times (tickets_day): the tickets at windows and the last calls now
-- have partial indexes holding only called tickets (a new ticket adds no entry), and the waiting
-- counts are read from waiting_counts (migration 005).
CREATE INDEX tickets_at_window ON tickets (day) WHERE state IN ('called', 'serving');
CREATE INDEX tickets_calls ON tickets (day, called_at) WHERE called_at IS NOT NULL;
