// Editing services and windows (admin only); every change is audited.
import { writeAudit } from './audit.ts';
import type { QueueEngine } from './engine.ts';
import { QueueError } from './errors.ts';
import { type Hours, parseHours } from './hours.ts';
import type { Actor, Service, Window } from './types.ts';

export interface ServiceInput {
  id: string;
  nameZh: string;
  nameEn: string;
  prefix: string;
  rangeStart?: number;
  rangeEnd?: number;
  dailyCap?: number;
  hours: Hours;
  idRequired?: boolean;
  expectedServiceS?: number;
  active?: boolean;
  sort?: number;
}
export type ServicePatch = Partial<Omit<ServiceInput, 'id'>>;

function check(e: QueueEngine, s: Omit<ServiceInput, 'id'> & { id: string }): void {
  const hours = parseHours(s.hours);
  void hours;
  const start = s.rangeStart ?? 1;
  const end = s.rangeEnd ?? 999;
  if (end < start)
    throw new QueueError('VALIDATION', '号段结束不能小于开始', 'rangeEnd must be ≥ rangeStart');
  const clash = e.db.prepare('SELECT id FROM services WHERE prefix = ? AND id != ?').get(s.prefix, s.id) as
    | { id: string }
    | undefined;
  if (clash)
    throw new QueueError(
      'CONFLICT',
      `字母${s.prefix}已被${clash.id}使用`,
      `prefix ${s.prefix} is used by ${clash.id}`,
    );
}

export function createService(e: QueueEngine, input: ServiceInput, actor: Actor): Service {
  const now = e.clock.now();
  e.db
    .transaction(() => {
      if (e.db.prepare('SELECT 1 FROM services WHERE id = ?').get(input.id))
        throw new QueueError('CONFLICT', '业务编号已存在', `service ${input.id} exists`);
      check(e, input);
      e.db
        .prepare(
          `INSERT INTO services (id, name_zh, name_en, prefix, range_start, range_end, daily_cap, hours, id_required,
           expected_service_s, active, sort) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          input.id,
          input.nameZh,
          input.nameEn,
          input.prefix,
          input.rangeStart ?? 1,
          input.rangeEnd ?? 999,
          input.dailyCap ?? 300,
          JSON.stringify(parseHours(input.hours)),
          input.idRequired ? 1 : 0,
          input.expectedServiceS ?? 600,
          input.active === false ? 0 : 1,
          input.sort ?? 100,
        );
      writeAudit(e.db, now, actor, 'service.create', `service:${input.id}`, input);
    })
    .immediate();
  e.invalidateServices();
  return e.service(input.id);
}

export function updateService(e: QueueEngine, id: string, patch: ServicePatch, actor: Actor): Service {
  const now = e.clock.now();
  e.db
    .transaction(() => {
      const cur = e.service(id);
      const next = { ...cur, ...patch, id };
      check(e, next);
      e.db
        .prepare(
          `UPDATE services SET name_zh = ?, name_en = ?, prefix = ?, range_start = ?, range_end = ?, daily_cap = ?,
           hours = ?, id_required = ?, expected_service_s = ?, active = ?, sort = ? WHERE id = ?`,
        )
        .run(
          next.nameZh,
          next.nameEn,
          next.prefix,
          next.rangeStart,
          next.rangeEnd,
          next.dailyCap,
          JSON.stringify(parseHours(next.hours)),
          next.idRequired ? 1 : 0,
          next.expectedServiceS,
          next.active ? 1 : 0,
          next.sort,
          id,
        );
      writeAudit(e.db, now, actor, 'service.update', `service:${id}`, patch);
    })
    .immediate();
  e.invalidateServices();
  return e.service(id);
}

export function saveWindow(
  e: QueueEngine,
  id: number,
  patch: { name?: string; active?: boolean; serviceIds?: string[] },
  actor: Actor,
  create: boolean,
): Window {
  const now = e.clock.now();
  e.db
    .transaction(() => {
      const exists = e.db.prepare('SELECT 1 FROM windows WHERE id = ?').get(id);
      if (create && exists) throw new QueueError('CONFLICT', `${id}号窗口已存在`, `window ${id} exists`);
      if (!create && !exists) throw new QueueError('NOT_FOUND', `没有${id}号窗口`, `no window ${id}`);
      for (const s of patch.serviceIds ?? []) e.service(s);
      if (create)
        e.db.prepare('INSERT INTO windows (id, name) VALUES (?, ?)').run(id, patch.name ?? `${id}号窗口`);
      if (patch.name !== undefined)
        e.db.prepare('UPDATE windows SET name = ? WHERE id = ?').run(patch.name, id);
      if (patch.active !== undefined) {
        e.db.prepare('UPDATE windows SET active = ? WHERE id = ?').run(patch.active ? 1 : 0, id);
        if (!patch.active) e.db.prepare('UPDATE windows SET staff_id = NULL WHERE id = ?').run(id);
      }
      if (patch.serviceIds) {
        e.db.prepare('DELETE FROM window_services WHERE window_id = ?').run(id);
        const ins = e.db.prepare('INSERT INTO window_services (window_id, service_id) VALUES (?, ?)');
        for (const s of new Set(patch.serviceIds)) ins.run(id, s);
      }
      writeAudit(e.db, now, actor, create ? 'window.create' : 'window.update', `window:${id}`, patch);
    })
    .immediate();
  return e.windows().find((w) => w.id === id) as Window;
}
