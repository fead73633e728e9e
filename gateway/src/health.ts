// What /healthz reports: the database (answers and takes a durable write; the commit path
// has not failed since its last success), the broker link
// (always up in-process for the embedded broker; supervised for an external one) and the
// forwarding backlog to the center: the outbox's paths, backlog and oldest age when an uplink is
// configured, otherwise "absent" (not configured) with a null backlog. Forwarding does not make
// the station's own status an error: the station keeps working with its outbox filling.
import type { BrokerLinkHealth } from './broker/link.ts';
import type { Db } from './db/open.ts';
import type { StoreStatus } from './ingest/store-health.ts';
import type { ForwardingHealth } from './outbox/index.ts';

export type CheckStatus = 'ok' | 'error' | 'absent';

export interface HealthReport {
  status: 'ok' | 'error';
  db: { status: CheckStatus; writable: boolean; error?: string };
  /** The commit path's own view: a failed group commit (disk full, read-only) marks it not
   *  writable until the next commit succeeds; new events are refused meanwhile. */
  store: StoreStatus;
  broker: (BrokerLinkHealth | { mode: 'none' }) & { status: CheckStatus };
  forwarding: ForwardingHealth;
  /** Role center: where its data is (the SQLite file, or a shared PostgreSQL) and whether that
   *  database answered its last probe */
  centerDatabase?: CenterDatabaseHealth;
}

export interface CenterDatabaseHealth {
  database: 'sqlite' | 'postgres';
  reachable: boolean;
  error?: string;
}

export interface HealthSource {
  report(): HealthReport;
}

/** A write probe at most this often; in between the last result is reported. */
const WRITE_PROBE_MS = 2000;

export class GatewayHealth implements HealthSource {
  private probedAt = Number.NEGATIVE_INFINITY;
  private lastProbe: HealthReport['db'] = { status: 'ok', writable: true };
  private readonly probe;

  constructor(
    private readonly db: Db,
    /** The broker link; undefined when this process has no broker (the API alone, in tests) */
    private readonly link: (() => BrokerLinkHealth) | undefined,
    /** The ingest commit path's status; undefined when this process commits no events (the API alone) */
    private readonly store: (() => StoreStatus) | undefined = undefined,
    private readonly now: () => number = Date.now,
    /** The outbox to the center; undefined when no uplink is configured */
    private readonly forwarding: (() => ForwardingHealth) | undefined = undefined,
    /** Role center: its data store's state */
    private readonly centerDb: (() => CenterDatabaseHealth) | undefined = undefined,
  ) {
    // A real committed write (the row is rewritten with its own value): a read-only file, a
    // full disk or a broken WAL fails it. No table of its own, so no migration.
    this.probe = db.prepare(
      'UPDATE schema_migrations SET applied_at = applied_at WHERE version = (SELECT MAX(version) FROM schema_migrations)',
    );
  }

  private dbCheck(): HealthReport['db'] {
    const t = this.now();
    if (t - this.probedAt < WRITE_PROBE_MS) return this.lastProbe;
    this.probedAt = t;
    try {
      this.db.transaction(() => this.probe.run())();
      this.lastProbe = { status: 'ok', writable: true };
    } catch (err) {
      this.lastProbe = {
        status: 'error',
        writable: false,
        error: (err as { code?: string }).code ?? 'error',
      };
    }
    return this.lastProbe;
  }

  report(): HealthReport {
    const db = this.dbCheck();
    const link = this.link?.();
    const broker: HealthReport['broker'] = link
      ? { ...link, status: link.link === 'up' ? 'ok' : 'error' }
      : { mode: 'none', status: 'absent' };
    const forwarding: ForwardingHealth = this.forwarding?.() ?? {
      status: 'absent',
      backlog: null,
      oldestAgeS: null,
      detail:
        'not configured: no uplink (uplink.mqttUrl / uplink.webhookUrl), alerts are not forwarded to a center',
    };
    const store = this.store?.() ?? { writable: true };
    const centerDatabase = this.centerDb?.();
    const status =
      db.status === 'ok' && store.writable && broker.status !== 'error' && centerDatabase?.reachable !== false
        ? 'ok'
        : 'error';
    return { status, db, store, broker, forwarding, ...(centerDatabase ? { centerDatabase } : {}) };
  }
}
