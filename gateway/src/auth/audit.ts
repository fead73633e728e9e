// Audit log: who did what, when, to what. Written in the same transaction as the change when
// the change is in this database (registry, staff); right after the engine's call for alerts.
import type { Database } from 'better-sqlite3';

export interface AuditEntry {
  actor: string;
  action: string;
  target?: string;
  detail?: Record<string, unknown>;
  ip?: string;
  at?: number;
}
export interface AuditRow {
  id: number;
  at: number;
  actor: string;
  action: string;
  target?: string;
  detail?: Record<string, unknown>;
  ip?: string;
}
export interface AuditFilter {
  actor?: string;
  action?: string;
  target?: string;
  before?: number; // id: rows older than this id
  limit?: number;
}

/** Who is making a change, passed down from the API (staff user + IP) or the CLI. */
export interface Actor {
  actor: string;
  ip?: string;
}
export const SYSTEM: Actor = { actor: 'system' };

export function writeAudit(db: Database, e: AuditEntry): void {
  db.prepare('INSERT INTO audit_log (at, actor, action, target, detail, ip) VALUES (?, ?, ?, ?, ?, ?)').run(
    e.at ?? Date.now(),
    e.actor,
    e.action,
    e.target ?? null,
    e.detail ? JSON.stringify(e.detail) : null,
    e.ip ?? null,
  );
}

/** A row of audit_log as stored (SQLite, and the center's shared PostgreSQL table). */
export interface AuditDbRow {
  id: number;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  detail: string | null;
  ip: string | null;
}

export function toAuditRow(r: AuditDbRow): AuditRow {
  return {
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    ...(r.target !== null ? { target: r.target } : {}),
    ...(r.detail !== null ? { detail: JSON.parse(r.detail) as Record<string, unknown> } : {}),
    ...(r.ip !== null ? { ip: r.ip } : {}),
  };
}

export function listAudit(db: Database, f: AuditFilter = {}): AuditRow[] {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (f.actor) {
    where.push('actor = ?');
    args.push(f.actor);
  }
  if (f.action) {
    where.push('action = ?');
    args.push(f.action);
  }
  if (f.target) {
    where.push('target = ?');
    args.push(f.target);
  }
  if (f.before !== undefined) {
    where.push('id < ?');
    args.push(f.before);
  }
  const limit = Math.min(Math.max(f.limit ?? 100, 1), 1000);
  const rows = db
    .prepare(
      `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${limit}`,
    )
    .all(...args) as AuditDbRow[];
  return rows.map(toAuditRow);
}
