// The gateway's HTTP API for the consoles. app.ts builds, it never listens: the gateway (or a
// test with inject()) decides where it runs. Order: content parsers and validation, error
// handling, stores, sessions, then routes.

import { randomBytes } from 'node:crypto';
import {
  createLogger,
  installCookies,
  type LoginCountStore,
  LoginLimiter,
  type ScryptCost,
  type ServiceLogger,
  SharedLoginLimiter,
  urlErrors,
} from '@linli/shared/service';
import type { Database } from 'better-sqlite3';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { bootstrapMessage, ensureBootstrapAdmin } from '../auth/bootstrap.ts';
import { type SessionKeeper, SessionStore } from '../auth/sessions.ts';
import { type StaffAccounts, StaffStore } from '../auth/staff.ts';
import { type CenterRouteOptions, centerRoutes } from '../center/routes.ts';
import type { HealthSource } from '../health.ts';
import type { Registry } from '../registry/registry.ts';
import { responderApi } from '../responders/index.ts';
import type { AlertReader } from '../types.ts';
import { type ApiConfig, type ApiConfigSource, resolveApiConfig } from './config.ts';
import { consoleRoutes } from './console.ts';
import type { BusLike, DeviceClockSource, DeviceStateSource, RouteContext } from './context.ts';
import { deviceStateSource } from './device-state.ts';
import { type ErrorLog, installErrorHandlers } from './errors.ts';
import { ApiMetrics } from './metrics.ts';
import type { ReportSource } from './report-source.ts';
import { alertRoutes } from './routes/alerts.ts';
import { authRoutes } from './routes/auth.ts';
import { deviceRoutes } from './routes/devices.ts';
import { logRoutes } from './routes/logs.ts';
import { opsRoutes } from './routes/ops.ts';
import { residentRoutes } from './routes/residents.ts';
import { staffRoutes } from './routes/staff.ts';
import { streamRoutes } from './routes/stream.ts';
import { installSessions } from './session.ts';
import { installValidator } from './validation.ts';

export interface ApiDeps {
  db: Database;
  registry: Registry;
  alerts: AlertReader;
  bus: BusLike;
  metrics: { render(): string | Promise<string> };
  /** The gateway's config; its `api` section, when present, is checked key by key (api/config.ts). */
  config?: ApiConfigSource;
  /** Live device state (online, battery, last seen); else `engine.states`, else the device_state table. */
  deviceState?: DeviceStateSource;
  /** The running engine: its live device states. */
  engine?: { states: DeviceStateSource };
  /** What /healthz reports (the running gateway's database, broker link, forwarding). */
  health?: HealthSource;
  /** scrypt cost of staff password hashes: STAFF_COST (OWASP minimum) unless a test passes a
   *  cheaper one. */
  staffCost?: ScryptCost;
  /** Each device's clock state (the engine's DeviceClocks). */
  deviceClocks?: DeviceClockSource;
  env?: NodeJS.ProcessEnv;
  /** The gateway's logger: fastify's own (app.log), request lines when api.logger is on. */
  logger?: ServiceLogger;
  /** Where 5xx failures are logged (default: `logger`, else a new service logger). */
  log?: ErrorLog;
  /** Where the one-time bootstrap admin message goes (default: console.log). */
  print?: (line: string) => void;
  /** Key of responders' links (gatewayKeys().responderLink); absent: a random one (no link verifies). */
  responderLinkKey?: Buffer;
  /** Station time zone of volunteer hours (responders.tzMinutes); default +480. */
  tzMinutes?: number;
  /** Role center: the stations' webhook and state, and action requests for their alerts. */
  center?: CenterRouteOptions;
  /** Where reports read the alerts; default the SQLite file (`db`). */
  reports?: ReportSource;
  /** Where staff accounts and sessions are kept; default the SQLite file (`db`). A center on
   *  PostgreSQL passes the shared database's (center/pg/staff.ts, sessions.ts), and where failed
   *  logins are counted (center/pg/login-counts.ts; default in memory). */
  accounts?: (o: { sessionTtlMs: number; staffCost?: ScryptCost }) => {
    staff: StaffAccounts;
    sessions: SessionKeeper;
    loginCounts?: LoginCountStore;
  };
  /** The audit log GET /api/audit lists; default the SQLite file's. */
  audit?: RouteContext['audit'];
}

