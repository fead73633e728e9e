import type { Static } from '@sinclair/typebox';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ValidationError } from '../src/errors.ts';
import {
  CenterAckSchema,
  type CenterAlert,
  CenterAlertSchema,
  CONTACT_ID,
  type DeviceCommand,
  DeviceCommandSchema,
  type DeviceEvent,
  DeviceEventSchema,
  DeviceStatusSchema,
  describeContactId,
  EVENT_TYPES,
  GatewayStatusSchema,
  type Heartbeat,
  HeartbeatSchema,
  MAX_PAYLOAD_BYTES,
  parsePayload,
  parseTopic,
  severityOf,
  TOPIC_FILTERS,
  TOPIC_SCHEMAS,
  topics,
  validate,
} from '../src/mqtt/index.ts';
import { randomBytes } from './helpers/bytes.ts';

describe('topics', () => {
  it('builds every v1 topic', () => {
    expect(topics.evt('s1', 'd-01')).toBe('linli/v1/s1/dev/d-01/evt');
    expect(topics.hb('s1', 'd_1')).toBe('linli/v1/s1/dev/d_1/hb');
    expect(topics.status('s1', 'd1')).toBe('linli/v1/s1/dev/d1/status');
    expect(topics.cmd('s1', 'd1')).toBe('linli/v1/s1/dev/d1/cmd');
    expect(topics.gatewayStatus('s1')).toBe('linli/v1/s1/gateway/status');
    expect(topics.centerAlert('s1')).toBe('linli/v1/center/s1/alert');
    expect(topics.centerAck('s1')).toBe('linli/v1/center/s1/ack');
  });

  it('refuses ids that would break or widen a topic', () => {
    for (const bad of ['', '+', '#', 'a/b', 'x'.repeat(65), '设备', 'a b']) {
      expect(() => topics.evt('s1', bad)).toThrow(ValidationError);
      expect(() => topics.centerAck(bad)).toThrow(/site id/);
    }
  });

  it('parses what it builds, and the filters match the shape', () => {
    expect(parseTopic(topics.evt('s1', 'd1'))).toEqual({ kind: 'evt', site: 's1', dev: 'd1' });
    expect(parseTopic(topics.hb('s1', 'd1'))).toEqual({ kind: 'hb', site: 's1', dev: 'd1' });
    expect(parseTopic(topics.status('s1', 'd1'))).toEqual({ kind: 'status', site: 's1', dev: 'd1' });
    expect(parseTopic(topics.cmd('s1', 'd1'))).toEqual({ kind: 'cmd', site: 's1', dev: 'd1' });
    expect(parseTopic(topics.gatewayStatus('s1'))).toEqual({ kind: 'gateway-status', site: 's1' });
    expect(parseTopic(topics.centerAlert('s1'))).toEqual({ kind: 'center-alert', site: 's1' });
    expect(parseTopic(topics.centerAck('s1'))).toEqual({ kind: 'center-ack', site: 's1' });
    expect(parseTopic('linli/v1/center/gateway/status')).toEqual({ kind: 'gateway-status', site: 'center' });
    expect(parseTopic('linli/v1/center/dev/d1/evt')).toEqual({ kind: 'evt', site: 'center', dev: 'd1' });
    expect(TOPIC_FILTERS.evt).toBe('linli/v1/+/dev/+/evt');
    expect(TOPIC_FILTERS.centerAck).toBe('linli/v1/center/+/ack');
  });

  it('returns undefined for anything else', () => {
    for (const t of [
      '',
      'linli/v1',
      'linli/v1/',
      'linli/v2/s1/dev/d1/evt',
      'linli/v1/s1/dev/d1/evt/x',
      'linli/v1/s1/dev/d1/other',
      'linli/v1/s1/dvc/d1/evt',
      'linli/v1/s+/dev/d1/evt',
      'linli/v1/s1/dev/+/evt',
      'linli/v1/s1/dev//evt',
      'linli/v1/center/s1/other',
      'linli/v1/center/s#/ack',
      'linli/v1/s1/gateway/state',
      'linli/v1/s1/gw',
      `linli/v1/${'a'.repeat(300)}`,
      'zigbee2mqtt/button',
    ]) {
      expect(parseTopic(t), t).toBeUndefined();
    }
    expect(parseTopic(42 as unknown as string)).toBeUndefined();
  });
});

