// The metrics helpers on prom-client: a registry per instance, cells read at scrape time, labels in
// name order, the default process metrics.
import perfHooks from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import {
  CounterFamily,
  GaugeFamily,
  HistogramFamily,
  type Registry,
  runningDefaultMetrics,
  scrapedCounter,
  scrapedGauge,
  serviceRegistry,
  stopDefaultMetrics,
} from '../../service/metrics.ts';

/** Observations of nodejs_gc_duration_seconds in a registry (all kinds). */
async function gcCount(registry: Registry): Promise<number> {
  const metric = registry.getSingleMetric('nodejs_gc_duration_seconds');
  // a histogram's values carry the series name (_bucket, _sum, _count), untyped in prom-client
  const values = ((await metric?.get())?.values ?? []) as { metricName?: string; value: number }[];
  return values
    .filter((v) => v.metricName === 'nodejs_gc_duration_seconds_count')
    .reduce((sum, v) => sum + v.value, 0);
}

describe('service metrics', () => {
  it('renders counters, gauges and histograms from their cells, labels in name order', async () => {
    const registry = serviceRegistry({ defaultMetrics: false });
    const revisions = new CounterFamily(registry, 'x_revisions_total', 'Revisions', ['path', 'duplicate']);
    const untouched = new CounterFamily(registry, 'x_lost_total', 'Lost');
    const up = new GaugeFamily(registry, 'x_up', 'Up', ['path']);
    const latency = new HistogramFamily(registry, 'x_latency_seconds', 'Latency', [0.001, 0.005]);
    revisions.inc({ path: 'mqtt', duplicate: 'false' });
    const held = revisions.cell({ duplicate: 'false', path: 'mqtt' });
    held.value++;
    up.set(1, { path: 'webhook' });
    latency.observe(0.003);
    expect(revisions.get({ path: 'mqtt', duplicate: 'false' })).toBe(2);
    expect(untouched.get()).toBe(0);
    expect(latency.total).toBe(1);
    const text = await registry.metrics();
    expect(text).toContain('x_revisions_total{duplicate="false",path="mqtt"} 2');
    expect(text).toMatch(/^x_lost_total 0$/m);
    expect(text).toContain('x_up{path="webhook"} 1');
    expect(text).toContain('x_latency_seconds_bucket{le="0.005"} 1');
    expect(text).toContain('x_latency_seconds_bucket{le="0.001"} 0');
  });

  it('reads scraped figures at each scrape and drops label sets no longer there', async () => {
    const registry = serviceRegistry({ defaultMetrics: false });
    let waiting: [Record<string, string>, number][] = [[{ service: 'a' }, 3]];
    scrapedGauge(registry, 'x_waiting', 'Waiting', ['service'], () => waiting);
    scrapedCounter(registry, 'x_hw_total', 'Hardware', ['device', 'counter'], () => [
      [{ device: 'printer', counter: 'printed' }, 5],
      [{ device: 'printer', counter: 'odd' }, Number.NaN],
    ]);
    expect(await registry.metrics()).toContain('x_waiting{service="a"} 3');
    waiting = [[{ service: 'b' }, 1]];
    const text = await registry.metrics();
    expect(text).not.toContain('service="a"');
    expect(text).toContain('x_waiting{service="b"} 1');
    expect(text).toContain('x_hw_total{counter="printed",device="printer"} 5');
    expect(text).toContain('x_hw_total{counter="odd",device="printer"} 0');
  });

  it('gives each instance its own registry with the default process metrics', async () => {
    const one = serviceRegistry();
    const two = serviceRegistry();
    new CounterFamily(one, 'x_same_total', 'Same name in two registries');
    new CounterFamily(two, 'x_same_total', 'Same name in two registries');
    const text = await one.metrics();
    expect(text).toMatch(/^# TYPE process_cpu_user_seconds_total counter$/m);
    expect(text).toMatch(/^# TYPE nodejs_eventloop_lag_p99_seconds gauge$/m);
    stopDefaultMetrics(one);
    stopDefaultMetrics(two);
  });

  it('stops the default collectors of a registry: its GC observer hears no more collections', async () => {
    const { PerformanceObserver, monitorEventLoopDelay } = perfHooks;
    const before = runningDefaultMetrics();
    const stopped = serviceRegistry();
    const live = serviceRegistry();
    expect(runningDefaultMetrics()).toBe(before + 2);
    stopDefaultMetrics(stopped);
    stopDefaultMetrics(stopped); // twice is harmless
    expect(runningDefaultMetrics()).toBe(before + 1);
    // perf_hooks is itself again after the collectors were caught
    expect(perfHooks.PerformanceObserver).toBe(PerformanceObserver);
    expect(perfHooks.monitorEventLoopDelay).toBe(monitorEventLoopDelay);
    const deadline = Date.now() + 30_000;
    let garbage: number[][] = [];
    while ((await gcCount(live)) === 0 && Date.now() < deadline) {
      for (let i = 0; i < 2000; i++) garbage.push(new Array(100).fill(i));
      garbage = [];
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await gcCount(live)).toBeGreaterThan(0);
    expect(await gcCount(stopped)).toBe(0);
    // a stopped registry still answers a scrape
    expect(await stopped.metrics()).toMatch(/^# TYPE process_cpu_user_seconds_total counter$/m);
    stopDefaultMetrics(live);
    expect(runningDefaultMetrics()).toBe(before);
  });
});
