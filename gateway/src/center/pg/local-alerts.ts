// A center instance on PostgreSQL still has its own SQLite engine for the technical alerts about
// itself (the external broker link, the SMS notifier). Its changes are mirrored into the shared
// alerts table (origin: this instance) so every console lists them; the alarm API acts on such
// an alert through the local engine when it is this instance's, and refuses (ALERT_ELSEWHERE)
// when it is another instance's. Everything else is read and written in PostgreSQL.
import { hostname } from 'node:os';
import type { AlertEngine } from '../../alerts/engine.ts';
import type { Logger } from '../../ingest/refusals.ts';
import type { AlertReader } from '../../types.ts';
import type { PgCenterData } from './store.ts';

/** Stable across restarts of the same instance: its host and data folder. */
export function instanceOrigin(dataDir: string): string {
  return `${hostname()}:${dataDir}`;
}

export function mirrorLocalAlerts(
  engine: AlertEngine,
  data: PgCenterData,
  origin: string,
  log: Logger,
): void {
  engine.setOutbox({
    record: (tx, a, entry) => {
      const snapshot = { ...a };
      tx.after(() => data.mirror(snapshot, entry, origin, log));
    },
  });
}

/** The alarm API's alerts at a center on PostgreSQL. */
export function centerAlertReader(engine: AlertEngine, data: PgCenterData): AlertReader {
  const local = (id: string) => engine.repo.get(id) !== undefined;
  return {
    list: (f) => data.alerts.list(f),
    get: (id) => data.alerts.get(id),
    acknowledge: (id, by) => (local(id) ? engine.acknowledge(id, by) : data.alerts.acknowledge(id, by)),
    resolve: (id, by, outcome, note) =>
      local(id) ? engine.resolve(id, by, outcome, note) : data.alerts.resolve(id, by, outcome, note),
    addNote: (id, by, note) => (local(id) ? engine.addNote(id, by, note) : data.alerts.addNote(id, by, note)),
  };
}
