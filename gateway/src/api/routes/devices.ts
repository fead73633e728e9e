// Devices: list with live state (operator+); provision, update, retire, rotate, CSV import (admin).

import { LinliError } from '@linli/shared';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { importDevicesCsv } from '../../registry/import.ts';
import type { RegistryDevice } from '../../registry/registry.ts';
import {
  type DeviceInput,
  DeviceInputSchema,
  DeviceKindSchema,
  type DevicePatch,
  DevicePatchSchema,
  IdString,
} from '../../registry/schemas.ts';
import type { RouteContext } from '../context.ts';
import { actorOf, requireRole } from '../session.ts';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });
const ListQuery = Type.Object(
  {
    site: Type.Optional(IdString),
    kind: Type.Optional(DeviceKindSchema),
    grid: Type.Optional(Type.String({ maxLength: 64 })),
    building: Type.Optional(Type.String({ maxLength: 64 })),
    resident: Type.Optional(IdString),
    online: Type.Optional(Type.Boolean()),
    retired: Type.Optional(Type.Union([Type.Boolean(), Type.Literal('all')])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    offset: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
const RetireBody = Type.Union([
  Type.Object({ reason: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false }),
  Type.Null(),
]);
const SecretBody = Type.Union([
  Type.Object(
    { secret: Type.Optional(Type.String({ minLength: 16, maxLength: 128 })) },
    { additionalProperties: false },
  ),
  Type.Null(),
]);

export function deviceRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const operator = { onRequest: requireRole('operator') };
  const admin = { onRequest: requireRole('admin') };

  const withState = (d: RegistryDevice) => {
    const s = ctx.deviceState.peek(d.id);
    const resident = d.residentId ? ctx.registry.resident(d.residentId) : undefined;
    return {
      ...d,
      online: d.retired ? false : (s?.online ?? null),
      battery: s?.battery ?? null,
      lastSeen: s?.lastSeen ?? null,
      // the device's own last word: its retained status, or its last will when the link dropped
      connected: d.retired ? false : (s?.connected ?? null),
      // ok | skewed | invalid, from the times the device sends (null: never found wrong)
      clock: ctx.deviceClocks?.peek(d.id) ?? null,
      ...(s?.tamper !== undefined ? { tamper: s.tamper } : {}),
      ...(s?.batteryLow !== undefined ? { batteryLow: s.batteryLow } : {}),
      resident: resident ? { id: resident.id, name: resident.name, livesAlone: resident.livesAlone } : null,
    };
  };

  app.get('/api/devices', { ...operator, schema: { querystring: ListQuery } }, async (req) => {
    const q = req.query as {
      site?: string;
      kind?: DeviceInput['kind'];
      grid?: string;
      building?: string;
      resident?: string;
      online?: boolean;
      retired?: boolean | 'all';
      limit?: number;
      offset?: number;
    };
    // at the center: the stations' registries as they summarise them (center/devices.ts)
    if (ctx.center) {
      const found = ctx.center.devices.list({
        ...(q.site ? { site: q.site } : {}),
        ...(q.kind ? { kind: q.kind } : {}),
        ...(q.grid ? { grid: q.grid } : {}),
        ...(q.building ? { building: q.building } : {}),
        ...(q.resident ? { resident: q.resident } : {}),
        ...(q.online !== undefined ? { online: q.online } : {}),
      });
      const offset = q.offset ?? 0;
      return { total: found.length, devices: found.slice(offset, offset + (q.limit ?? 1000)) };
    }
    let all = ctx.registry.list({
      ...(q.site ? { site: q.site } : {}),
      ...(q.kind ? { kind: q.kind } : {}),
      ...(q.grid ? { grid: q.grid } : {}),
      ...(q.building ? { building: q.building } : {}),
      ...(q.resident ? { residentId: q.resident } : {}),
      ...(q.retired !== undefined ? { retired: q.retired } : {}),
    });
    // the online filter needs the live state of every device; otherwise only the page's
    if (q.online !== undefined) {
      all = all.filter(
        (d) => (d.retired ? false : (ctx.deviceState.peek(d.id)?.online ?? null)) === q.online,
      );
    }
    const total = all.length;
    const offset = q.offset ?? 0;
    const devices = all.slice(offset, offset + (q.limit ?? 1000)).map(withState);
    return { total, devices };
  });

  app.get('/api/devices/:id', { ...operator, schema: { params: IdParams } }, async (req) => {
    const { id } = req.params as { id: string };
    const d = ctx.registry.get(id);
    const summarised = d ? undefined : ctx.center?.devices.get(id);
    if (summarised) return { device: summarised };
    if (!d) throw new LinliError('DEVICE_NOT_FOUND', `device ${id} not found`);
    return { device: withState(d) };
  });

  app.post('/api/devices', { ...admin, schema: { body: DeviceInputSchema } }, async (req, reply) => {
    const res = await ctx.registry.provisionAsync(req.body as DeviceInput, actorOf(req));
    return reply
      .code(201)
      .send({ device: withState(res.device), ...(res.secret ? { secret: res.secret } : {}) });
  });

  app.patch(
    '/api/devices/:id',
    { ...admin, schema: { params: IdParams, body: DevicePatchSchema } },
    async (req) => {
      const { id } = req.params as { id: string };
      return { device: withState(ctx.registry.update(id, req.body as DevicePatch, actorOf(req))) };
    },
  );

  app.post(
    '/api/devices/:id/retire',
    { ...admin, schema: { params: IdParams, body: RetireBody } },
    async (req) => {
      const { id } = req.params as { id: string };
      const reason = (req.body as { reason?: string } | null)?.reason;
      return { device: withState(ctx.registry.retire(id, actorOf(req), reason)) };
    },
  );

  app.post(
    '/api/devices/:id/secret',
    { ...admin, schema: { params: IdParams, body: SecretBody } },
    async (req) => {
      const { id } = req.params as { id: string };
      const given = (req.body as { secret?: string } | null)?.secret;
      return { id, secret: await ctx.registry.rotateSecretAsync(id, given, actorOf(req)) };
    },
  );

  app.post(
    '/api/devices/import',
    {
      ...admin,
      bodyLimit: ctx.config.csvLimitBytes,
      schema: { body: Type.String({ maxLength: ctx.config.csvLimitBytes }) },
    },
    async (req) => importDevicesCsv(ctx.registry, req.body as string, actorOf(req)),
  );
}
