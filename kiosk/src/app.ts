// Builds the kiosk service (never listens): fastify, the SQLite database, the queue engine, the
// card session, staff auth, the live stream, and the hardware routes when hardware is given.
// Registration order: external (error handling, auth hook), then stores, then routes.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  installCookies,
  LoginLimiter,
  octal,
  type ScryptCost,
  type ServiceLogger,
  securePrivateTree,
  urlErrors,
} from '@linli/shared/service';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { adminRoutes } from './api/admin.ts';
import { adminSettingsRoutes } from './api/admin-settings.ts';
import { authRoutes, requireStaff } from './api/auth.ts';
import type { ApiContext } from './api/context.ts';
import { installErrorHandler } from './api/errors.ts';
import { kioskAddressGuard } from './api/kiosk-address.ts';
import { metricsRoutes } from './api/metrics.ts';
import { issuedBody, publicRoutes } from './api/public.ts';
import { followTokenOf, ScannedTickets, scannedTicketRoutes } from './api/scanned-ticket.ts';
import { screenRoutes } from './api/screens.ts';
import { SpeechCache, speechRoutes } from './api/speech.ts';
import { staffRoutes } from './api/staff.ts';
import { windowFigureRoutes } from './api/window-figures.ts';
import { StaffStore } from './auth/staff.ts';
import { type KioskConfig, resolveIdHmacKey } from './config.ts';
import { Checkpointer } from './db/checkpointer.ts';
import { type Db, openDb } from './db/open.ts';
import { KioskBus } from './events.ts';
import { hardwareRoutes } from './hardware/routes.ts';
import type { Hardware } from './hardware/types.ts';
import { Appointments } from './queue/appointments.ts';
import { CardSessions } from './queue/card-session.ts';
import { QueueEngine } from './queue/engine.ts';
import { QueueError } from './queue/errors.ts';
import { type Clock, systemClock } from './queue/time.ts';
import { publicEvent } from './stream/sanitize.ts';
import { LiveStream, streamRoutes } from './stream/sse.ts';

export interface BuildOptions {
  config: KioskConfig;
  bus?: KioskBus;
  hardware?: Hardware;
  clock?: Clock;
  /** The service logger (createLogger), fastify's app.log; none: no log. */
  logger?: ServiceLogger;
  /** Default <dataDir>/kiosk.sqlite */
  dbFile?: string;
  /** scrypt cost of staff password hashes: STAFF_COST (OWASP minimum) unless a test passes a
   *  cheaper one. */
  staffCost?: ScryptCost;
}

export interface KioskServices extends ApiContext {
  bus: KioskBus;
  db: Db;
  live: LiveStream;
  /** The identity-free stream for public screens (GET /api/stream/public). */
  publicLive: LiveStream;
  hardware: Hardware | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    kiosk: KioskServices;
  }
}

