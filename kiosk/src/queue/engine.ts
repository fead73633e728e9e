// The queue engine: assembles the queue and keeps its public API. It builds the ticket store and
// the repositories over the database, one context (store, repositories, clock, config, bus, the
// day and the change feed) and the services over it — issuing (issue.ts), calling (calling.ts),
// serving (serving.ts), windows (windows.ts), ratings (ratings.ts) — and forwards to them. No
// module imports the engine. Synchronous better-sqlite3 transactions opened with BEGIN IMMEDIATE
// make each step atomic, also between processes sharing the same database file.
import type { KioskConfig } from '../config.ts';
import type { Db } from '../db/open.ts';
import type { KioskBus } from '../events.ts';
import type { Hardware } from '../hardware/types.ts';
import { AppointmentRepository } from './appointment-repository.ts';
import { CallingService } from './calling.ts';
import { ChangeFeed } from './changed.ts';
import { policyOptions, type QueueContext, type QueueLog } from './context.ts';
import { type IssueRequest, type IssueResult, IssuingService } from './issue.ts';
import { MetaRepository } from './meta-repository.ts';
import type { PolicyOptions } from './policy.ts';
import { RatingService } from './ratings.ts';
import { DayKeeper } from './rollover.ts';
import { ServiceCatalogue } from './service-catalogue.ts';
import { ServingService } from './serving.ts';
import { buildSnapshot, type QueueSnapshot } from './snapshot.ts';
import { StationSettings } from './station-settings.ts';
import { TicketStore } from './ticket-store.ts';
import { type Clock, systemClock } from './time.ts';
import { refuseState } from './transition.ts';
import type { Actor, Outcome, PublicTicket, Service, StaffTicket, TicketRow, Window } from './types.ts';
import * as views from './views.ts';
import { WaitEstimator } from './wait.ts';
import { WindowRepository } from './window-repository.ts';
import { WindowService } from './windows.ts';

export { callText } from './announce.ts';
export type { IssueRequest, IssueResult } from './issue.ts';
export { ageAt } from './priority-class.ts';
export { shiftDay } from './rollover.ts';
export { toService } from './service-catalogue.ts';

export interface QueueEngineOptions {
  db: Db;
  bus: KioskBus;
  config: KioskConfig;
  clock?: Clock;
  hardware?: Hardware;
  log?: QueueLog;
}

export class QueueEngine {
  readonly db: Db;
  readonly bus: KioskBus;
  readonly config: KioskConfig;
  readonly clock: Clock;
  readonly hardware: Hardware | undefined;
  readonly context: QueueContext;
  readonly issuing: IssuingService;
  readonly calling: CallingService;
  readonly serving: ServingService;
  readonly windowService: WindowService;
  readonly ratings: RatingService;
  /** Closed days and the calling policy saved in the admin screen (station-settings.ts). */
  readonly settings: StationSettings;
  private readonly store: TicketStore;
  private readonly changes: ChangeFeed;
  private readonly day: DayKeeper;
  private timer: NodeJS.Timeout | undefined;
  private readonly log: QueueLog | undefined;

  constructor(opts: QueueEngineOptions) {
    this.db = opts.db;
    this.bus = opts.bus;
    this.config = opts.config;
    this.clock = opts.clock ?? systemClock;
    this.hardware = opts.hardware;
    this.log = opts.log;
    const store = new TicketStore(opts.db);
    const services = new ServiceCatalogue(opts.db);
    const windows = new WindowRepository(opts.db);
    const appointments = new AppointmentRepository(opts.db);
    this.store = store;
    this.settings = new StationSettings(
      opts.db,
      this.config,
      () => this.clock.now(),
      (o, m) => this.log?.warn(o, m),
    );
    this.settings.applySaved();
    this.changes = new ChangeFeed(this.bus, () => this.snapshot(), this.log);
    this.day = new DayKeeper({
      store,
      appointments,
      windows,
      meta: new MetaRepository(opts.db),
      clock: this.clock,
      config: this.config,
      bus: this.bus,
      changed: () => this.changes.emit(),
    });
    this.context = {
      store,
      services,
      windows,
      appointments,
      waits: new WaitEstimator(store, windows, services, this.clock),
      clock: this.clock,
      config: this.config,
      bus: this.bus,
      hardware: this.hardware,
      log: this.log,
      settings: this.settings,
      today: () => this.day.today(),
      changed: () => this.changes.emit(),
    };
    this.issuing = new IssuingService(this.context);
    this.calling = new CallingService(this.context);
    this.serving = new ServingService(this.context);
    this.windowService = new WindowService(this.context);
    this.ratings = new RatingService(this.context);
  }

