// Values that cannot be right in a device payload (issue #10, defect 8): invalid UTF-8 and
// control characters are refused with a reason given as data; device times are judged.
import { describe, expect, it } from 'vitest';
import {
  DEVICE_CLOCK_TOLERANCE_MS,
  DeviceEventSchema,
  EARLIEST_DEVICE_TS,
  HeartbeatSchema,
  judgeDeviceTime,
  parsePayload,
} from '../src/index.ts';

const now = Date.UTC(2026, 11, 1, 23, 0);
const event = (over: Record<string, unknown>) =>
  Buffer.from(JSON.stringify({ id: 'e1', seq: 1, ts: now, type: 'sos', ...over }));

describe('device payload values', () => {
  it('refuses an event id with invalid UTF-8 as encoding, never stored lossily', () => {
    const bytes = Buffer.concat([
      Buffer.from('{"id":"bad'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(`","seq":1,"ts":${now},"type":"sos"}`),
    ]);
    const r = parsePayload(DeviceEventSchema, bytes);
    expect(r).toMatchObject({ ok: false, reason: 'encoding' });
  });

  it('refuses NUL and other control characters in ids, cards, notes and firmware names', () => {
    for (const over of [{ id: 'a\u0000b' }, { card: '12\u00003' }, { note: 'x\u0007' }, { id: '\u007f' }]) {
      expect(parsePayload(DeviceEventSchema, event(over))).toMatchObject({ ok: false, reason: 'schema' });
    }
    expect(parsePayload(HeartbeatSchema, Buffer.from(`{"ts":${now},"fw":"1.0\\u0000"}`))).toMatchObject({
      ok: false,
      reason: 'schema',
    });
    // Chinese text and ordinary punctuation stay fine
    expect(parsePayload(DeviceEventSchema, event({ id: 'e-1_2', note: '门口 按下 (test)' })).ok).toBe(true);
  });

  it('judges device times: impossible, skewed, ok', () => {
    expect(judgeDeviceTime(0, now)).toEqual({ verdict: 'impossible', reason: 'before-2020' });
    expect(judgeDeviceTime(EARLIEST_DEVICE_TS - 1, now)).toMatchObject({ verdict: 'impossible' });
    expect(judgeDeviceTime(8.64e15, now)).toEqual({ verdict: 'impossible', reason: 'too-far-ahead' });
    expect(judgeDeviceTime(now + 10 * 365 * 24 * 3600_000, now)).toMatchObject({ verdict: 'impossible' });
    expect(judgeDeviceTime(now - 3 * 3600_000, now)).toEqual({ verdict: 'skewed', skewMs: -3 * 3600_000 });
    expect(judgeDeviceTime(now + 30 * 24 * 3600_000, now)).toMatchObject({ verdict: 'skewed' });
    expect(judgeDeviceTime(now + DEVICE_CLOCK_TOLERANCE_MS, now)).toEqual({
      verdict: 'ok',
      skewMs: DEVICE_CLOCK_TOLERANCE_MS,
    });
  });
});
