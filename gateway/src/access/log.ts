// The access-control event log: door and access events as stored (card numbers as keyed hashes).
import type { Db } from '../db/open.ts';

export interface AccessLogEntry {
  deviceId: string;
  site: string;
  type: string;
  ts: number;
  receivedAt: number;
  cardHash?: string;
  alertId?: string;
}

export function listAccessLog(
  db: Db,
  filter: { deviceId?: string; cardHash?: string; since?: number; limit?: number } = {},
): AccessLogEntry[] {
  const where = [
    "type IN ('door.open', 'door.close', 'door.forced', 'door.held', 'access.granted', 'access.denied')",
  ];
  const params: unknown[] = [];
  if (filter.deviceId) where.push('device_id = ?') && params.push(filter.deviceId);
  if (filter.cardHash) where.push('card_hash = ?') && params.push(filter.cardHash);
  if (filter.since !== undefined) where.push('received_at >= ?') && params.push(filter.since);
  const limit = Math.min(Math.max(1, Math.floor(filter.limit ?? 100)), 1000);
  const rows = db
    .prepare(
      `SELECT device_id, site, type, ts, received_at, card_hash, alert_id FROM events WHERE ${where.join(' AND ')} ORDER BY seq_no DESC LIMIT ${limit}`,
    )
    .all(...params) as {
    device_id: string;
    site: string;
    type: string;
    ts: number;
    received_at: number;
    card_hash: string | null;
    alert_id: string | null;
  }[];
  return rows.map((r) => {
    const e: AccessLogEntry = {
      deviceId: r.device_id,
      site: r.site,
      type: r.type,
      ts: r.ts,
      receivedAt: r.received_at,
    };
    if (r.card_hash) e.cardHash = r.card_hash;
    if (r.alert_id) e.alertId = r.alert_id;
    return e;
  });
}