describe('payload schemas', () => {
  const evt: DeviceEvent = { id: 'e-1', seq: 1, ts: 1_700_000_000_000, type: 'sos' };

  it('accepts good payloads from Buffers and strings', () => {
    expect(parsePayload(DeviceEventSchema, Buffer.from(JSON.stringify(evt)))).toEqual({
      ok: true,
      value: evt,
    });
    const full = { ...evt, type: 'access.denied', card: '0012345', battery: 87.5, note: '' };
    expect(parsePayload(DeviceEventSchema, JSON.stringify(full))).toEqual({ ok: true, value: full });
    const hb: Heartbeat = { ts: 1, battery: 100, rssi: -71, fw: '1.2.3' };
    expect(parsePayload(HeartbeatSchema, JSON.stringify(hb)).ok).toBe(true);
    expect(parsePayload(DeviceStatusSchema, '{"online":false}').ok).toBe(true);
    const cmd: DeviceCommand = { type: 'alert.received', alertId: 'a1', ts: 5 };
    expect(parsePayload(DeviceCommandSchema, JSON.stringify(cmd)).ok).toBe(true);
    expect(parsePayload(GatewayStatusSchema, '{"online":true,"version":"0.1.0"}').ok).toBe(true);
    const alert: CenterAlert = {
      alertId: 'A-1',
      rev: 3,
      site: 's1',
      dev: 'd1',
      type: 'sos',
      severity: 'critical',
      state: 'acknowledged',
      contactId: '1101',
      raisedAt: 1,
      updatedAt: 2,
      count: 2,
      location: '3栋2单元501',
      resident: '张*明',
      by: 'op1',
    };
    expect(parsePayload(CenterAlertSchema, JSON.stringify(alert))).toEqual({ ok: true, value: alert });
    expect(
      parsePayload(
        CenterAckSchema,
        JSON.stringify({ alertId: 'A-1', rev: 3, state: 'resolved', by: 'op', at: 9 }),
      ).ok,
    ).toBe(true);
  });

  it('rejects additional properties, wrong types and out-of-range values, saying where', () => {
    const no = (schema: Parameters<typeof parsePayload>[0], value: unknown) => {
      const r = parsePayload(schema, JSON.stringify(value));
      expect(r.ok, JSON.stringify(value)).toBe(false);
      return r.ok ? [] : r.errors;
    };
    expect(no(DeviceEventSchema, { ...evt, extra: 1 }).join()).toMatch(/extra|additional/i);
    expect(no(DeviceEventSchema, { ...evt, type: 'party' }).join()).toContain('/type');
    expect(no(DeviceEventSchema, { ...evt, seq: -1 }).join()).toContain('/seq');
    expect(no(DeviceEventSchema, { ...evt, seq: 1.5 }).join()).toContain('/seq');
    expect(no(DeviceEventSchema, { ...evt, id: '' }).join()).toContain('/id');
    expect(no(DeviceEventSchema, { ...evt, id: 'x'.repeat(65) }).join()).toContain('/id');
    expect(no(DeviceEventSchema, { ...evt, battery: 101 }).join()).toContain('/battery');
    expect(no(DeviceEventSchema, { ...evt, note: 'n'.repeat(201) }).join()).toContain('/note');
    expect(no(DeviceEventSchema, { seq: 1, ts: 1, type: 'sos' }).join()).toContain('/id');
    expect(no(DeviceEventSchema, [evt]).length).toBeGreaterThan(0);
    expect(no(DeviceEventSchema, null).length).toBeGreaterThan(0);
    expect(no(HeartbeatSchema, { ts: -1 }).join()).toContain('/ts');
    expect(no(HeartbeatSchema, { ts: 1, rssi: 'strong' }).join()).toContain('/rssi');
    expect(no(DeviceStatusSchema, { online: 'yes' }).join()).toContain('/online');
    expect(no(DeviceStatusSchema, { online: true, since: 1 }).length).toBeGreaterThan(0);
    expect(no(DeviceCommandSchema, { type: 'alert.received' }).join()).toContain('/ts');
    expect(no(DeviceCommandSchema, { type: 'reboot', ts: 1 }).join()).toContain('/type');
    expect(no(GatewayStatusSchema, { online: true }).join()).toContain('/version');
    const alert = {
      alertId: 'A',
      rev: 0,
      site: 's1',
      type: 'sos',
      severity: 'critical',
      state: 'raised',
      raisedAt: 1,
      updatedAt: 1,
      count: 1,
    };
    expect(parsePayload(CenterAlertSchema, JSON.stringify(alert)).ok).toBe(true);
    expect(no(CenterAlertSchema, { ...alert, resident: '张三明' }).join()).toContain('/resident');
    expect(no(CenterAlertSchema, { ...alert, site: 'a/b' }).join()).toContain('/site');
    expect(no(CenterAlertSchema, { ...alert, contactId: '2101' }).join()).toContain('/contactId');
    expect(no(CenterAlertSchema, { ...alert, severity: 'huge' }).join()).toContain('/severity');
    expect(no(CenterAlertSchema, { ...alert, count: 0 }).join()).toContain('/count');
    expect(no(CenterAckSchema, { alertId: 'A', rev: 1, state: 'gone', by: 'x', at: 1 }).join()).toContain(
      '/state',
    );
  });

  it('refuses oversize payloads before parsing them', () => {
    const big = JSON.stringify({ ...evt, note: 'x'.repeat(MAX_PAYLOAD_BYTES) });
    const r = parsePayload(DeviceEventSchema, big);
    expect(r).toEqual({
      ok: false,
      errors: [`payload is ${big.length} bytes, the limit is 4096`],
      reason: 'oversize',
    });
    // counted in bytes, not characters: 1366 × 3-byte characters
    const wide = parsePayload(DeviceEventSchema, '邻'.repeat(1366));
    expect(wide.ok === false && wide.errors[0]).toBe('payload is 4098 bytes, the limit is 4096');
    const notJsonButHuge = Buffer.alloc(MAX_PAYLOAD_BYTES + 1, 0x7b);
    expect(parsePayload(DeviceEventSchema, notJsonButHuge).ok).toBe(false);
  });

  it('never throws: empty, not JSON, not UTF-8, not a buffer, random bytes', () => {
    expect(parsePayload(DeviceStatusSchema, '')).toEqual({
      ok: false,
      errors: ['payload is not JSON: it is empty'],
      reason: 'json',
    });
    const nj = parsePayload(DeviceStatusSchema, '{online:true}');
    expect(nj.ok === false && nj.errors[0]).toMatch(/^payload is not JSON: /);
    expect(nj.ok === false && nj.reason).toBe('json');
    const schema = parsePayload(DeviceStatusSchema, '{}');
    expect(schema.ok === false && schema.reason).toBe('schema');
    expect(parsePayload(DeviceStatusSchema, Buffer.from([0xff, 0xfe, 0x7b])).ok).toBe(false);
    expect(parsePayload(DeviceStatusSchema, 42 as unknown as string)).toEqual({
      ok: false,
      errors: ['payload is not JSON: not a Buffer or a string'],
      reason: 'json',
    });
    expect(
      parsePayload(DeviceStatusSchema, new Uint8Array(Buffer.from('{"online":true}')) as Buffer).ok,
    ).toBe(true);
    expect(parsePayload(DeviceStatusSchema, '{"online":true,"__proto__":{"x":1}}').ok).toBe(false);
    for (let seed = 1; seed <= 200; seed++) {
      expect(parsePayload(DeviceEventSchema, randomBytes(seed * 20, seed)).ok).toBe(false);
    }
  });

  it('keeps at most 10 error messages', () => {
    const r = validate(CenterAlertSchema, {
      a: 1,
      b: 2,
      c: 3,
      d: 4,
      e: 5,
      f: 6,
      g: 7,
      h: 8,
      i: 9,
      j: 10,
      k: 11,
    });
    expect(r.ok === false && r.errors.length).toBe(10);
  });

  it('maps each topic kind to its schema', () => {
    expect(TOPIC_SCHEMAS.evt).toBe(DeviceEventSchema);
    expect(TOPIC_SCHEMAS['center-ack']).toBe(CenterAckSchema);
    expect(Object.keys(TOPIC_SCHEMAS).sort()).toEqual(
      ['center-ack', 'center-alert', 'cmd', 'evt', 'gateway-status', 'hb', 'status'].sort(),
    );
  });

  it('has TypeScript interfaces that match the schemas', () => {
    expectTypeOf<Static<typeof DeviceEventSchema>>().toEqualTypeOf<DeviceEvent>();
    expectTypeOf<Static<typeof HeartbeatSchema>>().toEqualTypeOf<Heartbeat>();
    expectTypeOf<Static<typeof DeviceCommandSchema>>().toEqualTypeOf<DeviceCommand>();
    expectTypeOf<Static<typeof CenterAlertSchema>>().toEqualTypeOf<CenterAlert>();
  });
});

