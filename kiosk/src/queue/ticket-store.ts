// The ticket store: the only code that writes tickets. Prepared statements, row mapping and the
// state changes, each a compare-and-set (UPDATE … WHERE state IN (expected)), so a ticket never
// moves twice; its history rows (ticket_events) and the audit log are written here too.
import type { Db } from '../db/open.ts';
import { writeAudit } from './audit.ts';
import { QueueError } from './errors.ts';
import { type Sql, Statements } from './statements.ts';
import type { Actor, TicketRow, TicketState } from './types.ts';

/** A new ticket as issued (or transferred in). */
export interface NewTicket {
  id: string;
  token: string;
  day: string;
  serviceId: string;
  seq: number | null;
  number: string;
  priorityClass: string;
  source: string;
  idHash: string | null;
  idMasked: string | null;
  nameMasked: string | null;
  appointmentId: string | null;
  slotAt: number | null;
  arrivedAt: number;
  queuedAt: number;
  orderAt: number;
  transferredFrom: string | null;
}

/** Columns a state change may set. */
export type TicketChange = Partial<
  Pick<
    TicketRow,
    | 'state'
    | 'window_id'
    | 'staff_id'
    | 'called_at'
    | 'first_called_at'
    | 'started_at'
    | 'finished_at'
    | 'order_at'
    | 'recalls'
    | 'outcome'
    | 'note'
    | 'priority_class'
  >
>;

export interface PendingPrint {
  jobId: string;
  ticketId: string;
  bytes: Buffer;
}

export interface TicketFilter {
  day: string;
  state?: string;
  serviceId?: string;
  windowId?: number;
  limit?: number;
}

export class TicketStore {
  private readonly statements: Statements;
  readonly db: Db;

  constructor(db: Db) {
    this.db = db;
    this.statements = new Statements(db);
  }

  /** Read-only statements for the queue-order queries (ahead.ts). */
  get sql(): Sql {
    return this.statements.sql;
  }

  /** Runs `work` in one BEGIN IMMEDIATE transaction: atomic also between processes sharing the file. */
  transaction<T>(work: () => T): T {
    return this.statements.immediate(work);
  }

  // ---- reading ---------------------------------------------------------------------------

  find(id: string): TicketRow | undefined {
    return this.sql('SELECT * FROM tickets WHERE id = ?').get(id) as TicketRow | undefined;
  }

  row(id: string): TicketRow {
    const found = this.find(id);
    if (!found) throw new QueueError('NOT_FOUND', '没有这张号票', `no such ticket: ${id}`);
    return found;
  }

  /** The resident's current ticket for a token (a transfer keeps the token; the newest wins). */
  rowByToken(token: string): TicketRow {
    const found = this.sql(
      'SELECT * FROM tickets WHERE token = ? ORDER BY queued_at DESC, rowid DESC LIMIT 1',
    ).get(token) as TicketRow | undefined;
    if (!found) throw new QueueError('NOT_FOUND', '没有这张号票', 'no such ticket');
    return found;
  }

  /** The person's open ticket of a service today, if any. */
  openFor(idHash: string, serviceId: string, day: string): TicketRow | undefined {
    return this.sql(
      `SELECT * FROM tickets WHERE id_hash = ? AND service_id = ? AND day = ?
         AND state IN ('waiting', 'called', 'serving') LIMIT 1`,
    ).get(idHash, serviceId, day) as TicketRow | undefined;
  }

  /** The highest number issued for a service on a day (numbers are contiguous from the range start). */
  maxSeq(serviceId: string, day: string): number | null {
    return (
      this.sql('SELECT MAX(seq) AS m FROM tickets WHERE service_id = ? AND day = ?').get(serviceId, day) as {
        m: number | null;
      }
    ).m;
  }

  /** The number of the ticket still open (called or serving) at a window, if any. */
  openAtWindow(windowId: number): string | undefined {
    const found = this.sql(
      `SELECT number FROM tickets WHERE window_id = ? AND state IN ('called', 'serving') LIMIT 1`,
    ).get(windowId) as { number: string } | undefined;
    return found?.number;
  }

  list(filter: TicketFilter): TicketRow[] {
    return this.sql(
      `SELECT * FROM tickets WHERE day = ? AND (? IS NULL OR state = ?) AND (? IS NULL OR service_id = ?)
         AND (? IS NULL OR window_id = ?) ORDER BY arrived_at, rowid LIMIT ?`,
    ).all(
      filter.day,
      filter.state ?? null,
      filter.state ?? null,
      filter.serviceId ?? null,
      filter.serviceId ?? null,
      filter.windowId ?? null,
      filter.windowId ?? null,
      filter.limit ?? 1000,
    ) as TicketRow[];
  }

  /** Today's waiting tickets a window can call, with their rowid (the issue-order tie-break). */
  waitingAtWindow(day: string, windowId: number): (TicketRow & { tie: number })[] {
    return this.sql(
      `SELECT rowid AS tie, * FROM tickets WHERE day = ? AND state = 'waiting'
       AND service_id IN (SELECT service_id FROM window_services WHERE window_id = ?)`,
    ).all(day, windowId) as (TicketRow & { tie: number })[];
  }

