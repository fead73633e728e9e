// The queue engine: issues tickets, calls them fairly and atomically, moves them through their
// states, rolls the day over, and publishes every change on the kiosk bus. Synchronous
// better-sqlite3 transactions opened with BEGIN IMMEDIATE make each step atomic, also between
// processes sharing the same database file. This class keeps the public API and the shared state
// (day, caches, prepared statements); the work is done in issue.ts, calling.ts (call-next, call,
// recall, no-show, reactivate), serving.ts (start, finish, cancel, priority, transfer) over
// transition.ts, windows.ts, views.ts, wait.ts, rollover.ts, changed.ts, snapshot.ts, ratings.ts.
import type { Statement } from 'better-sqlite3';
import type { KioskConfig } from '../config.ts';
import type { Db } from '../db/open.ts';
import type { KioskBus } from '../events.ts';
import type { Hardware } from '../hardware/types.ts';
import { countAhead } from './ahead.ts';
import { callNext, callTicket, noShow, reactivate, recall } from './calling.ts';
import { ChangeFeed } from './changed.ts';
import { QueueError } from './errors.ts';
import type { EngineInternals } from './internals.ts';
import { type IssueRequest, type IssueResult, issueTicket, reprintTicket } from './issue.ts';
import type { PolicyOptions } from './policy.ts';
import { followUpRating, listBadRatings, rateTicket } from './ratings.ts';
import { closeDay } from './rollover.ts';
import { cancel, finish, setPriority, startServing, transfer } from './serving.ts';
import { buildSnapshot, type QueueSnapshot } from './snapshot.ts';
import { type Clock, localParts, systemClock } from './time.ts';
import { refuseState } from './transition.ts';
import type {
  Actor,
  Outcome,
  PublicTicket,
  Service,
  ServiceRow,
  StaffTicket,
  TicketRow,
  Window,
} from './types.ts';
import { followView, listTickets, publicTicket, staffTicket, toService } from './views.ts';
import { WaitEstimator } from './wait.ts';
import { listWindows, signIn, signOut, windowQueue } from './windows.ts';

export { callText } from './announce.ts';
export type { IssueRequest, IssueResult } from './issue.ts';
export { ageAt } from './priority-class.ts';
export { shiftDay } from './rollover.ts';
export { toService } from './views.ts';

export interface QueueEngineOptions {
  db: Db;
  bus: KioskBus;
  config: KioskConfig;
  clock?: Clock;
  hardware?: Hardware;
  log?: { warn(obj: unknown, msg?: string): void; error(obj: unknown, msg?: string): void };
}

export class QueueEngine {
  readonly db: Db;
  readonly bus: KioskBus;
  readonly config: KioskConfig;
  readonly clock: Clock;
  readonly hardware: Hardware | undefined;
  private readonly log: NonNullable<QueueEngineOptions['log']> | undefined;
  private day = '';
  private timer: NodeJS.Timeout | undefined;
  private svcCache: { at: number; list: Service[] } | undefined;
  private readonly stmts = new Map<string, Statement<unknown[]>>();
  private readonly waits = new WaitEstimator(this);
  private readonly changes: ChangeFeed;
  private readonly x: EngineInternals;

  constructor(opts: QueueEngineOptions) {
    this.db = opts.db;
    this.bus = opts.bus;
    this.config = opts.config;
    this.clock = opts.clock ?? systemClock;
    this.hardware = opts.hardware;
    this.log = opts.log;
    this.changes = new ChangeFeed(this.bus, () => this.snapshot(), this.log);
    this.x = {
      log: this.log,
      changed: () => this.changes.emit(),
      forgetAverage: (serviceId) => this.waits.forget(serviceId),
    };
  }

  start(): void {
    this.today();
    this.timer = setInterval(() => {
      try {
        this.today();
      } catch (err) {
        this.log?.error({ err }, 'queue day rollover failed');
      }
    }, 15_000);
    this.timer.unref();
  }

