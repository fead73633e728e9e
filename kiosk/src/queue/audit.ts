// The audit log of staff actions (and failed logins): who, what, on what, when, from where.
import type { Db } from '../db/open.ts';
import type { Actor } from './types.ts';

export interface AuditEntry {
  id: number;
  at: number;
  staffId: number | null;
  username: string | null;
  action: string;
  target: string | null;
  detail: unknown;
  address: string | null;
}

export function writeAudit(
  db: Db,
  at: number,
  actor: Partial<Actor> | null,
  action: string,
  target: string | null = null,
  detail: unknown = null,
): void {
  db.prepare(
    'INSERT INTO audit_log (at, staff_id, username, action, target, detail, address) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(
    at,
    actor?.staffId ?? null,
    actor?.username ?? null,
    action,
    target,
    detail === null ? null : JSON.stringify(detail),
    actor?.address ?? null,
  );
}

export function readAudit(
  db: Db,
  opts: { limit?: number; before?: number; action?: string } = {},
): AuditEntry[] {
  const rows = db
    .prepare(
      `SELECT * FROM audit_log WHERE (? IS NULL OR id < ?) AND (? IS NULL OR action = ?) ORDER BY id DESC LIMIT ?`,
    )
    .all(
      opts.before ?? null,
      opts.before ?? null,
      opts.action ?? null,
      opts.action ?? null,
      opts.limit ?? 100,
    ) as {
    id: number;
    at: number;
    staff_id: number | null;
    username: string | null;
    action: string;
    target: string | null;
    detail: string | null;
    address: string | null;
  }[];
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    staffId: r.staff_id,
    username: r.username,
    action: r.action,
    target: r.target,
    detail: r.detail ? JSON.parse(r.detail) : null,
    address: r.address,
  }));
}