  /** Waiting tickets per service on a day (all, and those of a priority class). */
  waitingCounts(day: string): { service_id: string; n: number; p: number }[] {
    // From the trigger-kept counts (migration 005), plus the appointments of a priority class
    // (counted in the 'appointment' class there): one short index range, not a scan of the day.
    const counts = this.sql(
      `SELECT service_id, SUM(n) AS n, SUM(CASE WHEN class = 'priority' THEN n ELSE 0 END) AS p
         FROM waiting_counts WHERE service_id IN (SELECT id FROM services) AND day = ? GROUP BY service_id`,
    ).all(day) as { service_id: string; n: number; p: number }[];
    const appointments = this.sql(
      `SELECT service_id, COUNT(*) AS p FROM tickets INDEXED BY tickets_queue
         WHERE service_id IN (SELECT id FROM services) AND day = ?
         AND state = 'waiting' AND slot_at IS NOT NULL AND priority_class != 'normal' GROUP BY service_id`,
    ).all(day) as { service_id: string; p: number }[];
    for (const extra of appointments) {
      const count = counts.find((found) => found.service_id === extra.service_id);
      if (count) count.p += extra.p;
    }
    return counts.filter((count) => count.n > 0);
  }

  /** The tickets called or being served at windows on a day. */
  atWindows(day: string): { window_id: number; number: string; state: string }[] {
    return this.sql(
      `SELECT window_id, number, state FROM tickets WHERE day = ? AND state IN ('called', 'serving')`,
    ).all(day) as { window_id: number; number: string; state: string }[];
  }

  /** The last calls of a day, newest first. */
  recentCalls(
    day: string,
    limit: number,
  ): { number: string; window_id: number; service_id: string; called_at: number }[] {
    return this.sql(
      `SELECT number, window_id, service_id, called_at FROM tickets WHERE day = ? AND called_at IS NOT NULL
       AND window_id IS NOT NULL ORDER BY called_at DESC LIMIT ?`,
    ).all(day, limit) as { number: string; window_id: number; service_id: string; called_at: number }[];
  }

  /** Service times (ms) of the service's last finished tickets since `since`, newest first. */
  serviceDurations(serviceId: string, since: number, limit: number): number[] {
    return (
      this.sql(
        `SELECT finished_at - started_at AS d FROM tickets WHERE service_id = ? AND state = 'done'
         AND started_at IS NOT NULL AND finished_at > ? ORDER BY finished_at DESC LIMIT ?`,
      ).all(serviceId, since, limit) as { d: number }[]
    ).map((found) => found.d);
  }

  /** Ratings of 1 or 2, newest first; `open` only those not yet followed up. */
  badRatings(open: boolean, limit: number): TicketRow[] {
    return this.sql(
      `SELECT * FROM tickets WHERE rating IS NOT NULL AND rating <= 2 AND (? = 0 OR followup_at IS NULL)
       ORDER BY rated_at DESC LIMIT ?`,
    ).all(open ? 1 : 0, limit) as TicketRow[];
  }

  // ---- writing ---------------------------------------------------------------------------

  /** Inserts a new waiting ticket; returns its row as stored (every other column at its default). */
  insert(ticket: NewTicket): TicketRow {
    this.sql(
      `INSERT INTO tickets (id, token, day, service_id, seq, number, priority_class, source, id_hash, id_masked,
           name_masked, appointment_id, slot_at, state, arrived_at, queued_at, order_at, transferred_from)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'waiting', ?, ?, ?, ?)`,
    ).run(
      ticket.id,
      ticket.token,
      ticket.day,
      ticket.serviceId,
      ticket.seq,
      ticket.number,
      ticket.priorityClass,
      ticket.source,
      ticket.idHash,
      ticket.idMasked,
      ticket.nameMasked,
      ticket.appointmentId,
      ticket.slotAt,
      ticket.arrivedAt,
      ticket.queuedAt,
      ticket.orderAt,
      ticket.transferredFrom,
    );
    return {
      id: ticket.id,
      token: ticket.token,
      day: ticket.day,
      service_id: ticket.serviceId,
      seq: ticket.seq,
      number: ticket.number,
      priority_class: ticket.priorityClass,
      source: ticket.source as TicketRow['source'],
      id_hash: ticket.idHash,
      id_masked: ticket.idMasked,
      name_masked: ticket.nameMasked,
      appointment_id: ticket.appointmentId,
      slot_at: ticket.slotAt,
      state: 'waiting',
      arrived_at: ticket.arrivedAt,
      queued_at: ticket.queuedAt,
      order_at: ticket.orderAt,
      called_at: null,
      first_called_at: null,
      started_at: null,
      finished_at: null,
      recalls: 0,
      window_id: null,
      staff_id: null,
      outcome: null,
      note: null,
      transferred_from: ticket.transferredFrom,
      rating: null,
      rating_reason: null,
      rating_comment: null,
      rated_at: null,
      followup_at: null,
      followup_by: null,
      followup_note: null,
    };
  }

