// Build the API on a real temp SQLite file with a fake AlertService, an EventEmitter bus and
// four staff accounts, one per role.
import { EventEmitter } from 'node:events';
import { LinliError } from '@linli/shared';
import { type LogRecord, memoryLogger } from '@linli/shared/service';
import type { FastifyInstance } from 'fastify';
import { type ApiDeps, buildApi } from '../../src/api/app.ts';
import { StaffStore } from '../../src/auth/staff.ts';
import { Center } from '../../src/center/center.ts';
import { SqliteCenterData } from '../../src/center/data-sqlite.ts';
import { StationStore } from '../../src/center/stations.ts';
import { WebhookGuard } from '../../src/center/webhook-guard.ts';
import { loadConfig } from '../../src/config.ts';
import { createEngine } from '../../src/gateway.ts';
import { silentLogger } from '../../src/ingest/refusals.ts';
import { openRegistry, type Registry } from '../../src/registry/index.ts';
import type { AlertHistoryEntry, AlertRecord, AlertService } from '../../src/types.ts';
import { openTestDb, type TestDb } from '../registry/db-helper.ts';

/** Staff hashes in the API tests: real scrypt at a cost a loaded CI machine can afford 40
 *  times a file (the service always uses STAFF_COST, N=2^17). */
export const TEST_STAFF_COST = { N: 1024, r: 8, p: 1 };

export const PASSWORDS = {
  admin: 'admin-password-1',
  sup: 'supervisor-password-1',
  op: 'operator-password-1',
  win: 'window-password-1',
} as const;
export type User = keyof typeof PASSWORDS;

export function alert(id: string, over: Partial<AlertRecord> = {}): AlertRecord {
  return {
    id,
    rev: 1,
    site: 's1',
    deviceId: 'p-1',
    type: 'sos',
    severity: 'critical',
    state: 'raised',
    count: 1,
    raisedAt: 1_700_000_000_000,
    lastAt: 1_700_000_000_000,
    escalationLevel: 0,
    ...over,
  };
}

/** An in-memory AlertService with the engine's error codes; records calls. Held to the real
 *  engine's behaviour by the contract suite (test/contracts/alert-service.test.ts). */
export class FakeAlerts implements AlertService {
  readonly alerts = new Map<string, AlertRecord>();
  readonly history = new Map<string, AlertHistoryEntry[]>();
  readonly calls: unknown[][] = [];
  failWith?: Error;

  add(a: AlertRecord): void {
    this.alerts.set(a.id, a);
    this.history.set(a.id, [{ alertId: a.id, rev: 1, at: a.raisedAt, by: 'system', action: 'raised' }]);
  }
  private must(id: string): AlertRecord {
    if (this.failWith) throw this.failWith;
    const a = this.alerts.get(id);
    if (!a) throw new LinliError('ALERT_NOT_FOUND', `alert ${id} not found`);
    return a;
  }
  private change(
    a: AlertRecord,
    by: string,
    action: AlertHistoryEntry['action'],
    patch: Partial<AlertRecord>,
    note?: string,
  ) {
    const next = { ...a, ...patch, rev: a.rev + 1 };
    this.alerts.set(a.id, next);
    this.history
      .get(a.id)!
      .push({ alertId: a.id, rev: next.rev, at: Date.now(), by, action, ...(note ? { note } : {}) });
    return next;
  }
  list(filter: Parameters<AlertService['list']>[0]): AlertRecord[] {
    this.calls.push(['list', filter]);
    if (this.failWith) throw this.failWith;
    // as the engine's repository: every filter, newest first (raisedAt, then id), at most `limit`
    const limit = Math.min(Math.max(1, Math.floor(filter.limit ?? 100)), 1000);
    return [...this.alerts.values()]
      .filter(
        (record) =>
          (!filter.state || record.state === filter.state) &&
          (!filter.severity || record.severity === filter.severity) &&
          (!filter.site || record.site === filter.site) &&
          (!filter.deviceId || record.deviceId === filter.deviceId) &&
          (filter.before === undefined || record.raisedAt < filter.before),
      )
      .sort(
        (left, right) =>
          right.raisedAt - left.raisedAt || (right.id < left.id ? -1 : right.id > left.id ? 1 : 0),
      )
      .slice(0, limit);
  }
  get(id: string) {
    this.calls.push(['get', id]);
    const alert = this.alerts.get(id);
    return alert && { alert, history: this.history.get(id)! };
  }
  acknowledge(id: string, by: string): AlertRecord {
    this.calls.push(['acknowledge', id, by]);
    const a = this.must(id);
    if (a.state !== 'raised') throw new LinliError('ALERT_STATE', `alert ${id} is ${a.state}, not raised`);
    return this.change(a, by, 'acknowledged', {
      state: 'acknowledged',
      acknowledgedBy: by,
      acknowledgedAt: Date.now(),
    });
  }
  resolve(id: string, by: string, outcome: string, note?: string): AlertRecord {
    this.calls.push(['resolve', id, by, outcome, note]);
    const a = this.must(id);
    if (a.state === 'resolved' || a.state === 'cancelled')
      throw new LinliError('ALERT_STATE', `alert ${id} is ${a.state}`);
    return this.change(a, by, 'resolved', { state: 'resolved', resolvedBy: by, outcome }, note);
  }
  addNote(id: string, by: string, note: string): AlertHistoryEntry {
    this.calls.push(['addNote', id, by, note]);
    const a = this.must(id);
    this.change(a, by, 'note', {}, note);
    return this.history.get(id)!.at(-1)!;
  }
}

