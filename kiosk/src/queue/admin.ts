// Editing services and windows (admin only); every change is audited.
import type { QueueContext } from './context.ts';
import { QueueError } from './errors.ts';
import { type Hours, parseHours } from './hours.ts';
import type { Actor, Service, Window } from './types.ts';

/** Hours as an admin sends them: a weekday left out has no hours (parseHours fills it in). */
export type HoursInput = Partial<Hours>;

export interface ServiceInput {
  id: string;
  nameZh: string;
  nameEn: string;
  prefix: string;
  rangeStart?: number;
  rangeEnd?: number;
  dailyCap?: number;
  hours: HoursInput;
  idRequired?: boolean;
  expectedServiceS?: number;
  active?: boolean;
  sort?: number;
}
export type ServicePatch = Partial<Omit<ServiceInput, 'id'>>;

/** What the admin functions work on: the queue's context (the engine has one). */
export interface HasQueueContext {
  readonly context: QueueContext;
}

function check(ctx: QueueContext, service: Omit<ServiceInput, 'id'> & { id: string }): void {
  parseHours(service.hours);
  const start = service.rangeStart ?? 1;
  const end = service.rangeEnd ?? 999;
  if (end < start)
    throw new QueueError('VALIDATION', '号段结束不能小于开始', 'rangeEnd must be ≥ rangeStart');
  const clash = ctx.services.prefixOwner(service.prefix, service.id);
  if (clash !== undefined)
    throw new QueueError(
      'CONFLICT',
      `字母${service.prefix}已被${clash}使用`,
      `prefix ${service.prefix} is used by ${clash}`,
    );
}

export function createService({ context: ctx }: HasQueueContext, input: ServiceInput, actor: Actor): Service {
  const now = ctx.clock.now();
  ctx.store.transaction(() => {
    if (ctx.services.exists(input.id))
      throw new QueueError('CONFLICT', '业务编号已存在', `service ${input.id} exists`);
    check(ctx, input);
    ctx.services.save(
      {
        id: input.id,
        nameZh: input.nameZh,
        nameEn: input.nameEn,
        prefix: input.prefix,
        rangeStart: input.rangeStart ?? 1,
        rangeEnd: input.rangeEnd ?? 999,
        dailyCap: input.dailyCap ?? 300,
        hours: parseHours(input.hours),
        idRequired: input.idRequired ?? false,
        expectedServiceS: input.expectedServiceS ?? 600,
        active: input.active !== false,
        sort: input.sort ?? 100,
      },
      true,
    );
    ctx.store.audit(now, actor, 'service.create', `service:${input.id}`, input);
  });
  ctx.services.invalidate();
  return ctx.services.get(input.id);
}

export function updateService(
  { context: ctx }: HasQueueContext,
  id: string,
  patch: ServicePatch,
  actor: Actor,
): Service {
  const now = ctx.clock.now();
  ctx.store.transaction(() => {
    const current = ctx.services.get(id);
    const hours = patch.hours === undefined ? current.hours : parseHours(patch.hours);
    const next = { ...current, ...patch, id, hours };
    check(ctx, next);
    ctx.services.save(next, false);
    ctx.store.audit(now, actor, 'service.update', `service:${id}`, patch);
  });
  ctx.services.invalidate();
  return ctx.services.get(id);
}

export function saveWindow(
  { context: ctx }: HasQueueContext,
  id: number,
  patch: { name?: string; active?: boolean; serviceIds?: string[] },
  actor: Actor,
  create: boolean,
): Window {
  const now = ctx.clock.now();
  ctx.store.transaction(() => {
    const exists = ctx.windows.find(id) !== undefined;
    if (create && exists) throw new QueueError('CONFLICT', `${id}号窗口已存在`, `window ${id} exists`);
    if (!create && !exists) throw new QueueError('NOT_FOUND', `没有${id}号窗口`, `no window ${id}`);
    for (const serviceId of patch.serviceIds ?? []) ctx.services.get(serviceId);
    if (create) ctx.windows.create(id, patch.name ?? `${id}号窗口`);
    if (patch.name !== undefined) ctx.windows.rename(id, patch.name);
    if (patch.active !== undefined) ctx.windows.setActive(id, patch.active);
    if (patch.serviceIds) ctx.windows.setServices(id, new Set(patch.serviceIds));
    ctx.store.audit(now, actor, create ? 'window.create' : 'window.update', `window:${id}`, patch);
  });
  return ctx.windows.list().find((w) => w.id === id) as Window;
}
