// Devices: list with live state (operator+); provision, update, retire, rotate, CSV import (admin).

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { LinliError } from '@linli/shared';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { importDevicesCsv } from '../../registry/import.ts';
import type { RegistryDevice } from '../../registry/registry.ts';
import { DeviceInputSchema, DeviceKindSchema, DevicePatchSchema, IdString } from '../../registry/schemas.ts';
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

export function deviceRoutes(root: FastifyInstance, ctx: RouteContext): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const operator = { onRequest: requireRole('operator') };
  const admin = { onRequest: requireRole('admin') };

  const withState = (device: RegistryDevice) => {
    const state = ctx.deviceState.peek(device.id);
    const resident = device.residentId ? ctx.registry.resident(device.residentId) : undefined;
    return {
      ...device,
      online: device.retired ? false : (state?.online ?? null),
      battery: state?.battery ?? null,
      lastSeen: state?.lastSeen ?? null,
      // the device's own last word: its retained status, or its last will when the link dropped
      connected: device.retired ? false : (state?.connected ?? null),
      // ok | skewed | invalid, from the times the device sends (null: never found wrong)
      clock: ctx.deviceClocks?.peek(device.id) ?? null,
      ...(state?.tamper !== undefined ? { tamper: state.tamper } : {}),
      ...(state?.batteryLow !== undefined ? { batteryLow: state.batteryLow } : {}),
      resident: resident ? { id: resident.id, name: resident.name, livesAlone: resident.livesAlone } : null,
    };
  };

  app.get('/api/devices', { ...operator, schema: { querystring: ListQuery } }, async (req) => {
    const query = req.query;
    // at the center: the stations' registries as they summarise them (center/devices.ts)
    if (ctx.center) {
      const found = await ctx.center.devices.list({
        ...(query.site ? { site: query.site } : {}),
        ...(query.kind ? { kind: query.kind } : {}),
        ...(query.grid ? { grid: query.grid } : {}),
        ...(query.building ? { building: query.building } : {}),
        ...(query.resident ? { resident: query.resident } : {}),
        ...(query.online !== undefined ? { online: query.online } : {}),
      });
      const offset = query.offset ?? 0;
      return { total: found.length, devices: found.slice(offset, offset + (query.limit ?? 1000)) };
    }
    let all = ctx.registry.list({
      ...(query.site ? { site: query.site } : {}),
      ...(query.kind ? { kind: query.kind } : {}),
      ...(query.grid ? { grid: query.grid } : {}),
      ...(query.building ? { building: query.building } : {}),
      ...(query.resident ? { residentId: query.resident } : {}),
      ...(query.retired !== undefined ? { retired: query.retired } : {}),
    });
    // the online filter needs the live state of every device; otherwise only the page's
    if (query.online !== undefined) {
      all = all.filter(
        (d) => (d.retired ? false : (ctx.deviceState.peek(d.id)?.online ?? null)) === query.online,
      );
    }
    const total = all.length;
    const offset = query.offset ?? 0;
    const devices = all.slice(offset, offset + (query.limit ?? 1000)).map(withState);
    return { total, devices };
  });

  app.get('/api/devices/:id', { ...operator, schema: { params: IdParams } }, async (req) => {
    const { id } = req.params;
    const device = ctx.registry.get(id);
    const summarised = device ? undefined : await ctx.center?.devices.get(id);
    if (summarised) return { device: summarised };
    if (!device) throw new LinliError('DEVICE_NOT_FOUND', `device ${id} not found`);
    return { device: withState(device) };
  });

  app.post('/api/devices', { ...admin, schema: { body: DeviceInputSchema } }, async (req, reply) => {
    const res = await ctx.registry.provisionAsync(req.body, actorOf(req));
    return reply
      .code(201)
      .send({ device: withState(res.device), ...(res.secret ? { secret: res.secret } : {}) });
  });

  app.patch(
    '/api/devices/:id',
    { ...admin, schema: { params: IdParams, body: DevicePatchSchema } },
    async (req) => {
      const { id } = req.params;
      return { device: withState(ctx.registry.update(id, req.body, actorOf(req))) };
    },
  );

  app.post(
    '/api/devices/:id/retire',
    { ...admin, schema: { params: IdParams, body: RetireBody } },
    async (req) => {
      const { id } = req.params;
      const reason = req.body?.reason;
      return { device: withState(ctx.registry.retire(id, actorOf(req), reason)) };
    },
  );

  app.post(
    '/api/devices/:id/secret',
    { ...admin, schema: { params: IdParams, body: SecretBody } },
    async (req) => {
      const { id } = req.params;
      const given = req.body?.secret;
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
    async (req) => importDevicesCsv(ctx.registry, req.body, actorOf(req)),
  );
}
