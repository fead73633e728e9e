// The print queue's durable table (SQLite under dataDir). Every state change is one UPDATE with
// the expected old state in its WHERE clause (compare-and-set), so a job cannot move to
// 'printing' twice. synchronous=NORMAL with explicit syncs off the event loop (sync()): a commit
// survives the process dying at once, and the write-ahead log is synced to the disk in the thread
// pool before the points that need a power cut survived — a job accepted from the ticket store
// (ticket-paper.ts removes its copy only after sync()) and a job marked 'printing' (its bytes go
// out only after sync()). A full fsync on the event loop for each state change stalled every
// request of the kiosk while the printer printed.
//
// Delivery rule (documented in docs/kiosk-hardware.md): at most once per automatic attempt. A
// job is marked 'printing' before its bytes go out and 'printed' only after they drained and
// the printer's status afterwards is good. A job found 'printing' at start (the process died
// mid-job) becomes 'failed' with a reason — staff check the ticket and retry it if it did not
// come out. Nothing is ever deleted before it is printed.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { PrintJobInfo } from '../types.ts';
import { NOT_COMPLETE } from './print-text.ts';

export type JobState = PrintJobInfo['state'];

export interface StoredJob extends PrintJobInfo {
  bytes: Buffer;
  attempts: number;
}

interface Row {
  id: string;
  ticket_id: string | null;
  state: JobState;
  reason: string | null;
  bytes: Buffer;
  created_at: number;
  printed_at: number | null;
  attempts: number;
}

const MIGRATIONS: readonly string[] = [
  // 001_init
  `CREATE TABLE print_jobs (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     ticket_id TEXT,
     state TEXT NOT NULL CHECK (state IN ('queued','printing','printed','held','failed')),
     reason TEXT,
     bytes BLOB NOT NULL,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     printed_at INTEGER,
     attempts INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX print_jobs_state ON print_jobs(state, seq);`,
];

/** What came out, from the state and the reason the queue wrote (print-queue.ts). */
function paperOf(r: Row): PrintJobInfo['paper'] {
  if (r.state === 'printed') return 'complete';
  if (r.state !== 'failed') return undefined;
  return r.reason?.startsWith(NOT_COMPLETE) ? 'incomplete' : 'unknown';
}

const info = (r: Row): PrintJobInfo => ({
  jobId: r.id,
  ...(r.ticket_id === null ? {} : { ticketId: r.ticket_id }),
  state: r.state,
  ...(r.reason === null ? {} : { reason: r.reason }),
  ...(paperOf(r) === undefined ? {} : { paper: paperOf(r) }),
  createdAt: r.created_at,
  ...(r.printed_at === null ? {} : { printedAt: r.printed_at }),
});

export class PrintStore {
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private wal: FileHandle | undefined;

  constructor(
    dataDir: string,
    private readonly now: () => number = Date.now,
  ) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(join(dataDir, 'print-queue.sqlite'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.migrate();
  }

  /** A prepared statement, prepared once. */
  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /** Makes every commit so far survive a power cut: fdatasync of the write-ahead log, off the event loop. */
  async sync(): Promise<void> {
    this.wal ??= await open(`${this.db.name}-wal`, 'r');
    await this.wal.datasync();
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    for (let v = version; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]!);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  /** Jobs left 'printing' by a crash become 'failed' (at-most-once). Returns them. */
  recoverInterrupted(reason: string): PrintJobInfo[] {
    const rows = this.sql(`SELECT * FROM print_jobs WHERE state = 'printing' ORDER BY seq`).all() as Row[];
    this.sql(
      `UPDATE print_jobs SET state = 'failed', reason = ?, updated_at = ? WHERE state = 'printing'`,
    ).run(reason, this.now());
    return rows.map((r) => ({ ...info(r), state: 'failed', reason }));
  }

  add(ticketId: string | undefined, bytes: Buffer): PrintJobInfo {
    return this.addOnce(randomUUID(), ticketId, bytes).job;
  }

  /** Stores a queued job with this id; if one is stored already, returns it unchanged (`added` false). */
  addOnce(id: string, ticketId: string | undefined, bytes: Buffer): { job: PrintJobInfo; added: boolean } {
    const at = this.now();
    const added =
      this.sql(
        `INSERT INTO print_jobs (id, ticket_id, state, bytes, created_at, updated_at) VALUES (?, ?, 'queued', ?, ?, ?)
           ON CONFLICT(id) DO NOTHING`,
      ).run(id, ticketId ?? null, bytes, at, at).changes === 1;
    return { job: this.get(id)!, added };
  }

  /** Runs `work` in one transaction (one fsync for all its writes). */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  get(id: string): PrintJobInfo | undefined {
    const r = this.sql(`SELECT * FROM print_jobs WHERE id = ?`).get(id) as Row | undefined;
    return r ? info(r) : undefined;
  }

  /** The oldest job waiting to print ('queued' or 'held'), with its bytes. */
  next(): StoredJob | undefined {
    const r = this.sql(
      `SELECT * FROM print_jobs WHERE state IN ('queued','held') ORDER BY seq LIMIT 1`,
    ).get() as Row | undefined;
    return r ? { ...info(r), bytes: r.bytes, attempts: r.attempts } : undefined;
  }

  /** Newest first. */
  list(limit = 100): PrintJobInfo[] {
    return (this.sql(`SELECT * FROM print_jobs ORDER BY seq DESC LIMIT ?`).all(limit) as Row[]).map(info);
  }

  /** Compare-and-set: move `id` from one of `from` to `to`. False when it was not in `from`. */
  transition(id: string, from: readonly JobState[], to: JobState, reason?: string): boolean {
    const at = this.now();
    const marks = from.map(() => '?').join(',');
    const res = this.sql(
      `UPDATE print_jobs SET state = ?, reason = ?, updated_at = ?,
           printed_at = CASE WHEN ? = 'printed' THEN ? ELSE printed_at END,
           attempts = attempts + CASE WHEN ? = 'printing' THEN 1 ELSE 0 END
         WHERE id = ? AND state IN (${marks})`,
    ).run(to, reason ?? null, at, to, at, to, id, ...from);
    return res.changes === 1;
  }

  /** Set the reason of a held job without changing its state. */
  setReason(id: string, reason: string): void {
    this.sql(`UPDATE print_jobs SET reason = ?, updated_at = ? WHERE id = ?`).run(reason, this.now(), id);
  }

  /** Forget printed jobs older than `ms` (their bytes may carry a masked name). */
  prunePrinted(olderThanMs: number): number {
    return this.sql(`DELETE FROM print_jobs WHERE state = 'printed' AND printed_at < ?`).run(
      this.now() - olderThanMs,
    ).changes;
  }

  close(): void {
    void this.wal?.close().catch(() => {});
    this.wal = undefined;
    if (this.db.open) this.db.close();
  }
}