  /**
   * Compare-and-set: applies `change` to the ticket only while it is in one of `from`; CONFLICT
   * when another step moved it first. `raw` sets columns to constant SQL expressions of the old row
   * (e.g. `recalls + 1`); never interpolate values into them (each text is a cached statement).
   */
  change(
    id: string,
    from: readonly TicketState[],
    change: TicketChange,
    raw: Record<string, string> = {},
  ): void {
    const columns = Object.keys(change) as (keyof TicketChange)[];
    const sets = [
      ...columns.map((column) => `${column} = ?`),
      ...Object.entries(raw).map(([column, expr]) => `${column} = ${expr}`),
    ];
    const marks = from.map(() => '?').join(', ');
    const changes = this.sql(
      `UPDATE tickets SET ${sets.join(', ')} WHERE id = ? AND state IN (${marks})`,
    ).run(...columns.map((column) => change[column] ?? null), id, ...from).changes;
    if (changes !== 1)
      throw new QueueError('CONFLICT', '这张号票刚被别处改动', 'the ticket was just changed elsewhere');
  }

  /** waiting → called at a window (compare-and-set); false when it was no longer waiting. */
  markCalled(id: string, windowId: number, staffId: number, at: number): boolean {
    return (
      this.sql(
        `UPDATE tickets SET state = 'called', window_id = ?, staff_id = ?, called_at = ?,
           first_called_at = COALESCE(first_called_at, ?), recalls = 0 WHERE id = ? AND state = 'waiting'`,
      ).run(windowId, staffId, at, at, id).changes === 1
    );
  }

  /** Stores the rating of a finished ticket once (compare-and-set on rating IS NULL). */
  rate(id: string, rating: number, reason: string | null, comment: string | null, at: number): boolean {
    return (
      this.sql(
        `UPDATE tickets SET rating = ?, rating_reason = ?, rating_comment = ?, rated_at = ?
         WHERE id = ? AND state = 'done' AND rating IS NULL`,
      ).run(rating, reason, comment, at, id).changes === 1
    );
  }

  followUp(id: string, at: number, staffId: number, note: string): void {
    this.sql('UPDATE tickets SET followup_at = ?, followup_by = ?, followup_note = ? WHERE id = ?').run(
      at,
      staffId,
      note,
      id,
    );
  }

  /** Open tickets of days before `day` expire; returns how many. */
  expireBefore(day: string, at: number): number {
    return this.sql(
      `UPDATE tickets SET state = 'expired', finished_at = ? WHERE day < ? AND state IN ('waiting', 'called', 'serving')`,
    ).run(at, day).changes;
  }

  /** Personal fields of tickets of days before `day` are purged; returns how many tickets. */
  purgeBefore(day: string): number {
    return this.sql(
      `UPDATE tickets SET id_hash = NULL, id_masked = NULL, name_masked = NULL, rating_comment = NULL
       WHERE day < ? AND (id_hash IS NOT NULL OR id_masked IS NOT NULL OR name_masked IS NOT NULL OR rating_comment IS NOT NULL)`,
    ).run(day).changes;
  }

  /** The paper of a ticket, stored in the ticket's own transaction (handed to the print queue after). */
  addPrint(jobId: string, ticketId: string, bytes: Buffer, at: number): void {
    this.sql('INSERT INTO ticket_prints (job_id, ticket_id, bytes, created_at) VALUES (?, ?, ?, ?)').run(
      jobId,
      ticketId,
      bytes,
      at,
    );
  }

  /** Paper not yet handed to the print queue, oldest first. */
  pendingPrints(): PendingPrint[] {
    return (
      this.sql('SELECT job_id, ticket_id, bytes FROM ticket_prints ORDER BY created_at, rowid').all() as {
        job_id: string;
        ticket_id: string;
        bytes: Buffer;
      }[]
    ).map((found) => ({ jobId: found.job_id, ticketId: found.ticket_id, bytes: found.bytes }));
  }

  /** The print queue has the jobs (durably): forget their stored paper. */
  removePrints(jobIds: readonly string[]): void {
    this.transaction(() => {
      for (const jobId of jobIds) this.sql('DELETE FROM ticket_prints WHERE job_id = ?').run(jobId);
    });
  }

  /** One row of the ticket's history. */
  recordEvent(
    ticketId: string,
    type: string,
    at: number,
    windowId: number | null,
    staffId: number | null,
    data?: unknown,
  ): void {
    this.sql(
      'INSERT INTO ticket_events (ticket_id, type, at, window_id, staff_id, data) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(ticketId, type, at, windowId, staffId, data === undefined ? null : JSON.stringify(data));
  }

  /** One row of the audit log of staff actions. */
  audit(
    at: number,
    actor: Partial<Actor> | null,
    action: string,
    target: string | null,
    detail?: unknown,
  ): void {
    writeAudit(this.db, at, actor, action, target, detail ?? null);
  }
}