export interface TestApi {
  app: FastifyInstance;
  t: TestDb;
  registry: Registry;
  alerts: FakeAlerts;
  bus: EventEmitter;
  printed: string[];
  /** 5xx failures the API logged. */
  logged: LogRecord[];
  login(user: User): Promise<string>;
  close(): Promise<void>;
}

export async function makeApi(
  over: Partial<ApiDeps> & { users?: boolean; withCenter?: boolean } = {},
): Promise<TestApi> {
  const t = openTestDb();
  const registry = openRegistry(t.db, { secretKey: 'k'.repeat(32) });
  // role center's routes on a real Center (engine and station store on the same database)
  const { withCenter, ...deps } = over;
  const centerEngine = withCenter
    ? createEngine({
        db: t.db,
        directory: registry,
        config: loadConfig({ role: 'center', hmacKey: 'k'.repeat(32) }, {}),
        log: silentLogger,
      })
    : undefined;
  if (centerEngine) {
    const center = new Center(
      new SqliteCenterData(t.db, centerEngine.alerts, centerEngine.committer),
      centerEngine,
      new StationStore(t.db, 'k'.repeat(32)),
      centerEngine.config.center,
    );
    await center.load();
    await center.stations.add('s1');
    const guard = new WebhookGuard({
      limit: 20,
      windowS: 600,
      metrics: centerEngine.metrics,
      log: silentLogger,
      now: () => Date.now(),
    });
    deps.center = { center, replayWindowS: 300, now: () => Date.now(), guard };
  }
  if (over.users !== false) {
    const staff = new StaffStore(t.db, TEST_STAFF_COST);
    await Promise.all([
      staff.create({ username: 'admin', password: PASSWORDS.admin, role: 'admin' }),
      staff.create({ username: 'sup', password: PASSWORDS.sup, role: 'supervisor' }),
      staff.create({ username: 'op', password: PASSWORDS.op, role: 'operator', displayName: 'Operator One' }),
      staff.create({ username: 'win', password: PASSWORDS.win, role: 'window' }),
    ]);
  }
  const alerts = new FakeAlerts();
  const bus = new EventEmitter();
  const printed: string[] = [];
  const { log, records: logged } = memoryLogger('error');
  let app: FastifyInstance;
  try {
    app = await buildApi({
      db: t.db,
      registry,
      alerts,
      bus,
      metrics: { render: () => '# HELP linli_up 1\n# TYPE linli_up gauge\nlinli_up 1' },
      env: {},
      print: (l) => printed.push(l),
      staffCost: TEST_STAFF_COST,
      log,
      ...deps,
    });
  } catch (e) {
    t.close(); // no temp dir left behind when the build is refused
    throw e;
  }
  const cookies = new Map<User, string>();
  return {
    app,
    t,
    registry,
    alerts,
    bus,
    printed,
    logged,
    async login(user) {
      const cached = cookies.get(user);
      if (cached) return cached;
      const res = await app.inject({
        method: 'POST',
        url: '/api/login',
        payload: { username: user, password: PASSWORDS[user] },
      });
      if (res.statusCode !== 200) throw new Error(`login ${user}: ${res.statusCode} ${res.body}`);
      const cookie = String(res.headers['set-cookie']).split(';')[0]!;
      cookies.set(user, cookie);
      return cookie;
    },
    async close() {
      await app.close();
      centerEngine?.close();
      t.close();
    },
  };
}
