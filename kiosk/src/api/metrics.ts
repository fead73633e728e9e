// GET /metrics: Prometheus text exposition (format 0.0.4, prom-client) of the kiosk service, without a session
// like GET /api/hardware/health and /api/queue (it carries nothing more than they do): device
// connection and state, printer paper, recent print jobs by state, the hardware counters, the
// waiting tickets per service, refused requests by code, open live streams. No ticket, name or
// ID number passes here.
import {
  type Labels,
  METRICS_CONTENT_TYPE,
  type Registry,
  scrapedCounter,
  scrapedGauge,
  serviceRegistry,
  stopDefaultMetrics,
} from '@linli/shared/service';
import type { FastifyInstance } from 'fastify';
import type { DeviceName } from '../events.ts';
import type { Hardware } from '../hardware/types.ts';

const DEVICES: DeviceName[] = ['idcard', 'printer', 'scanner'];
const STATES = ['ok', 'warning', 'error', 'disconnected'] as const;
const PAPER = ['ok', 'near-end', 'out'] as const;
const JOB_STATES = ['queued', 'printing', 'printed', 'held', 'failed'] as const;
/** Print jobs looked at for linli_kiosk_print_jobs (the newest). */
const RECENT_JOBS = 1000;

/** What the figures are read from (the kiosk's services; a narrow view, no import of app.ts). */
export interface MetricsSources {
  hardware: Hardware | undefined;
  engine: { snapshot(): { services: { serviceId: string; waiting: number }[] } };
  refusals: Map<string, number>;
  live: { clientCount: number };
  publicLive: { clientCount: number };
}

/**
 * This kiosk's registry (prom-client; one per app, several run in one process in the tests): the
 * default process metrics and the kiosk's families, every one read from its source when scraped.
 */
export function kioskRegistry(k: MetricsSources): Registry {
  const registry = serviceRegistry();
  const health = () => (k.hardware ? k.hardware.health() : []);
  scrapedGauge(
    registry,
    'linli_kiosk_device_connected',
    '1 while the device is connected, by device (idcard, printer, scanner; configured ones only)',
    ['device'],
    () => health().map((h) => [{ device: h.device }, h.connected ? 1 : 0]),
  );
  scrapedGauge(
    registry,
    'linli_kiosk_device_state',
    "1 for the device's current state (ok, warning, error, disconnected), by device and state",
    ['device', 'state'],
    () =>
      health().flatMap((h) =>
        STATES.map((s): [Labels, number] => [{ device: h.device, state: s }, h.state === s ? 1 : 0]),
      ),
  );
  scrapedGauge(
    registry,
    'linli_kiosk_printer_paper',
    "1 for the printer's paper state (ok, near-end, out)",
    ['state'],
    () =>
      health()
        .filter((h) => h.device === 'printer' && h.paper)
        .flatMap((h) => PAPER.map((p): [Labels, number] => [{ state: p }, h.paper === p ? 1 : 0])),
  );
  scrapedGauge(
    registry,
    'linli_kiosk_print_jobs',
    `Print jobs by state among the newest ${RECENT_JOBS}`,
    ['state'],
    () => {
      const jobs = k.hardware ? k.hardware.printJobs(RECENT_JOBS) : [];
      return JOB_STATES.map((s) => [{ state: s }, jobs.filter((j) => j.state === s).length]);
    },
  );
  scrapedCounter(
    registry,
    'linli_kiosk_hardware_total',
    'Hardware counters since start, by device and counter (polls, reads, errors, badFrames, timeouts, printed, scans, refused, connects)',
    ['device', 'counter'],
    () => {
      const stats = k.hardware?.stats?.() ?? {};
      return DEVICES.flatMap((d) =>
        Object.entries(stats[d] ?? {})
          .filter(([, v]) => typeof v === 'number')
          .map(([c, v]): [Labels, number] => [{ device: d, counter: c }, v]),
      );
    },
  );
  scrapedGauge(registry, 'linli_kiosk_queue_waiting', 'Tickets waiting today, by service', ['service'], () =>
    k.engine.snapshot().services.map((s) => [{ service: s.serviceId }, s.waiting]),
  );
  scrapedCounter(
    registry,
    'linli_kiosk_http_refused_total',
    'Requests refused, by error code',
    ['code'],
    () => [...k.refusals].sort().map(([code, n]) => [{ code }, n]),
  );
  scrapedGauge(registry, 'linli_kiosk_sse_clients', 'Open live-stream connections', ['stream'], () => [
    [{ stream: 'kiosk' }, k.live.clientCount],
    [{ stream: 'public' }, k.publicLive.clientCount],
  ]);
  return registry;
}

export function metricsRoutes(app: FastifyInstance, k: MetricsSources): void {
  const registry = kioskRegistry(k);
  app.addHook('onClose', async () => stopDefaultMetrics(registry));
  app.get('/metrics', async (_req, reply) => {
    reply.type(METRICS_CONTENT_TYPE);
    return registry.metrics();
  });
}
