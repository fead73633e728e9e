// Load mode at full size: 10,000 simulated devices, each its own MQTT client (clean:false, LWT,
// retained status, cmd subscription, heartbeats), against a plain aedes broker (not the gateway)
// in its own process — 10,000 sockets on each side would not fit one process's `ulimit -n`.
// Then SOS events at a fixed rate while everyone stays connected and heartbeating; reports the
// PUBACK latency percentiles of the raw broker (the baseline for the gateway's own figures).
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openFileLimit, runLoad } from '../firmware-sim/src/index.ts';
import type { BenchResult } from './types.ts';

const DEVICES = Number(process.env.LINLI_BENCH_LOAD_DEVICES ?? 10_000);
const RATE = 200; // events/s across the fleet
const SECONDS = 10;
const BROKER = fileURLToPath(new URL('../firmware-sim/src/broker/aedes-process.ts', import.meta.url));

async function startBroker(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', BROKER], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('aedes broker process did not start')), 20_000);
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /LISTENING (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`aedes broker exited ${code}`)));
  });
  return { url: `mqtt://127.0.0.1:${port}`, child };
}

export async function run(): Promise<BenchResult[]> {
  const ulimit = openFileLimit();
  const { url, child } = await startBroker();
  try {
    let last = 0;
    const report = await runLoad({
      url,
      count: DEVICES,
      batchSize: 500,
      ratePerS: RATE,
      durationS: SECONDS,
      heartbeatIntervalS: 60,
      connectTimeoutMs: 90_000,
      onProgress: (p) => {
        if (p.phase === 'connect' && p.connected + p.failed - last >= 1000) {
          last = p.connected + p.failed;
          console.log(`    connected ${p.connected}/${p.total}${p.failed ? ` (failed ${p.failed})` : ''}`);
        }
      },
    });
    const l = report.latencyMs;
    const base = `raw aedes 1.x in its own process, ${report.connected} clients connected, ${RATE} SOS/s for ${SECONDS} s`;
    const detail = `connect ${report.connectSeconds.toFixed(1)} s; sent ${report.sent}, acked ${report.acked}; ulimit -n ${ulimit ?? '?'}; heap ${report.heapMB} MB`;
    console.log(`    ${detail}; p50 ${l.p50.toFixed(1)} p95 ${l.p95.toFixed(1)} p99 ${l.p99.toFixed(1)} ms`);
    return [
      {
        name: `load mode: devices connected, each its own MQTT client`,
        value: report.connected,
        unit: 'devices',
        target: `= ${DEVICES.toLocaleString('en')}`,
        pass: report.connected === DEVICES,
        detail: `${report.connectFailed} failed; connected in ${report.connectSeconds.toFixed(1)} s (500 connects in flight)`,
      },
      {
        name: `load mode: events acknowledged (PUBACK)`,
        value: report.acked,
        unit: 'events',
        target: `= sent (${report.sent})`,
        pass: report.sent > 0 && report.acked === report.sent,
        detail,
      },
      {
        name: 'load mode: PUBACK p50, raw broker baseline',
        value: Number(l.p50.toFixed(2)),
        unit: 'ms',
        target: 'informational',
        pass: Number.isFinite(l.p50),
        baseline: base,
      },
      {
        name: 'load mode: PUBACK p95, raw broker baseline',
        value: Number(l.p95.toFixed(2)),
        unit: 'ms',
        target: 'informational',
        pass: Number.isFinite(l.p95),
        baseline: base,
      },
      {
        name: 'load mode: PUBACK p99, raw broker baseline (gateway target ≤ 50 ms)',
        value: Number(l.p99.toFixed(2)),
        unit: 'ms',
        target: '≤ 50 ms',
        pass: l.p99 <= 50,
        baseline: base,
        detail: `max ${l.max.toFixed(1)} ms, mean ${l.mean.toFixed(1)} ms`,
      },
    ];
  } finally {
    child.stdin!.end();
    child.kill('SIGTERM');
  }
}
