// The queue engine: issues tickets, calls them fairly and atomically, moves them through their
// states, rolls the day over, and publishes every change on the kiosk bus. Synchronous
// better-sqlite3 transactions opened with BEGIN IMMEDIATE make each step atomic, also between
// processes sharing the same database file.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { KioskConfig } from '../config.ts';
import type { Db } from '../db/open.ts';
import type { KioskBus } from '../events.ts';
import type { Hardware, PrintJobInfo } from '../hardware/types.ts';
import { classHeads, countAhead } from './ahead.ts';
import { callText } from './announce.ts';
import { writeAudit } from './audit.ts';
import { QueueError } from './errors.ts';
import { hoursToday, isOpen, parseHours } from './hours.ts';
import { callOrder, nextStreak, type PolicyOptions } from './policy.ts';
import { ticketBytes } from './print.ts';
import { followUpRating, listBadRatings, rateTicket } from './ratings.ts';
import { buildSnapshot, type QueueSnapshot } from './snapshot.ts';
import { type Clock, localParts, systemClock, zonedToUtc } from './time.ts';
import type {
  Actor,
  Outcome,
  PublicTicket,
  ResidentIdentity,
  Service,
  ServiceRow,
  StaffTicket,
  TicketRow,
  TicketSource,
  Window,
  WindowRow,
} from './types.ts';

export interface QueueEngineOptions {
  db: Db;
  bus: KioskBus;
  config: KioskConfig;
  clock?: Clock;
  hardware?: Hardware;
  log?: { warn(obj: unknown, msg?: string): void; error(obj: unknown, msg?: string): void };
}

export interface IssueRequest {
  serviceId: string;
  source: Exclude<TicketSource, 'transfer'>;
  identity?: ResidentIdentity;
  priorityClass?: string; // staff-given; else automatic from age
  slotAt?: number | null; // appointment slot
  appointmentId?: string;
  print?: boolean; // default true
}

export interface IssueResult {
  ticket: StaffTicket;
  publicTicket: PublicTicket;
  token: string;
  followUrl: string;
  peopleAhead: number;
  estimatedWaitMin: number;
  reused: boolean;
  print?: PrintJobInfo | { state: 'failed'; reason: string };
}

export function toService(r: ServiceRow): Service {
  return {
    id: r.id,
    nameZh: r.name_zh,
    nameEn: r.name_en,
    prefix: r.prefix,
    rangeStart: r.range_start,
    rangeEnd: r.range_end,
    dailyCap: r.daily_cap,
    hours: parseHours(JSON.parse(r.hours)),
    idRequired: r.id_required === 1,
    expectedServiceS: r.expected_service_s,
    active: r.active === 1,
    sort: r.sort,
  };
}

export { callText };

export class QueueEngine {
  readonly db: Db;
  readonly bus: KioskBus;
  readonly config: KioskConfig;
  readonly clock: Clock;
  readonly hardware: Hardware | undefined;
  private readonly log: NonNullable<QueueEngineOptions['log']> | undefined;
  private day = '';
  private timer: NodeJS.Timeout | undefined;
  private readonly avgCache = new Map<string, { at: number; seconds: number }>();

