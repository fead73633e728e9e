// Prometheus metrics of a service with prom-client: one Registry per service instance (tests run
// several gateways and kiosks in one process), the default process metrics (CPU, memory, event
// loop lag, GC, handles) on it, and families whose hot path is a Map lookup and an addition:
// values live in cells, one per label set, created on first use and kept; prom-client reads them
// when /metrics is scraped (its `collect` hook). Code on a hot path holds the cell itself
// (`family.cell({ kind: 'hb' })`) and only adds. A service's stop() calls stopDefaultMetrics.
import perfHooks from 'node:perf_hooks';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export type Labels = Record<string, string>;

/** Content-Type of the text exposition format 0.0.4 that /metrics answers with. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** A registry for one service instance, with the default process metrics unless told not to.
 *  The owner calls stopDefaultMetrics(registry) when the service stops. */
export function serviceRegistry(o: { defaultMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  if (o.defaultMetrics ?? true) stoppers.set(registry, startDefaultMetrics(registry));
  return registry;
}

/**
 * Stops the default process collectors of a registry made by serviceRegistry (its event-loop
 * delay monitor and its GC observer); its process metrics stay readable. Harmless to call twice
 * or on a registry without them.
 */
export function stopDefaultMetrics(registry: Registry): void {
  stoppers.get(registry)?.();
  stoppers.delete(registry);
}

/** How many registries' default collectors are running in this process (for leak tests). */
export function runningDefaultMetrics(): number {
  return running;
}

const stoppers = new WeakMap<Registry, () => void>();
let running = 0;

type PerfHooks = {
  monitorEventLoopDelay: typeof perfHooks.monitorEventLoopDelay;
  PerformanceObserver: typeof perfHooks.PerformanceObserver;
};

/**
 * collectDefaultMetrics starts two things per call that prom-client gives no handle to stop: an
 * event-loop delay monitor (a timer) and a PerformanceObserver on GC. They are caught as they are
 * made (perf_hooks wrapped for the one synchronous call, then restored) so that stop can end them.
 */
function startDefaultMetrics(registry: Registry): () => void {
  const hooks = perfHooks as unknown as PerfHooks;
  const { monitorEventLoopDelay, PerformanceObserver } = hooks;
  const stops: (() => void)[] = [];
  hooks.monitorEventLoopDelay = (options) => {
    const histogram = monitorEventLoopDelay(options);
    stops.push(() => histogram.disable());
    return histogram;
  };
  hooks.PerformanceObserver = class extends PerformanceObserver {
    constructor(callback: ConstructorParameters<typeof PerformanceObserver>[0]) {
      super(callback);
      stops.push(() => this.disconnect());
    }
  };
  try {
    collectDefaultMetrics({ register: registry });
  } finally {
    hooks.monitorEventLoopDelay = monitorEventLoopDelay;
    hooks.PerformanceObserver = PerformanceObserver;
  }
  running++;
  return () => {
    for (const stop of stops) stop();
    running--;
  };
}

/** One label set's value. */
export interface Cell {
  readonly labels: Labels;
  value: number;
}

abstract class CellFamily {
  private readonly cells = new Map<string, Cell>();
  private readonly labelNames: string[];

  constructor(labelNames: readonly string[]) {
    // labels rendered in name order, as the hand-written exposition did
    this.labelNames = [...labelNames].sort();
  }

  /** The cell of a label set (created at 0 on first use). Hold it on a hot path. */
  cell(labels: Labels = {}): Cell {
    const names = this.labelNames;
    const key =
      names.length === 1 ? (labels[names[0]!] ?? '') : names.map((n) => labels[n] ?? '').join('\u0000');
    let cell = this.cells.get(key);
    if (!cell) {
      const ordered: Labels = {};
      for (const n of names) ordered[n] = String(labels[n] ?? '');
      cell = { labels: ordered, value: 0 };
      this.cells.set(key, cell);
    }
    return cell;
  }

  get(labels: Labels = {}): number {
    return this.cell(labels).value;
  }

  /** Every label set used so far with its value (for reports; a scrape reads the same cells). */
  samples(): [Labels, number][] {
    return [...this.cells.values()].map((c) => [c.labels, c.value]);
  }
}

export class CounterFamily extends CellFamily {
  constructor(registry: Registry, name: string, help: string, labelNames: readonly string[] = []) {
    super(labelNames);
    scrapedCounter(registry, name, help, labelNames, () => this.samples());
  }

  inc(labels?: Labels, by = 1): void {
    this.cell(labels).value += by;
  }
}

export class GaugeFamily extends CellFamily {
  /** Called before a scrape (and a get), to refresh values that change with time. */
  collect: (() => void) | undefined;

  constructor(registry: Registry, name: string, help: string, labelNames: readonly string[] = []) {
    super(labelNames);
    scrapedGauge(registry, name, help, labelNames, () => {
      this.collect?.();
      return this.samples();
    });
  }

  set(value: number, labels?: Labels): void {
    this.cell(labels).value = value;
  }

  override get(labels: Labels = {}): number {
    this.collect?.();
    return super.get(labels);
  }
}

/** A histogram without labels; prom-client keeps the buckets. */
export class HistogramFamily {
  private readonly histogram: Histogram;
  private count = 0;

  constructor(registry: Registry, name: string, help: string, buckets: number[]) {
    this.histogram = new Histogram({ name, help, buckets, registers: [registry] });
  }

  observe(value: number): void {
    this.count++;
    this.histogram.observe(value);
  }

  /** Observations so far. */
  get total(): number {
    return this.count;
  }
}

type Read = () => [Labels, number][];

/** Registers a family whose samples `read` returns at each scrape. */
export type ScrapedFamily = (
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly string[],
  read: Read,
) => void;

/**
 * A gauge read from its sources at scrape time only (nothing on any hot path): `read` returns the
 * samples, label sets absent from it are dropped.
 */
export const scrapedGauge: ScrapedFamily = (...args) => scraped(Gauge, ...args);

/** The same for a counter whose total is kept elsewhere (a device driver's counters, cells). */
export const scrapedCounter: ScrapedFamily = (...args) => scraped(Counter, ...args);

function scraped(
  Kind: typeof Gauge | typeof Counter,
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly string[],
  read: Read,
): void {
  const counter = Kind === Counter;
  new Kind({
    name,
    help,
    labelNames,
    registers: [registry],
    collect(this: Gauge | Counter) {
      this.reset();
      for (const [labels, raw] of read()) {
        const value = Number.isFinite(raw) && (!counter || raw > 0) ? raw : 0;
        if (this instanceof Gauge) this.set(sorted(labels), value);
        else this.inc(sorted(labels), value);
      }
    },
  });
}

/** Labels in name order (prom-client renders them in the object's order). */
function sorted(labels: Labels): Labels {
  const out: Labels = {};
  for (const name of Object.keys(labels).sort()) out[name] = labels[name]!;
  return out;
}

export type { Registry } from 'prom-client';