export async function buildApp(opts: BuildOptions): Promise<FastifyInstance> {
  const { config } = opts;
  const clock = opts.clock ?? systemClock;
  const bus = opts.bus ?? new KioskBus();
  const logger: FastifyBaseLogger | undefined = opts.logger;
  const app = Fastify({
    // the shared logger's serializers keep URL secrets out of request lines (issue #10, defect 18)
    ...(logger ? { loggerInstance: logger } : { logger: false }),
    bodyLimit: 16 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true } },
    // a URL the router cannot take: refused in the kiosk's shape (zh/en), counted with the others
    frameworkErrors: urlErrors(
      ({ status, code, message }) => ({
        error: { code, message, zh: status >= 500 ? '系统错误' : '地址不正确', en: message },
      }),
      ({ code }) => refusals.set(code, (refusals.get(code) ?? 0) + 1),
    ),
  });

  const dbFile = opts.dbFile ?? join(config.dataDir, 'kiosk.sqlite');
  // the data directory is private: 0700, files 0600 (staff password hashes, ID hashes, the key)
  for (const fix of securePrivateTree(config.dataDir))
    app.log.warn(
      { path: fix.path, was: octal(fix.was), now: octal(fix.now) },
      'data file was readable by others; made private',
    );
  const db = openDb(dbFile);
  const checkpointer =
    config.checkpointMs > 0 && dbFile !== ':memory:'
      ? new Checkpointer(db, dbFile, config.checkpointMs, app.log)
      : undefined;
  checkpointer?.start();
  const idKey = resolveIdHmacKey(config);
  const engine = new QueueEngine({ db, bus, config, clock, hardware: opts.hardware, log: app.log });
  const cards = new CardSessions(bus, idKey, clock, config.cardSessionMs);
  const staff = new StaffStore(db, () => clock.now(), config.sessionTtlMin * 60_000, opts.staffCost);
  const live = new LiveStream(bus);
  const publicLive = new LiveStream(bus, { filter: publicEvent });
  const appointments = new Appointments(engine, idKey);
  const refusals = new Map<string, number>();
  const ctx: KioskServices = {
    config,
    engine,
    appointments,
    cards,
    staff,
    // per (username, address) and per address; the kiosk's own machine, where the station's
    // staff share one address, only per (username, address)
    limiter: new LoginLimiter(
      {
        perAccountAddress: config.loginMaxFailures,
        perAddress: config.loginAddressMaxFailures,
        windowMs: config.loginWindowMin * 60_000,
        sharedAddresses: config.kioskAddresses.filter((a) => a !== '*'),
      },
      () => clock.now(),
    ),
    refusals,
    bus,
    db,
    live,
    publicLive,
    hardware: opts.hardware,
  };
  app.decorate('kiosk', ctx);

  await ensureAdmin(app, ctx);

  // A scanned appointment code checks the resident in; the result goes to the resident UI.
  // A scanned ticket QR code (the follow URL) is for rating at the kiosk (api/scanned-ticket.ts).
  const offScan = bus.on('scan', (ev) => {
    if (followTokenOf(ev.code)) return;
    try {
      const r = appointments.checkIn(ev.code, cards.peek() ?? undefined);
      // The whole issue answer (with the follow link and the print job) so the resident screen can
      // show the QR code for the phone page when the ticket cannot be printed.
      bus.emit('queue.checkin', { ok: true, ...issuedBody(r), late: r.late, at: clock.now() });
    } catch (err) {
      const e =
        err instanceof QueueError
          ? err
          : new QueueError('APPOINTMENT_UNKNOWN', '无法识别的预约码', 'unreadable code');
      if (!(err instanceof QueueError)) app.log.error({ err }, 'appointment check-in failed');
      refusals.set(e.code, (refusals.get(e.code) ?? 0) + 1);
      bus.emit('queue.checkin', { ok: false, code: e.code, zh: e.zh, en: e.en, at: clock.now() });
    }
  });

  installErrorHandler(app, refusals);
  await installCookies(app);
  authRoutes(app, ctx);
  publicRoutes(app, ctx);
  staffRoutes(app, ctx);
  windowFigureRoutes(app, ctx);
  adminRoutes(app, ctx);
  adminSettingsRoutes(app, ctx);
  streamRoutes(app, {
    live,
    publicLive,
    // Card reads and device states: the kiosk's own screen and staff consoles only.
    guard: kioskAddressGuard(config, {
      staff: true,
      zh: '请先登录',
      en: 'the live stream is for the kiosk screen and signed-in staff; public screens use /api/stream/public',
    }),
    initial: () => [['queue.snapshot', engine.snapshot()]],
  });
  const scanned = new ScannedTickets(bus, () => clock.now());
  scannedTicketRoutes(app, scanned, config);
  speechRoutes(app, new SpeechCache(join(config.dataDir, 'speech')), config);
  metricsRoutes(app, ctx);
  await screenRoutes(app);
  const hardware = opts.hardware;
  if (hardware) {
    await app.register(async (scope) => {
      // Reading health and jobs is public (the resident UI shows 'printer out of paper'); retrying is for staff.
      const staffOnly = requireStaff();
      scope.addHook('onRequest', async (req) => {
        if (req.method !== 'GET') await staffOnly(req);
      });
      await scope.register(hardwareRoutes, { hardware });
    });
  }

  engine.start();
  cards.start();
  scanned.start();
  live.start();
  publicLive.start();
  app.addHook('preClose', async () => {
    live.stop();
    publicLive.stop();
  });
  app.addHook('onClose', async () => {
    offScan();
    scanned.stop();
    cards.stop();
    engine.stop();
    await checkpointer?.stop();
    db.close();
  });
  return app;
}

/** The first start creates an admin: password from config, else generated and written to a 0600 file. */
async function ensureAdmin(app: FastifyInstance, ctx: KioskServices): Promise<void> {
  if (ctx.staff.count('admin') > 0) return;
  let password = ctx.config.adminPassword;
  if (!password) {
    password = `${randomBytes(9).toString('base64url')}-1`;
    const file = join(ctx.config.dataDir, 'initial-admin-password.txt');
    writeFileSync(file, `${password}\n`, { mode: 0o600 });
    app.log.warn({ file }, 'created staff account "admin"; its initial password is in this file');
  }
  await ctx.staff.create({ username: 'admin', displayName: '管理员', role: 'admin', password }, null);
}