  constructor(opts: QueueEngineOptions) {
    this.db = opts.db;
    this.bus = opts.bus;
    this.config = opts.config;
    this.clock = opts.clock ?? systemClock;
    this.hardware = opts.hardware;
    this.log = opts.log;
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
    if (this.changedTimer) clearTimeout(this.changedTimer);
    this.changedTimer = undefined;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  get policy(): PolicyOptions {
    const q = this.config.queue;
    return { policy: q.policy, normalPerPriority: q.normalPerPriority, priorityWeight: q.priorityWeight };
  }

  // ---- day and rollover ------------------------------------------------------------------

  /** The local day now; rolls the queue over first when the day has changed since last seen. */
  today(): string {
    const now = this.clock.now();
    const day = localParts(now, this.config.timeZone).day;
    if (day !== this.day) this.rollover(day, now);
    return day;
  }

  private rollover(day: string, now: number): void {
    const dayStart = zonedToUtc(day, '00:00', this.config.timeZone);
    const result = this.db
      .transaction(() => {
        const stored = this.stmt("SELECT value FROM meta WHERE key = 'day'").get() as
          | { value: string }
          | undefined;
        const expired = this.stmt(
          `UPDATE tickets SET state = 'expired', finished_at = ? WHERE day < ? AND state IN ('waiting', 'called', 'serving')`,
        ).run(now, day).changes;
        const missed = this.stmt(
          `UPDATE appointments SET state = 'missed' WHERE state = 'booked' AND slot_at < ?`,
        ).run(dayStart).changes;
        // Personal fields of old tickets and appointments are purged after the retention period.
        const cutoff = shiftDay(day, -this.config.retentionDays);
        const purged =
          this.stmt(
            `UPDATE tickets SET id_hash = NULL, id_masked = NULL, name_masked = NULL, rating_comment = NULL
             WHERE day < ? AND (id_hash IS NOT NULL OR id_masked IS NOT NULL OR name_masked IS NOT NULL OR rating_comment IS NOT NULL)`,
          ).run(cutoff).changes +
          this.stmt(
            `UPDATE appointments SET id_hash = NULL, id_masked = NULL, name_masked = NULL
             WHERE slot_at < ? AND (id_hash IS NOT NULL OR id_masked IS NOT NULL OR name_masked IS NOT NULL)`,
          ).run(zonedToUtc(cutoff, '00:00', this.config.timeZone)).changes;
        if (stored?.value !== day) {
          this.stmt('UPDATE windows SET normal_streak = 0').run();
          this.stmt(
            "INSERT INTO meta (key, value) VALUES ('day', ?) ON CONFLICT(key) DO UPDATE SET value = ?",
          ).run(day, day);
        }
        return { expired, missed, purged, changed: stored?.value !== day };
      })
      .immediate();
    const first = this.day === '';
    this.day = day;
    if (result.changed || result.expired > 0 || !first) {
      this.bus.emit('queue.rollover', {
        day,
        expired: result.expired,
        missedAppointments: result.missed,
        at: now,
      });
      this.emitChanged();
    }
  }

  // ---- services and windows --------------------------------------------------------------

  private svcCache: { at: number; list: Service[] } | undefined;

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
    const rows = this.stmt(
      'SELECT w.*, s.display_name AS staff_name FROM windows w LEFT JOIN staff s ON s.id = w.staff_id ORDER BY w.id',
    ).all() as (WindowRow & { staff_name: string | null })[];
    const links = this.stmt('SELECT window_id, service_id FROM window_services').all() as {
      window_id: number;
      service_id: string;
    }[];
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      active: r.active === 1,
      staffId: r.staff_id,
      staffName: r.staff_name,
      serviceIds: links.filter((l) => l.window_id === r.id).map((l) => l.service_id),
    }));
  }

  private windowRow(id: number): WindowRow {
    const w = this.stmt('SELECT * FROM windows WHERE id = ?').get(id) as WindowRow | undefined;
    if (!w) throw new QueueError('NOT_FOUND', `没有${id}号窗口`, `no window ${id}`);
    if (w.active !== 1)
      throw new QueueError('WINDOW_INACTIVE', `${id}号窗口未启用`, `window ${id} is not active`);
    return w;
  }

  private windowServices(id: number): string[] {
    return (
      this.stmt('SELECT service_id FROM window_services WHERE window_id = ?').all(id) as {
        service_id: string;
      }[]
    ).map((r) => r.service_id);
  }

  private assertAtWindow(w: WindowRow, actor: Actor): void {
    if (actor.role === 'admin') return;
    if (w.staff_id !== actor.staffId)
      throw new QueueError(
        'NOT_AT_WINDOW',
        `您未登录${w.id}号窗口`,
        `you are not signed in at window ${w.id}`,
      );
  }

  signIn(windowId: number, actor: Actor): Window {
    const now = this.clock.now();
    this.db
      .transaction(() => {
        const w = this.windowRow(windowId);
        if (w.staff_id !== null && w.staff_id !== actor.staffId && actor.role !== 'admin') {
          throw new QueueError('CONFLICT', `${windowId}号窗口已有人登录`, `window ${windowId} is taken`);
        }
        this.stmt('UPDATE windows SET staff_id = NULL WHERE staff_id = ?').run(actor.staffId);
        this.stmt('UPDATE windows SET staff_id = ? WHERE id = ?').run(actor.staffId, windowId);
        writeAudit(this.db, now, actor, 'window.sign-in', `window:${windowId}`);
      })
      .immediate();
    this.emitChanged();
    return this.windows().find((w) => w.id === windowId) as Window;
  }

  signOut(windowId: number, actor: Actor): void {
    const now = this.clock.now();
    this.db
      .transaction(() => {
        const w = this.windowRow(windowId);
        this.assertAtWindow(w, actor);
        this.stmt('UPDATE windows SET staff_id = NULL WHERE id = ?').run(windowId);
        writeAudit(this.db, now, actor, 'window.sign-out', `window:${windowId}`);
      })
      .immediate();
    this.emitChanged();
  }

  // ---- views ----------------------------------------------------------------------------

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
    const s = svc ?? this.service(r.service_id);
    return {
      id: r.id,
      number: r.number,
      serviceId: r.service_id,
      serviceZh: s.nameZh,
      serviceEn: s.nameEn,
      priority: r.priority_class !== 'normal',
      appointment: r.slot_at !== null,
      state: r.state,
      windowId: r.window_id,
      day: r.day,
      arrivedAt: r.arrived_at,
      calledAt: r.called_at,
      finishedAt: r.finished_at,
      recalls: r.recalls,
      outcome: r.outcome,
      rating: r.rating,
    };
  }

  staffView(r: TicketRow, svc?: Service): StaffTicket {
    return {
      ...this.publicView(r, svc),
      priorityClass: r.priority_class,
      source: r.source,
      nameMasked: r.name_masked,
      idMasked: r.id_masked,
      queuedAt: r.queued_at,
      startedAt: r.started_at,
      staffId: r.staff_id,
      slotAt: r.slot_at,
      note: r.note,
      transferredFrom: r.transferred_from,
      ratingReason: r.rating_reason,
      ratingComment: r.rating_comment,
    };
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
    const day = filter.day ?? this.today();
    const rows = this.stmt(
      `SELECT * FROM tickets WHERE day = ? AND (? IS NULL OR state = ?) AND (? IS NULL OR service_id = ?)
         AND (? IS NULL OR window_id = ?) ORDER BY arrived_at, rowid LIMIT ?`,
    ).all(
      day,
      filter.state ?? null,
      filter.state ?? null,
      filter.serviceId ?? null,
      filter.serviceId ?? null,
      filter.windowId ?? null,
      filter.windowId ?? null,
      filter.limit ?? 1000,
    ) as TicketRow[];
    const svcs = new Map(this.services(true).map((s) => [s.id, s]));
    return rows.map((r) => this.staffView(r, svcs.get(r.service_id)));
  }

  /** The waiting tickets a window can call, in the order call-next would take them (window console). */
  windowQueue(windowId: number): (StaffTicket & { position: number })[] {
    const day = this.today();
    const now = this.clock.now();
    const w = this.windowRow(windowId);
    const services = this.windowServices(windowId);
    if (services.length === 0) return [];
    const rows = this.stmt(
      `SELECT rowid AS tie, * FROM tickets WHERE day = ? AND state = 'waiting'
       AND service_id IN (SELECT service_id FROM window_services WHERE window_id = ?)`,
    ).all(day, windowId) as (TicketRow & { tie: number })[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    const order = callOrder(
      rows.map((r) => ({
        id: r.id,
        priority: r.priority_class !== 'normal',
        orderAt: r.order_at,
        slotAt: r.slot_at,
        tie: r.tie,
      })),
      now,
      this.policy,
      w.normal_streak,
    );
    return order.map((c, i) => ({ ...this.staffView(byId.get(c.id) as TicketRow), position: i + 1 }));
  }

  // ---- people ahead and estimated wait ------------------------------------------------------

  private readonly stmts = new Map<string, Statement<unknown[]>>();
  /** A prepared statement, cached by its text. */
  stmt(sql: string): Statement<unknown[]> {
    let st = this.stmts.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.stmts.set(sql, st);
    }
    return st;
  }

  /** Waiting tickets of the same service called before this one, in the policy's order. */
  peopleAhead(r: TicketRow): number {
    return countAhead((q) => this.stmt(q), r, this.clock.now(), this.config.queue);
  }

  /** Median service time of the last 20 finished tickets of the service (30 days), else its expected time. */
  averageServiceS(serviceId: string): number {
    const now = this.clock.now();
    const cached = this.avgCache.get(serviceId);
    if (cached && now - cached.at < 60_000) return cached.seconds;
    const rows = this.stmt(
      `SELECT finished_at - started_at AS d FROM tickets WHERE service_id = ? AND state = 'done'
         AND started_at IS NOT NULL AND finished_at > ? ORDER BY finished_at DESC LIMIT 20`,
    ).all(serviceId, now - 30 * 86_400_000) as { d: number }[];
    let seconds: number;
    if (rows.length >= 3) {
      const d = rows.map((x) => x.d).sort((a, b) => a - b);
      seconds = Math.max(30, Math.round((d[Math.floor((d.length - 1) / 2)] as number) / 1000));
    } else {
      const row = this.stmt('SELECT expected_service_s FROM services WHERE id = ?').get(serviceId) as
        | { expected_service_s: number }
        | undefined;
      seconds = row?.expected_service_s ?? 600;
    }
    this.avgCache.set(serviceId, { at: now, seconds });
    return seconds;
  }

  /** Windows that can serve the service: staffed ones, else all active ones, at least one. */
  private windowsFor(serviceId: string): number {
    const row = this.stmt(
      `SELECT COUNT(*) AS all_n, SUM(w.staff_id IS NOT NULL) AS staffed FROM windows w
       JOIN window_services ws ON ws.window_id = w.id WHERE ws.service_id = ? AND w.active = 1`,
    ).get(serviceId) as { all_n: number; staffed: number | null };
    return Math.max(1, row.staffed || row.all_n);
  }

  estimateWaitMin(serviceId: string, ahead: number): number {
    return Math.ceil((ahead * this.averageServiceS(serviceId)) / this.windowsFor(serviceId) / 60);
  }

  /** What the display board shows (snapshot.ts). */
  snapshot(): QueueSnapshot {
    return buildSnapshot(this);
  }

  private changedAt = -Infinity;
  private changedTimer: NodeJS.Timeout | undefined;

  /**
   * Publishes queue.changed: at once when none went out in the last 50 ms, else once at the end
   * of that interval, so a burst of issues costs one snapshot, not one each.
   */
  private emitChanged(): void {
    const since = performance.now() - this.changedAt;
    if (this.changedTimer) return;
    if (since >= 50) {
      this.publishChanged();
      return;
    }
    this.changedTimer = setTimeout(() => {
      this.changedTimer = undefined;
      try {
        this.publishChanged();
      } catch (err) {
        this.log?.error({ err }, 'queue.changed failed');
      }
    }, 50 - since);
  }

  private publishChanged(): void {
    this.changedAt = performance.now();
    const snap = this.snapshot();
    this.bus.emit('queue.changed', {
      day: snap.day,
      at: snap.at,
      services: snap.services.map((s) => ({
        serviceId: s.serviceId,
        waiting: s.waiting,
        priorityWaiting: s.priorityWaiting,
        estimatedWaitMin: s.estimatedWaitMin,
      })),
    });
  }

  // ---- issuing ----------------------------------------------------------------------------

  private autoClass(identity: ResidentIdentity | undefined, now: number): string {
    if (!identity?.birthDate) return 'normal';
    const age = ageAt(identity.birthDate, localParts(now, this.config.timeZone).day);
    return age !== null && age >= this.config.queue.priorityAge ? 'elderly' : 'normal';
  }

  private checkClass(cls: string): void {
    if (cls !== 'normal' && !this.config.queue.priorityClasses.includes(cls))
      throw new QueueError('BAD_CLASS', `未知的优先类别：${cls}`, `unknown priority class: ${cls}`, {
        allowed: ['normal', ...this.config.queue.priorityClasses],
      });
  }

  /** Issues a ticket (or returns the person's open ticket of that service); `inTx` runs inside the same transaction. */
  issue(req: IssueRequest, actor?: Actor, inTx?: (ticketId: string) => void): IssueResult {
    const day = this.today();
    const now = this.clock.now();
    if (req.priorityClass !== undefined) this.checkClass(req.priorityClass);
    const svc = this.service(req.serviceId);
    const { row, reused } = this.db
      .transaction(() => {
        if (!svc.active)
          throw new QueueError('SERVICE_INACTIVE', `${svc.nameZh}暂停取号`, `${svc.nameEn} is not available`);
        if (req.source !== 'staff' && this.config.queue.enforceHours) {
          const at = localParts(now, this.config.timeZone);
          if (!isOpen(svc.hours, at)) {
            const today = hoursToday(svc.hours, at);
            throw new QueueError(
              'SERVICE_CLOSED',
              `${svc.nameZh}现在不办理，今天办理时间：${today.join('、') || '休息'}`,
              `${svc.nameEn} is closed now; today's hours: ${today.join(', ') || 'closed'}`,
              { hoursToday: today },
            );
          }
        }
        if (svc.idRequired && !req.identity)
          throw new QueueError(
            'ID_REQUIRED',
            `${svc.nameZh}需要刷身份证取号`,
            `${svc.nameEn} needs an ID card`,
          );
        if (req.identity) {
          const open = this.stmt(
            `SELECT * FROM tickets WHERE id_hash = ? AND service_id = ? AND day = ?
               AND state IN ('waiting', 'called', 'serving') LIMIT 1`,
          ).get(req.identity.idHash, svc.id, day) as TicketRow | undefined;
          if (open) return { row: open, reused: true };
        }
        // Numbers are contiguous from the range start, so the count issued today is max − start + 1.
        const { m } = this.stmt('SELECT MAX(seq) AS m FROM tickets WHERE service_id = ? AND day = ?').get(
          svc.id,
          day,
        ) as {
          m: number | null;
        };
        const seq = m === null ? svc.rangeStart : m + 1;
        const n = seq - svc.rangeStart;
        if (n >= svc.dailyCap || seq > svc.rangeEnd)
          throw new QueueError(
            'DAILY_CAP',
            `${svc.nameZh}今天的号已取完`,
            `${svc.nameEn}: no numbers left today`,
          );
        const digits = Math.max(3, String(svc.rangeEnd).length);
        const number = `${svc.prefix}${String(seq).padStart(digits, '0')}`;
        const cls = req.priorityClass ?? this.autoClass(req.identity, now);
        const id = randomUUID();
        const token = randomBytes(18).toString('base64url');
        this.stmt(
          `INSERT INTO tickets (id, token, day, service_id, seq, number, priority_class, source, id_hash, id_masked,
             name_masked, appointment_id, slot_at, state, arrived_at, queued_at, order_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'waiting', ?, ?, ?)`,
        ).run(
          id,
          token,
          day,
          svc.id,
          seq,
          number,
          cls,
          req.source,
          req.identity?.idHash ?? null,
          req.identity?.idMasked ?? null,
          req.identity?.nameMasked ?? null,
          req.appointmentId ?? null,
          req.slotAt ?? null,
          now,
          now,
          now,
        );
        this.recordEvent(id, 'issued', now, null, actor?.staffId ?? null, { source: req.source, cls });
        if (actor) writeAudit(this.db, now, actor, 'ticket.issue', `ticket:${id}`, { number, cls });
        inTx?.(id);
        return { row: this.row(id), reused: false };
      })
      .immediate();
    const peopleAhead = this.peopleAhead(row);
    const estimatedWaitMin = this.estimateWaitMin(row.service_id, peopleAhead);
    const publicTicket = this.publicView(row, svc);
    const result: IssueResult = {
      ticket: this.staffView(row, svc),
      publicTicket,
      token: row.token,
      followUrl: this.followUrl(row.token),
      peopleAhead,
      estimatedWaitMin,
      reused,
    };
    if (!reused) {
      this.bus.emit('ticket.issued', { ticket: publicTicket, peopleAhead, estimatedWaitMin, at: now });
      this.emitChanged();
      if (req.print !== false) result.print = this.print(row, svc, peopleAhead, estimatedWaitMin);
    }
    return result;
  }

  private print(
    row: TicketRow,
    svc: Service,
    peopleAhead: number,
    estimatedWaitMin: number,
  ): IssueResult['print'] {
    if (!this.hardware) return undefined;
    try {
      const lp = localParts(row.arrived_at, this.config.timeZone);
      const bytes = ticketBytes({
        number: row.number,
        serviceZh: svc.nameZh,
        serviceEn: svc.nameEn,
        priority: row.priority_class !== 'normal',
        peopleAhead,
        estimatedWaitMin,
        issuedAt: `${lp.day} ${lp.hhmm}`,
        followUrl: this.followUrl(row.token),
      });
      return this.hardware.print({ ticketId: row.id, bytes });
    } catch (err) {
      // The ticket stands without paper: the screen shows it and staff can reprint.
      this.log?.error({ err, ticketId: row.id }, 'ticket print failed');
      return { state: 'failed', reason: err instanceof Error ? err.message : String(err) };
    }
  }

  reprint(ticketId: string, actor: Actor): IssueResult['print'] {
    const row = this.row(ticketId);
    const svc = this.service(row.service_id);
    writeAudit(this.db, this.clock.now(), actor, 'ticket.reprint', `ticket:${ticketId}`);
    if (!this.hardware) return { state: 'failed', reason: 'no printer configured' };
    const ahead = this.peopleAhead(row);
    return this.print(row, svc, ahead, this.estimateWaitMin(row.service_id, ahead));
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

  // ---- calling ----------------------------------------------------------------------------

  /** Calls the next ticket for a window, atomically: two windows never get the same ticket. */
  callNext(windowId: number, actor: Actor): StaffTicket {
    const day = this.today();
    const now = this.clock.now();
    const row = this.db
      .transaction(() => {
        const w = this.windowRow(windowId);
        this.assertAtWindow(w, actor);
        this.assertFree(windowId);
        const heads = classHeads((q) => this.stmt(q), this.windowServices(windowId), day, now, this.policy);
        const pick = callOrder(heads, now, this.policy, w.normal_streak)[0];
        if (!pick) throw new QueueError('QUEUE_EMPTY', '没有等候的号', 'nobody is waiting');
        this.markCalled(pick.id, w, actor, now);
        this.stmt('UPDATE windows SET normal_streak = ? WHERE id = ?').run(
          nextStreak(pick, w.normal_streak, now),
          windowId,
        );
        writeAudit(this.db, now, actor, 'ticket.call-next', `ticket:${pick.id}`, { windowId });
        return this.row(pick.id);
      })
      .immediate();
    return this.afterCall(row, 'ticket.called', now);
  }

  /** Calls a specific waiting ticket (one the window serves). */
  callTicket(windowId: number, ticketId: string, actor: Actor): StaffTicket {
    const day = this.today();
    const now = this.clock.now();
    const row = this.db
      .transaction(() => {
        const w = this.windowRow(windowId);
        this.assertAtWindow(w, actor);
        this.assertFree(windowId);
        const t = this.row(ticketId);
        if (t.state !== 'waiting' || t.day !== day) this.refuseState(t, 'call');
        if (!this.windowServices(windowId).includes(t.service_id))
          throw new QueueError(
            'NOT_SERVED_HERE',
            `${windowId}号窗口不办理这项业务`,
            `window ${windowId} does not serve ${t.service_id}`,
          );
        this.markCalled(t.id, w, actor, now);
        writeAudit(this.db, now, actor, 'ticket.call', `ticket:${t.id}`, { windowId });
        return this.row(t.id);
      })
      .immediate();
    return this.afterCall(row, 'ticket.called', now);
  }

  private assertFree(windowId: number): void {
    const busy = this.stmt(
      `SELECT number FROM tickets WHERE window_id = ? AND state IN ('called', 'serving') LIMIT 1`,
    ).get(windowId) as { number: string } | undefined;
    if (busy)
      throw new QueueError(
        'WINDOW_BUSY',
        `${windowId}号窗口还有${busy.number}号未办结`,
        `window ${windowId} still has ${busy.number} open`,
        { number: busy.number },
      );
  }

  private markCalled(id: string, w: WindowRow, actor: Actor, now: number): void {
    const changes = this.stmt(
      `UPDATE tickets SET state = 'called', window_id = ?, staff_id = ?, called_at = ?,
         first_called_at = COALESCE(first_called_at, ?), recalls = 0 WHERE id = ? AND state = 'waiting'`,
    ).run(w.id, actor.staffId, now, now, id).changes;
    if (changes !== 1)
      throw new QueueError('CONFLICT', '这张号票刚被叫走', 'the ticket was just called elsewhere');
    this.recordEvent(id, 'called', now, w.id, actor.staffId);
  }

  private afterCall(row: TicketRow, type: 'ticket.called' | 'ticket.recalled', now: number): StaffTicket {
    const svc = this.service(row.service_id);
    const windowId = row.window_id as number;
    const w = this.stmt('SELECT name FROM windows WHERE id = ?').get(windowId) as { name: string };
    const text = callText(row.number, windowId);
    this.bus.emit(type, {
      ticket: this.publicView(row, svc),
      windowId,
      windowName: w.name,
      text: text.zh,
      textEn: text.en,
      recalls: row.recalls,
      at: now,
    });
    if (type === 'ticket.called') this.emitChanged();
    return this.staffView(row, svc);
  }

  /** Refuses an action the ticket's state does not allow. */
  refuseState(t: TicketRow, action: string): never {
    throw new QueueError(
      'BAD_STATE',
      `${t.number}号当前状态（${t.state}）不能${action}`,
      `ticket ${t.number} is ${t.state}: cannot ${action}`,
      {
        state: t.state,
      },
    );
  }

  /** Loads a ticket at a window the actor is signed in at, checking its state. */
  private atWindow(ticketId: string, actor: Actor, states: string[], action: string): TicketRow {
    const t = this.row(ticketId);
    if (!states.includes(t.state)) this.refuseState(t, action);
    if (t.window_id !== null) this.assertAtWindow(this.windowRow(t.window_id), actor);
    return t;
  }

  recall(ticketId: string, actor: Actor): StaffTicket {
    const now = this.clock.now();
    const row = this.db
      .transaction(() => {
        const t = this.atWindow(ticketId, actor, ['called'], 'recall');
        this.stmt('UPDATE tickets SET recalls = recalls + 1 WHERE id = ?').run(t.id);
        this.recordEvent(t.id, 'recalled', now, t.window_id, actor.staffId);
        writeAudit(this.db, now, actor, 'ticket.recall', `ticket:${t.id}`);
        return this.row(t.id);
      })
      .immediate();
    return this.afterCall(row, 'ticket.recalled', now);
  }

  private transition(
    ticketId: string,
    actor: Actor,
    from: string[],
    action: string,
    apply: (t: TicketRow, now: number) => void,
    detail?: unknown,
  ): { row: TicketRow; before: TicketRow; now: number } {
    const now = this.clock.now();
    this.today();
    const res = this.db
      .transaction(() => {
        const t = this.atWindow(ticketId, actor, from, action);
        apply(t, now);
        this.recordEvent(t.id, action, now, t.window_id, actor.staffId, detail);
        writeAudit(this.db, now, actor, `ticket.${action}`, `ticket:${t.id}`, detail ?? null);
        return { row: this.row(t.id), before: t };
      })
      .immediate();
    return { ...res, now };
  }

  private emitTicket(
    type: string,
    row: TicketRow,
    now: number,
    extra: Record<string, unknown> = {},
  ): StaffTicket {
    const svc = this.service(row.service_id);
    this.bus.emit(`ticket.${type}`, { ticket: this.publicView(row, svc), ...extra, at: now });
    this.emitChanged();
    return this.staffView(row, svc);
  }

  /** The resident sat down at the window: called → serving. */
  startServing(ticketId: string, actor: Actor): StaffTicket {
    const { row, now } = this.transition(ticketId, actor, ['called'], 'start', (t, at) => {
      this.stmt(`UPDATE tickets SET state = 'serving', started_at = ? WHERE id = ?`).run(at, t.id);
    });
    return this.emitTicket('started', row, now);
  }

  finish(ticketId: string, outcome: Outcome, actor: Actor, note?: string): StaffTicket {
    const { row, now } = this.transition(
      ticketId,
      actor,
      ['called', 'serving'],
      'finish',
      (t, at) => {
        this.stmt(
          `UPDATE tickets SET state = 'done', started_at = COALESCE(started_at, called_at), finished_at = ?,
             outcome = ?, note = ?, staff_id = ? WHERE id = ?`,
        ).run(at, outcome, note ?? null, actor.staffId, t.id);
      },
      { outcome },
    );
    this.avgCache.delete(row.service_id);
    return this.emitTicket('finished', row, now, { outcome });
  }

  noShow(ticketId: string, actor: Actor): StaffTicket {
    const { row, now } = this.transition(ticketId, actor, ['called'], 'no-show', (t, at) => {
      const need = this.config.queue.noShowAfterRecalls;
      if (t.recalls < need)
        throw new QueueError(
          'RECALLS_NEEDED',
          `请先重呼${need}次（已重呼${t.recalls}次）`,
          `recall ${need} times first (recalled ${t.recalls})`,
          { recalls: t.recalls, needed: need },
        );
      this.stmt(`UPDATE tickets SET state = 'no-show', finished_at = ? WHERE id = ?`).run(at, t.id);
    });
    return this.emitTicket('no-show', row, now);
  }

  /** A no-show resident who comes back: waiting again, queued behind those waiting now. */
  reactivate(ticketId: string, actor: Actor): StaffTicket {
    const day = this.today();
    const { row, now } = this.transition(
      ticketId,
      { ...actor, role: 'admin' },
      ['no-show'],
      'reactivate',
      (t, at) => {
        if (t.day !== day) this.refuseState(t, 'reactivate');
        this.stmt(
          `UPDATE tickets SET state = 'waiting', order_at = ?, window_id = NULL, called_at = NULL, finished_at = NULL,
           recalls = 0 WHERE id = ?`,
        ).run(at, t.id);
      },
    );
    return this.emitTicket('reactivated', row, now);
  }

  cancel(ticketId: string, actor: Actor): StaffTicket {
    const { row, now } = this.transition(ticketId, actor, ['waiting', 'called'], 'cancel', (t, at) => {
      this.stmt(`UPDATE tickets SET state = 'cancelled', finished_at = ? WHERE id = ?`).run(at, t.id);
    });
    return this.emitTicket('cancelled', row, now);
  }

  setPriority(ticketId: string, priorityClass: string, actor: Actor): StaffTicket {
    this.checkClass(priorityClass);
    const { row, now } = this.transition(
      ticketId,
      actor,
      ['waiting'],
      'priority',
      (t) => {
        this.stmt('UPDATE tickets SET priority_class = ? WHERE id = ?').run(priorityClass, t.id);
      },
      { priorityClass },
    );
    return this.emitTicket('priority', row, now);
  }

  /** Moves the resident to another service's queue, keeping the original arrival time and the QR token. */
  transfer(ticketId: string, serviceId: string, actor: Actor, note?: string): StaffTicket {
    const target = this.service(serviceId);
    if (!target.active)
      throw new QueueError(
        'SERVICE_INACTIVE',
        `${target.nameZh}暂停办理`,
        `${target.nameEn} is not available`,
      );
    const day = this.today();
    let newId = '';
    const { row: old, now } = this.transition(
      ticketId,
      actor,
      ['waiting', 'called', 'serving'],
      'transfer',
      (t, at) => {
        if (t.service_id === serviceId)
          throw new QueueError('CONFLICT', '已经在这项业务的队列中', 'already in that queue');
        this.stmt(
          `UPDATE tickets SET state = 'transferred', finished_at = ?, started_at = COALESCE(started_at, called_at),
             note = ? WHERE id = ?`,
        ).run(at, note ?? null, t.id);
        newId = randomUUID();
        this.stmt(
          `INSERT INTO tickets (id, token, day, service_id, seq, number, priority_class, source, id_hash, id_masked,
             name_masked, state, arrived_at, queued_at, order_at, transferred_from)
             VALUES (?, ?, ?, ?, NULL, ?, ?, 'transfer', ?, ?, ?, 'waiting', ?, ?, ?, ?)`,
        ).run(
          newId,
          t.token,
          day,
          serviceId,
          t.number,
          t.priority_class,
          t.id_hash,
          t.id_masked,
          t.name_masked,
          t.arrived_at,
          at,
          t.arrived_at,
          t.id,
        );
        this.recordEvent(newId, 'transferred-in', at, null, actor.staffId, { from: t.id });
      },
      { to: serviceId },
    );
    const row = this.row(newId);
    const svc = this.service(old.service_id);
    return this.emitTicket('transferred', row, now, { from: this.publicView(old, svc) });
  }

  // ---- resident's own ticket and rating ------------------------------------------------------

  followView(token: string) {
    this.today();
    const r = this.rowByToken(token);
    const ahead = this.peopleAhead(r);
    const text = r.window_id !== null && r.state === 'called' ? callText(r.number, r.window_id) : null;
    return {
      ticket: this.publicView(r),
      peopleAhead: ahead,
      estimatedWaitMin: r.state === 'waiting' ? this.estimateWaitMin(r.service_id, ahead) : 0,
      canRate: r.state === 'done' && r.rating === null,
      callText: text?.zh ?? null,
      callTextEn: text?.en ?? null,
    };
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

/** The local day `days` after (or before) a YYYY-MM-DD day. */
export function shiftDay(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Full years between a birth date (YYYY-MM-DD or YYYYMMDD) and a local day YYYY-MM-DD, or null if unreadable. */
export function ageAt(birthDate: string, day: string): number | null {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(birthDate);
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m || !d) return null;
  let age = Number(d[1]) - Number(m[1]);
  if (`${d[2]}${d[3]}` < `${m[2]}${m[3]}`) age--;
  return age;
}