export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const config: ApiConfig = resolveApiConfig(deps.config, deps.env ?? process.env);
  // fastify's logger is the gateway's (typed as fastify's base logger, which pino's fits)
  const logger: FastifyBaseLogger | undefined =
    deps.logger ?? (config.logger || !deps.log ? createLogger({ name: 'linli-gateway' }) : undefined);
  const app = Fastify({
    ...(logger ? { loggerInstance: logger, disableRequestLogging: !config.logger } : { logger: false }),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    return503OnClosing: true,
    // a URL the router cannot take: refused in the API's shape, counted like the error handler's
    frameworkErrors: urlErrors(
      ({ code, message }) => ({ error: { code, message } }),
      (r) => (r.status >= 500 ? apiMetrics.errors++ : apiMetrics.refuse(r.code)),
    ),
  });
  app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );
  installValidator(app);
  const apiMetrics = new ApiMetrics();
  installErrorHandlers(app, apiMetrics, deps.log ?? logger!);
  await installCookies(app);
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cache-control', reply.getHeader('cache-control') ?? 'no-store');
    return payload;
  });

  const { staff, sessions, loginCounts } = deps.accounts
    ? deps.accounts({
        sessionTtlMs: config.sessionTtlS * 1000,
        ...(deps.staffCost ? { staffCost: deps.staffCost } : {}),
      })
    : {
        staff: new StaffStore(deps.db, deps.staffCost),
        sessions: new SessionStore(deps.db, config.sessionTtlS * 1000),
        loginCounts: undefined,
      };
  await sessions.purgeExpired();
  if (config.bootstrapAdmin) {
    const msg = bootstrapMessage(
      await ensureBootstrapAdmin(deps.db, {
        staff,
        ...(config.adminPassword ? { password: config.adminPassword } : {}),
      }),
    );
    if (msg) (deps.print ?? console.log)(msg);
  }
  const windowMs = config.loginWindowS * 1000;
  const limits = {
    perAccountAddress: config.loginMaxFailures,
    perAddress: config.loginIpMaxFailures,
    windowMs,
  };
  const ctx: RouteContext = {
    db: deps.db,
    registry: deps.registry,
    alerts: deps.alerts,
    bus: deps.bus,
    metrics: deps.metrics,
    apiMetrics,
    config,
    staff,
    sessions,
    // counted in memory, or where every instance of a center on PostgreSQL counts
    loginLimiter: loginCounts ? new SharedLoginLimiter(limits, loginCounts) : new LoginLimiter(limits),
    deviceState: deviceStateSource(deps.db, deps.deviceState, deps.engine),
    ...(deps.health ? { health: deps.health } : {}),
    ...(deps.deviceClocks ? { deviceClocks: deps.deviceClocks } : {}),
    ...(deps.center ? { center: deps.center.center } : {}),
    ...(deps.reports ? { reports: deps.reports } : {}),
    ...(deps.audit ? { audit: deps.audit } : {}),
  };
  installSessions(app, sessions);
  opsRoutes(app, ctx);
  authRoutes(app, ctx);
  alertRoutes(app, ctx);
  deviceRoutes(app, ctx);
  residentRoutes(app, ctx);
  logRoutes(app, ctx);
  staffRoutes(app, ctx);
  streamRoutes(app, ctx);
  if (deps.center) centerRoutes(app, deps.center);
  await consoleRoutes(app, ctx);
  await responderApi(app, ctx, {
    linkKey: deps.responderLinkKey ?? randomBytes(32),
    tzMinutes: deps.tzMinutes ?? 480,
  });
  return app;
}
