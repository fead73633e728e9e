// The store's part of /healthz: a small function the health route calls, so that other parts
// (the broker link, the forwarding backlog) can be added beside it.
import type { StoreStatus } from '../ingest/store-health.ts';
import type { RouteContext } from './context.ts';

/** `{db, store}` for the health answer; `healthy` false when the database cannot be read or
 *  does not take writes (disk full, read-only): new events are then refused, not acknowledged. */
export function storeHealthReport(ctx: Pick<RouteContext, 'db' | 'storeStatus'>): {
  healthy: boolean;
  db: 'ok' | 'error';
  store: StoreStatus;
} {
  let db: 'ok' | 'error' = 'ok';
  try {
    ctx.db.prepare('SELECT 1').get();
  } catch {
    db = 'error';
  }
  const store = ctx.storeStatus?.() ?? { writable: true };
  return { healthy: db === 'ok' && store.writable, db, store };
}
