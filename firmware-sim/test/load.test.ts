// Load mode with a small count: every device is its own client; the report adds up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadProgress, runLoad } from '../src/index.ts';
import { type AedesBroker, startAedes } from './helpers/brokers.ts';

describe('load mode', () => {
  let broker: AedesBroker;
  beforeAll(async () => {
    broker = await startAedes();
  });
  afterAll(async () => {
    await broker.stop();
  });

  it('connects 200 separate clients in batches and reports sent, acked and PUBACK percentiles', async () => {
    const clientIds = new Set<string>();
    broker.aedes.on('client', (c) => clientIds.add(c.id));
    const progress: LoadProgress[] = [];
    const report = await runLoad({
      url: broker.url,
      count: 200,
      batchSize: 50,
      events: 300,
      ratePerS: 1000,
      heartbeatIntervalS: 0,
      onProgress: (p) => progress.push(p),
    });
    expect(report).toMatchObject({
      devices: 200,
      connected: 200,
      connectFailed: 0,
      sent: 300,
      acked: 300,
      unacked: 0,
    });
    expect(clientIds.size).toBe(200);
    expect(clientIds.has('linli-load-load-001')).toBe(true);
    const { p50, p95, p99, max } = report.latencyMs;
    expect(p50).toBeGreaterThan(0);
    expect(p50).toBeLessThanOrEqual(p95);
    expect(p95).toBeLessThanOrEqual(p99);
    expect(p99).toBeLessThanOrEqual(max);
    expect(progress.filter((p) => p.phase === 'connect').map((p) => p.connected)).toEqual([
      50, 100, 150, 200,
    ]);
    expect(progress.at(-1)?.phase).toBe('done');
    const evts = broker.published.filter((m) => m.topic.endsWith('/evt'));
    expect(evts).toHaveLength(300);
    expect(report.ulimitN).toBeGreaterThan(0);
  });

  it('reports devices that cannot connect instead of failing', async () => {
    const report = await runLoad({ url: 'mqtt://127.0.0.1:1', count: 3, events: 0, connectTimeoutMs: 2000 });
    expect(report).toMatchObject({ connected: 0, connectFailed: 3, sent: 0, acked: 0 });
    expect(report.connectErrors.length).toBeGreaterThan(0);
  });
});