  stop(): void {
    this.changes.stop();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  get policy(): PolicyOptions {
    const q = this.config.queue;
    return { policy: q.policy, normalPerPriority: q.normalPerPriority, priorityWeight: q.priorityWeight };
  }

  /** A prepared statement, cached by its text. */
  stmt(sql: string): Statement<unknown[]> {
    let st = this.stmts.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.stmts.set(sql, st);
    }
    return st;
  }

  // ---- day and rollover (rollover.ts) ----------------------------------------------------

  /** The local day now; rolls the queue over first when the day has changed since last seen. */
  today(): string {
    const now = this.clock.now();
    const day = localParts(now, this.config.timeZone).day;
    if (day !== this.day) this.rollover(day, now);
    return day;
  }

  private rollover(day: string, now: number): void {
    const result = closeDay(this, day, now);
    const first = this.day === '';
    this.day = day;
    if (result.changed || result.expired > 0 || !first) {
      this.bus.emit('queue.rollover', {
        day,
        expired: result.expired,
        missedAppointments: result.missed,
        at: now,
      });
      this.changes.emit();
    }
  }

  // ---- services and windows (windows.ts) -------------------------------------------------

  /** Services from a 2-second cache (edits in this process invalidate it at once). */
  private allServices(): Service[] {
    const now = performance.now();
    if (!this.svcCache || now - this.svcCache.at > 2000) {
      const rows = this.stmt('SELECT * FROM services ORDER BY sort, id').all() as ServiceRow[];
      this.svcCache = { at: now, list: rows.map(toService) };
    }
    return this.svcCache.list;
  }

  invalidateServices(): void {
    this.svcCache = undefined;
  }

  services(includeInactive = false): Service[] {
    return this.allServices().filter((s) => includeInactive || s.active);
  }

  service(id: string): Service {
    let s = this.allServices().find((x) => x.id === id);
    if (!s) {
      this.invalidateServices(); // perhaps added by another process
      s = this.allServices().find((x) => x.id === id);
    }
    if (!s) throw new QueueError('NOT_FOUND', `没有这项业务：${id}`, `no such service: ${id}`);
    return s;
  }

  windows(): Window[] {
    return listWindows(this);
  }

  signIn(windowId: number, actor: Actor): Window {
    return signIn(this, this.x, windowId, actor);
  }

  signOut(windowId: number, actor: Actor): void {
    signOut(this, this.x, windowId, actor);
  }

  /** The waiting tickets a window can call, in the order call-next would take them (window console). */
  windowQueue(windowId: number): (StaffTicket & { position: number })[] {
    return windowQueue(this, windowId);
  }

  // ---- views (views.ts) ------------------------------------------------------------------

  row(id: string): TicketRow {
    const r = this.stmt('SELECT * FROM tickets WHERE id = ?').get(id) as TicketRow | undefined;
    if (!r) throw new QueueError('NOT_FOUND', '没有这张号票', `no such ticket: ${id}`);
    return r;
  }

  /** The resident's current ticket for a token (a transfer keeps the token; the newest wins). */
  rowByToken(token: string): TicketRow {
    const r = this.stmt(
      'SELECT * FROM tickets WHERE token = ? ORDER BY queued_at DESC, rowid DESC LIMIT 1',
    ).get(token) as TicketRow | undefined;
    if (!r) throw new QueueError('NOT_FOUND', '没有这张号票', 'no such ticket');
    return r;
  }

  publicView(r: TicketRow, svc?: Service): PublicTicket {
    return publicTicket(r, svc ?? this.service(r.service_id));
  }

  staffView(r: TicketRow, svc?: Service): StaffTicket {
    return staffTicket(this.publicView(r, svc), r);
  }

  followUrl(token: string): string {
    return `${this.config.publicUrl}/follow/${token}`;
  }

  listTickets(filter: {
    day?: string;
    state?: string;
    serviceId?: string;
    windowId?: number;
    limit?: number;
  }) {
    return listTickets(this, filter);
  }

  // ---- people ahead and estimated wait (ahead.ts, wait.ts) --------------------------------

  /** Waiting tickets of the same service called before this one, in the policy's order. */
  peopleAhead(r: TicketRow): number {
    return countAhead((q) => this.stmt(q), r, this.clock.now(), this.config.queue);
  }

