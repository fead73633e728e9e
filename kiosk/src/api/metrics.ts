// GET /metrics: Prometheus text exposition (format 0.0.4) of the kiosk service, without a session
// like GET /api/hardware/health and /api/queue (it carries nothing more than they do): device
// connection and state, printer paper, recent print jobs by state, the hardware counters, the
// waiting tickets per service, refused requests by code, open live streams. No ticket, name or
// ID number passes here.
import type { FastifyInstance } from 'fastify';
import type { DeviceName } from '../events.ts';
import type { Hardware } from '../hardware/types.ts';

const DEVICES: DeviceName[] = ['idcard', 'printer', 'scanner'];
const STATES = ['ok', 'warning', 'error', 'disconnected'] as const;
const PAPER = ['ok', 'near-end', 'out'] as const;
const JOB_STATES = ['queued', 'printing', 'printed', 'held', 'failed'] as const;
/** Print jobs looked at for linli_kiosk_print_jobs (the newest). */
const RECENT_JOBS = 1000;

type Labels = Record<string, string>;

/** What the figures are read from (the kiosk's services; a narrow view, no import of app.ts). */
export interface MetricsSources {
  hardware: Hardware | undefined;
  engine: { snapshot(): { services: { serviceId: string; waiting: number }[] } };
  refusals: Map<string, number>;
  live: { clientCount: number };
  publicLive: { clientCount: number };
}

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function family(name: string, type: 'gauge' | 'counter', help: string, samples: [Labels, number][]): string {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
  if (samples.length === 0) lines.push(`${name} 0`);
  for (const [labels, value] of samples) {
    const keys = Object.keys(labels).sort();
    const l = keys.length ? `{${keys.map((k) => `${k}="${esc(labels[k]!)}"`).join(',')}}` : '';
    lines.push(`${name}${l} ${Number.isFinite(value) ? value : 0}`);
  }
  return lines.join('\n');
}

export function renderKioskMetrics(k: MetricsSources): string {
  const parts: string[] = [];
  const hw = k.hardware;
  const health = hw ? hw.health() : [];
  parts.push(
    family(
      'linli_kiosk_device_connected',
      'gauge',
      '1 while the device is connected, by device (idcard, printer, scanner; configured ones only)',
      health.map((h) => [{ device: h.device }, h.connected ? 1 : 0]),
    ),
    family(
      'linli_kiosk_device_state',
      'gauge',
      "1 for the device's current state (ok, warning, error, disconnected), by device and state",
      health.flatMap((h) =>
        STATES.map((s): [Labels, number] => [{ device: h.device, state: s }, h.state === s ? 1 : 0]),
      ),
    ),
    family(
      'linli_kiosk_printer_paper',
      'gauge',
      "1 for the printer's paper state (ok, near-end, out)",
      health
        .filter((h) => h.device === 'printer' && h.paper)
        .flatMap((h) => PAPER.map((p): [Labels, number] => [{ state: p }, h.paper === p ? 1 : 0])),
    ),
  );
  const jobs = hw ? hw.printJobs(RECENT_JOBS) : [];
  parts.push(
    family(
      'linli_kiosk_print_jobs',
      'gauge',
      `Print jobs by state among the newest ${RECENT_JOBS}`,
      JOB_STATES.map((s) => [{ state: s }, jobs.filter((j) => j.state === s).length]),
    ),
  );
  const stats = hw?.stats?.() ?? {};
  parts.push(
    family(
      'linli_kiosk_hardware_total',
      'counter',
      'Hardware counters since start, by device and counter (polls, reads, errors, badFrames, timeouts, printed, scans, refused, connects)',
      DEVICES.flatMap((d) =>
        Object.entries(stats[d] ?? {})
          .filter(([, v]) => typeof v === 'number')
          .map(([c, v]): [Labels, number] => [{ device: d, counter: c }, v]),
      ),
    ),
  );
  const snapshot = k.engine.snapshot();
  parts.push(
    family(
      'linli_kiosk_queue_waiting',
      'gauge',
      'Tickets waiting today, by service',
      snapshot.services.map((s) => [{ service: s.serviceId }, s.waiting]),
    ),
    family(
      'linli_kiosk_http_refused_total',
      'counter',
      'Requests refused, by error code',
      [...k.refusals].sort().map(([code, n]) => [{ code }, n]),
    ),
    family('linli_kiosk_sse_clients', 'gauge', 'Open live-stream connections', [
      [{ stream: 'kiosk' }, k.live.clientCount],
      [{ stream: 'public' }, k.publicLive.clientCount],
    ]),
  );
  return `${parts.join('\n')}\n`;
}

export function metricsRoutes(app: FastifyInstance, k: MetricsSources): void {
  app.get('/metrics', async (_req, reply) => {
    reply.type('text/plain; version=0.0.4; charset=utf-8');
    return renderKioskMetrics(k);
  });
}