  start(): void {
    this.today();
    this.issuing.resumePrints().then(
      (handed) => {
        if (handed > 0)
          this.log?.warn({ handed }, 'paper of tickets issued before a crash handed to the printer');
      },
      (err: unknown) => this.log?.error({ err }, 'print hand-over at start failed'),
    );
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
    this.issuing.flush();
    this.changes.stop();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  get policy(): PolicyOptions {
    return policyOptions(this.config);
  }

  /** The local day now; rolls the queue over first when the day has changed since last seen. */
  today(): string {
    return this.day.today();
  }

  // ---- services and windows --------------------------------------------------------------

  invalidateServices(): void {
    this.context.services.invalidate();
  }

  services(includeInactive = false): Service[] {
    return this.context.services.list(includeInactive);
  }

  service(id: string): Service {
    return this.context.services.get(id);
  }

  windows(): Window[] {
    return this.windowService.list();
  }

  signIn(windowId: number, actor: Actor): Window {
    return this.windowService.signIn(windowId, actor);
  }

  signOut(windowId: number, actor: Actor): void {
    this.windowService.signOut(windowId, actor);
  }

  /** The waiting tickets a window can call, in the order call-next would take them (window console). */
  windowQueue(windowId: number): (StaffTicket & { position: number })[] {
    return this.windowService.queue(windowId);
  }

  // ---- views -----------------------------------------------------------------------------

  row(id: string): TicketRow {
    return this.store.row(id);
  }

  /** The resident's current ticket for a token (a transfer keeps the token; the newest wins). */
  rowByToken(token: string): TicketRow {
    return this.store.rowByToken(token);
  }

  publicView(r: TicketRow, svc?: Service): PublicTicket {
    return views.publicView(this.context, r, svc);
  }

  staffView(r: TicketRow, svc?: Service): StaffTicket {
    return views.staffView(this.context, r, svc);
  }

  followUrl(token: string): string {
    return views.followUrl(this.context, token);
  }

  listTickets(filter: {
    day?: string;
    state?: string;
    serviceId?: string;
    windowId?: number;
    limit?: number;
  }) {
    return views.listTickets(this.context, filter);
  }

  /** Waiting tickets of the same service called before this one, in the policy's order. */
  peopleAhead(r: TicketRow): number {
    return views.peopleAhead(this.context, r);
  }

  /** Median service time of the last 20 finished tickets of the service (30 days), else its expected time. */
  averageServiceS(serviceId: string): number {
    return this.context.waits.averageServiceS(serviceId);
  }

  estimateWaitMin(serviceId: string, ahead: number): number {
    return this.context.waits.estimateWaitMin(serviceId, ahead);
  }

  /** What the display board shows (snapshot.ts). */
  snapshot(): QueueSnapshot {
    return buildSnapshot(this.context);
  }

  followView(token: string) {
    return views.followView(this.context, token);
  }

  // ---- issuing (issue.ts) ----------------------------------------------------------------

  /** Issues a ticket (or returns the person's open ticket of that service); `inTx` runs inside the same transaction. */
  issue(req: IssueRequest, actor?: Actor, inTx?: (ticketId: string) => void): IssueResult {
    return this.issuing.issue(req, actor, inTx);
  }

  /** As issue(), committed together with the other requests of this event-loop turn (issue.ts). */
  issueGrouped(req: IssueRequest, actor?: Actor): Promise<IssueResult> {
    return this.issuing.issueGrouped(req, actor);
  }

  reprint(ticketId: string, actor: Actor): IssueResult['print'] {
    return this.issuing.reprint(ticketId, actor);
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
    this.store.recordEvent(ticketId, type, at, windowId, staffId, data);
  }

  // ---- calling (calling.ts) --------------------------------------------------------------

  /** Calls the next ticket for a window, atomically: two windows never get the same ticket. */
  callNext(windowId: number, actor: Actor): StaffTicket {
    return this.calling.callNext(windowId, actor);
  }

  /** Calls a specific waiting ticket (one the window serves). */
  callTicket(windowId: number, ticketId: string, actor: Actor): StaffTicket {
    return this.calling.callTicket(windowId, ticketId, actor);
  }

  /** Refuses an action the ticket's state does not allow. */
  refuseState(t: TicketRow, action: string): never {
    return refuseState(t, action);
  }

  recall(ticketId: string, actor: Actor): StaffTicket {
    return this.calling.recall(ticketId, actor);
  }

  noShow(ticketId: string, actor: Actor): StaffTicket {
    return this.calling.noShow(ticketId, actor);
  }

  /** A no-show resident who comes back: waiting again, queued behind those waiting now. */
  reactivate(ticketId: string, actor: Actor): StaffTicket {
    return this.calling.reactivate(ticketId, actor);
  }

  // ---- serving and finishing (serving.ts) ------------------------------------------------

  /** The resident sat down at the window: called → serving. */
  startServing(ticketId: string, actor: Actor): StaffTicket {
    return this.serving.startServing(ticketId, actor);
  }

  finish(ticketId: string, outcome: Outcome, actor: Actor, note?: string): StaffTicket {
    return this.serving.finish(ticketId, outcome, actor, note);
  }

  cancel(ticketId: string, actor: Actor): StaffTicket {
    return this.serving.cancel(ticketId, actor);
  }

  setPriority(ticketId: string, priorityClass: string, actor: Actor): StaffTicket {
    return this.serving.setPriority(ticketId, priorityClass, actor);
  }

  /** Moves the resident to another service's queue, keeping the original arrival time and the QR token. */
  transfer(ticketId: string, serviceId: string, actor: Actor, note?: string): StaffTicket {
    return this.serving.transfer(ticketId, serviceId, actor, note);
  }

  // ---- ratings (ratings.ts) --------------------------------------------------------------

  /** The resident rates their finished ticket. */
  rate(token: string, rating: number, reason?: string, comment?: string): PublicTicket {
    return this.ratings.rate(token, rating, reason, comment);
  }

  /** Ratings of 不满意 / 非常不满意 for follow-up, newest first. */
  badRatings(opts: { open?: boolean; limit?: number } = {}) {
    return this.ratings.badRatings(opts);
  }

  followUp(ticketId: string, note: string, actor: Actor): void {
    this.ratings.followUp(ticketId, note, actor);
  }
}
