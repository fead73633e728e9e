-- The paper of a ticket, written in the same transaction as the ticket (issue #10 defect 15):
-- a ticket and its print request commit together or not at all. A row is handed to the print
-- queue (whose job id it carries, so handing it twice prints once) and deleted; rows still here
-- at start are handed again.
CREATE TABLE ticket_prints (
  job_id TEXT PRIMARY KEY,
  ticket_id TEXT NOT NULL REFERENCES tickets(id),
  bytes BLOB NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX ticket_prints_ticket ON ticket_prints (ticket_id);
