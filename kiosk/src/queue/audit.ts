// The audit log of staff actions (and failed logins): who, what, on what, when, from where.
import type { Db } from '../db/open.ts';
import type { AuditEntry } from './api-types.ts';
import type { Actor } from './types.ts';

export type { AuditEntry } from './api-types.ts';

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

export interface AuditFilter {
  limit?: number;
  before?: number;
  action?: string;
  /** An action family: 'service' matches service.create and service.update; 'login' login and login.failed. */
  actionPrefix?: string;
  username?: string;
  /** A target or its kind: 'service:legal', or 'service' for every service. */
  target?: string;
  /** Epoch ms, inclusive / exclusive. */
  from?: number;
  to?: number;
}

export function readAudit(db: Db, opts: AuditFilter = {}): AuditEntry[] {
  const where: string[] = [];
  const args: unknown[] = [];
  const add = (sql: string, ...v: unknown[]) => {
    where.push(sql);
    args.push(...v);
  };
  if (opts.before !== undefined) add('id < ?', opts.before);
  if (opts.action !== undefined) add('action = ?', opts.action);
  if (opts.actionPrefix !== undefined)
    add(
      "(action = ? OR substr(action, 1, length(?) + 1) = ? || '.')",
      opts.actionPrefix,
      opts.actionPrefix,
      opts.actionPrefix,
    );
  if (opts.username !== undefined) add('username = ?', opts.username);
  if (opts.target !== undefined)
    add("(target = ? OR substr(target, 1, length(?) + 1) = ? || ':')", opts.target, opts.target, opts.target);
  if (opts.from !== undefined) add('at >= ?', opts.from);
  if (opts.to !== undefined) add('at < ?', opts.to);
  const rows = db
    .prepare(
      `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
    )
    .all(...args, opts.limit ?? 100) as {
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