describe('Contact ID', () => {
  it('has a code for every event type', () => {
    for (const t of EVENT_TYPES) expect(CONTACT_ID[t], t).toMatch(/^[136]\d{3}$/);
    expect(Object.keys(CONTACT_ID).sort()).toEqual([...EVENT_TYPES].sort());
    expect(CONTACT_ID.sos).toBe('1101');
    expect(CONTACT_ID['sos.cancel']).toBe('3101');
    expect(CONTACT_ID['door.forced']).toBe('1423');
    expect(CONTACT_ID['door.held']).toBe('1426');
    expect(CONTACT_ID.tamper).toBe('1137');
    expect(CONTACT_ID['tamper.restore']).toBe('3137');
    expect(CONTACT_ID['access.denied']).toBe('1421');
    expect(CONTACT_ID['battery.low']).toBe('1302');
  });

  it('describes codes', () => {
    expect(describeContactId('1101')).toBe('new event: personal emergency');
    expect(describeContactId('3137')).toBe('restore: tamper');
    expect(describeContactId('6999')).toBe('still present: event 999');
    expect(describeContactId('2101')).toBeUndefined();
    for (const t of EVENT_TYPES) expect(describeContactId(CONTACT_ID[t])).not.toMatch(/event \d/);
  });

  it('gives the severity an event raises', () => {
    expect(severityOf('sos')).toBe('critical');
    expect(severityOf('fall')).toBe('critical');
    expect(severityOf('door.forced')).toBe('major');
    expect(severityOf('tamper')).toBe('major');
    expect(severityOf('door.held')).toBe('minor');
    expect(severityOf('battery.low')).toBe('warning');
    for (const t of [
      'sos.cancel',
      'door.open',
      'door.close',
      'tamper.restore',
      'access.granted',
      'access.denied',
      'test',
    ] as const) {
      expect(severityOf(t)).toBeUndefined();
    }
    expect(severityOf('toString' as never)).toBeUndefined();
  });
});
