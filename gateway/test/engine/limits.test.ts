import { memoryLogger } from '@linli/shared/service';
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/broker/rate-limit.ts';
import { GatewayBus } from '../../src/bus.ts';
import { Refusals } from '../../src/ingest/refusals.ts';
import { Metrics } from '../../src/metrics.ts';

describe('rate limiter', () => {
  it('allows a burst, then the average rate, per key', () => {
    let t = 0;
    const rl = new RateLimiter(2, 3, () => t);
    expect([rl.take('a'), rl.take('a'), rl.take('a'), rl.take('a')]).toEqual([true, true, true, false]);
    expect(rl.take('b')).toBe(true); // another device has its own budget
    t += 500; // half a second at 2/s: one token back
    expect([rl.take('a'), rl.take('a')]).toEqual([true, false]);
    t += 10_000;
    expect([rl.take('a'), rl.take('a'), rl.take('a'), rl.take('a')]).toEqual([true, true, true, false]);
    rl.forget('a');
    expect(rl.take('a')).toBe(true);
  });
});

describe('refusals', () => {
  it('counts every refusal, announces it, and logs at most 20 per reason per minute', () => {
    const { log, records: lines } = memoryLogger('warn');
    const metrics = new Metrics();
    const bus = new GatewayBus();
    const seen: string[] = [];
    bus.on('message.refused', (r) => seen.push(r.reason));
    let now = 0;
    const r = new Refusals(metrics, bus, log, () => now);
    for (let i = 0; i < 50; i++) r.refuse({ reason: 'schema', topic: 't', detail: 'bad' });
    r.refuse({ reason: 'acl', detail: 'x' });
    expect(metrics.refused.get({ reason: 'schema' })).toBe(50);
    expect(seen).toHaveLength(51);
    expect(lines.filter((l) => l.msg === 'refused')).toHaveLength(21);
    now += 60_000;
    r.refuse({ reason: 'schema' });
    expect(lines).toContainEqual({
      level: 'warn',
      msg: 'refusals not logged',
      fields: { reason: 'schema', count: 30 },
    });
    expect(lines.at(-1)).toMatchObject({ msg: 'refused', fields: { reason: 'schema' } });
  });

  it('a throwing bus listener does not break the engine', () => {
    const bus = new GatewayBus();
    const got: number[] = [];
    const warn = process.emitWarning;
    process.emitWarning = () => {};
    try {
      bus.on('event.stored', () => {
        throw new Error('listener bug');
      });
      bus.on('event.stored', (e) => got.push(e.at));
      bus.emit('event.stored', { deviceId: 'd', type: 'sos', at: 7 });
    } finally {
      process.emitWarning = warn;
    }
    expect(got).toEqual([7]);
  });
});