  /** Median service time of the last 20 finished tickets of the service (30 days), else its expected time. */
  averageServiceS(serviceId: string): number {
    return this.waits.averageServiceS(serviceId);
  }

  estimateWaitMin(serviceId: string, ahead: number): number {
    return this.waits.estimateWaitMin(serviceId, ahead);
  }

  /** What the display board shows (snapshot.ts). */
  snapshot(): QueueSnapshot {
    return buildSnapshot(this);
  }

  // ---- issuing (issue.ts) ----------------------------------------------------------------

  /** Issues a ticket (or returns the person's open ticket of that service); `inTx` runs inside the same transaction. */
  issue(req: IssueRequest, actor?: Actor, inTx?: (ticketId: string) => void): IssueResult {
    return issueTicket(this, this.x, req, actor, inTx);
  }

  reprint(ticketId: string, actor: Actor): IssueResult['print'] {
    return reprintTicket(this, this.x, ticketId, actor);
  }

  /** One row of the ticket's history. */
  recordEvent(
    ticketId: string,
    type: string,
    at: number,
    windowId: number | null,
    staffId: number | null,
    data?: unknown,
  ) {
    this.stmt(
      'INSERT INTO ticket_events (ticket_id, type, at, window_id, staff_id, data) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(ticketId, type, at, windowId, staffId, data === undefined ? null : JSON.stringify(data));
  }

  // ---- calling (calling.ts) --------------------------------------------------------------

  /** Calls the next ticket for a window, atomically: two windows never get the same ticket. */
  callNext(windowId: number, actor: Actor): StaffTicket {
    return callNext(this, this.x, windowId, actor);
  }

  /** Calls a specific waiting ticket (one the window serves). */
  callTicket(windowId: number, ticketId: string, actor: Actor): StaffTicket {
    return callTicket(this, this.x, windowId, ticketId, actor);
  }

  /** Refuses an action the ticket's state does not allow. */
  refuseState(t: TicketRow, action: string): never {
    return refuseState(t, action);
  }

  recall(ticketId: string, actor: Actor): StaffTicket {
    return recall(this, this.x, ticketId, actor);
  }

  noShow(ticketId: string, actor: Actor): StaffTicket {
    return noShow(this, this.x, ticketId, actor);
  }

  /** A no-show resident who comes back: waiting again, queued behind those waiting now. */
  reactivate(ticketId: string, actor: Actor): StaffTicket {
    return reactivate(this, this.x, ticketId, actor);
  }

  // ---- serving and finishing (serving.ts) ------------------------------------------------

  /** The resident sat down at the window: called → serving. */
  startServing(ticketId: string, actor: Actor): StaffTicket {
    return startServing(this, this.x, ticketId, actor);
  }

  finish(ticketId: string, outcome: Outcome, actor: Actor, note?: string): StaffTicket {
    return finish(this, this.x, ticketId, outcome, actor, note);
  }

  cancel(ticketId: string, actor: Actor): StaffTicket {
    return cancel(this, this.x, ticketId, actor);
  }

  setPriority(ticketId: string, priorityClass: string, actor: Actor): StaffTicket {
    return setPriority(this, this.x, ticketId, priorityClass, actor);
  }

  /** Moves the resident to another service's queue, keeping the original arrival time and the QR token. */
  transfer(ticketId: string, serviceId: string, actor: Actor, note?: string): StaffTicket {
    return transfer(this, this.x, ticketId, serviceId, actor, note);
  }

  // ---- resident's own ticket and rating (views.ts, ratings.ts) ---------------------------

  followView(token: string) {
    return followView(this, token);
  }

  /** The resident rates their finished ticket (ratings.ts). */
  rate(token: string, rating: number, reason?: string, comment?: string): PublicTicket {
    return rateTicket(this, token, rating, reason, comment);
  }

  /** Ratings of 不满意 / 非常不满意 for follow-up, newest first (ratings.ts). */
  badRatings(opts: { open?: boolean; limit?: number } = {}) {
    return listBadRatings(this, opts);
  }

  followUp(ticketId: string, note: string, actor: Actor): void {
    followUpRating(this, ticketId, note, actor);
  }
}
