// CLI: the MQTT side (fleet, zigbee, scenario, load).
import { resolve } from 'node:path';
import { loadFleet, startFleet } from '../mqtt/fleet.ts';
import { formatProgress, runLoad } from '../mqtt/load.ts';
import { runScenario } from '../mqtt/scenario.ts';
import { startZigbeeBridge } from '../mqtt/zigbee.ts';
import { DEFAULT_MQTT_URL, int, logger, out, parse, untilSignal } from './common.ts';

const URL_HELP = `  --url URL            broker (default $LINLI_MQTT_URL or mqtt://127.0.0.1:1883)`;

export const FLEET_HELP = `linli-sim fleet [options]
  Every device of a fleet file as its own MQTT client (username = id, password = secret,
  clientId linli-{site}-{dev}, LWT), Zigbee devices behind a Zigbee2MQTT bridge, heartbeats,
  and daily door/access patterns. Runs until Ctrl-C.
Options:
${URL_HELP}
  --file FILE          fleet file (default fixtures/demo-fleet.json)
  --no-activity        no daily door/access patterns
  --speed N            compress the day N times (default 1; 600 = a day in 2.4 min)
  --hb S               heartbeat interval for every device (default: from the file)
  --log-level LEVEL`;

export const ZIGBEE_HELP = `linli-sim zigbee [options]
  A Zigbee2MQTT bridge publishing the fleet file's zigbee devices (TS0215A SOS button,
  MCCGQ11LM door contact) on zigbee2mqtt/<friendly_name>, with availability and bridge/state.
Options:
${URL_HELP}
  --file FILE          fleet file (default fixtures/demo-fleet.json)
  --report S           periodic state report every S seconds (default 60)
  --log-level LEVEL`;

export const SCENARIO_HELP = `linli-sim scenario <file.yaml|file.json> [options]
  Run a scenario: timed steps (press, double-press, open, close, force, hold, tamper, restore,
  access, battery, fault, crash, restart, expect-command, offline, online) on the devices of a
  fleet. Exits 0 when every step succeeded, 1 otherwise. Example: fixtures/scenarios/demo.yaml
Options:
${URL_HELP}
  --speed N            run N times faster (default 1)
  --keep-running       keep the fleet connected after the last step (until Ctrl-C)
  --log-level LEVEL`;

export const LOAD_HELP = `linli-sim load [options]
  Load mode: many devices from one process, each its own MQTT client, connected in batches,
  then events at a fixed rate; reports sent, acknowledged and PUBACK latency p50/p95/p99.
  Check 'ulimit -n' first: each client needs a file descriptor (the broker too, if local).
Options:
${URL_HELP}
  --count N            devices (default 10000)
  --batch N            concurrent connects (default 250)
  --rate R             events per second across the fleet (default 100)
  --duration S         seconds of sending (default 10), or --events N
  --events N           exact number of events
  --site SITE          site id (default 'load'); device ids load-00001…
  --prefix P           device id prefix (default 'load-')
  --secret S           password of every device (default 'load-secret')
  --hb S               heartbeat interval (default 60, 0 = none)
  --type TYPE          event type (default sos)
  --json               print the report as JSON
  --log-level LEVEL`;

export async function runFleetCli(argv: string[]): Promise<void> {
  const { values: v } = parse(argv, {
    url: { type: 'string' },
    file: { type: 'string' },
    'no-activity': { type: 'boolean' },
    speed: { type: 'string' },
    hb: { type: 'string' },
  });
  if (v.help) return out(FLEET_HELP);
  const log = logger('fleet', v['log-level']);
  const url = v.url ?? DEFAULT_MQTT_URL;
  const hb = int(v.hb, 'hb', 1);
  const fleet = await startFleet({
    url,
    ...(v.file ? { file: resolve(v.file) } : {}),
    activity: v['no-activity'] ? false : { speed: int(v.speed, 'speed', 1) ?? 1 },
    ...(hb ? { heartbeatIntervalS: hb } : {}),
    zigbeeReportIntervalS: 600,
    log,
  });
  out(`fleet ${fleet.site}: ${fleet.spec.devices.map((d) => d.id).join(', ')} → ${url}`);
  await untilSignal();
  await fleet.stop();
}

export async function runZigbeeCli(argv: string[]): Promise<void> {
  const { values: v } = parse(argv, {
    url: { type: 'string' },
    file: { type: 'string' },
    report: { type: 'string' },
  });
  if (v.help) return out(ZIGBEE_HELP);
  const log = logger('zigbee', v['log-level']);
  const spec = loadFleet(v.file ? resolve(v.file) : undefined);
  const zs = spec.devices.filter((d) => d.kind === 'zigbee');
  const bridge = await startZigbeeBridge({
    url: v.url ?? DEFAULT_MQTT_URL,
    ...(spec.zigbeeBridge ? { username: spec.zigbeeBridge.id, password: spec.zigbeeBridge.secret } : {}),
    devices: zs.map((d) => ({ friendlyName: d.id, model: d.model! })),
    reportIntervalS: int(v.report, 'report', 1) ?? 60,
    log,
  });
  out(`zigbee bridge: ${zs.map((d) => `${d.id} (${d.model})`).join(', ')}`);
  await untilSignal();
  await bridge.stop();
}

export async function runScenarioCli(argv: string[]): Promise<number> {
  const { values: v, positionals } = parse(
    argv,
    { url: { type: 'string' }, speed: { type: 'string' }, 'keep-running': { type: 'boolean' } },
    true,
  );
  if (v.help || positionals.length !== 1) {
    out(SCENARIO_HELP);
    return v.help ? 0 : 2;
  }
  const log = logger('scenario', v['log-level']);
  const report = await runScenario(resolve(positionals[0]!), {
    url: v.url ?? DEFAULT_MQTT_URL,
    speed: int(v.speed, 'speed', 0.001) ?? 1,
    keepRunning: v['keep-running'] ?? false,
    log,
  });
  for (const r of report.results) {
    out(
      `${r.ok ? 'ok  ' : 'FAIL'} ${String(r.index).padStart(3)} ${(r.at / 1000).toFixed(1).padStart(6)}s ${r.device} ${r.action}${r.detail ? ` — ${r.detail}` : ''}`,
    );
  }
  out(`${report.results.filter((r) => r.ok).length}/${report.results.length} steps ok`);
  if (report.fleet) {
    await untilSignal();
    await report.fleet.stop();
  }
  return report.ok ? 0 : 1;
}

export async function runLoadCli(argv: string[]): Promise<void> {
  const { values: v } = parse(argv, {
    url: { type: 'string' },
    count: { type: 'string' },
    batch: { type: 'string' },
    rate: { type: 'string' },
    duration: { type: 'string' },
    events: { type: 'string' },
    site: { type: 'string' },
    prefix: { type: 'string' },
    secret: { type: 'string' },
    hb: { type: 'string' },
    type: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (v.help) return out(LOAD_HELP);
  const log = logger('load', v['log-level']);
  const secret = v.secret ?? 'load-secret';
  const tty = process.stderr.isTTY;
  const events = int(v.events, 'events');
  const report = await runLoad({
    url: v.url ?? DEFAULT_MQTT_URL,
    count: int(v.count, 'count', 1) ?? 10_000,
    batchSize: int(v.batch, 'batch', 1) ?? 250,
    ratePerS: int(v.rate, 'rate', 0.1) ?? 100,
    durationS: int(v.duration, 'duration') ?? 10,
    ...(events !== undefined ? { events } : {}),
    ...(v.site ? { site: v.site } : {}),
    ...(v.prefix ? { idPrefix: v.prefix } : {}),
    secretFor: () => secret,
    heartbeatIntervalS: int(v.hb, 'hb') ?? 60,
    ...(v.type ? { eventType: v.type as never } : {}),
    onProgress: (p) => process.stderr.write(`${tty ? '\r' : ''}${formatProgress(p)}${tty ? '   ' : '\n'}`),
    log,
  });
  if (tty) process.stderr.write('\n');
  if (v.json) return out(JSON.stringify(report, null, 2));
  const l = report.latencyMs;
  out(
    `devices   ${report.connected}/${report.devices} connected in ${report.connectSeconds.toFixed(1)} s (${report.connectFailed} failed)`,
  );
  for (const e of report.connectErrors) out(`          error: ${e}`);
  out(
    `events    sent ${report.sent}, acked ${report.acked}, unacked ${report.unacked} (${report.ratePerS.toFixed(0)}/s)`,
  );
  out(
    `PUBACK    p50 ${l.p50.toFixed(1)} ms  p95 ${l.p95.toFixed(1)} ms  p99 ${l.p99.toFixed(1)} ms  max ${l.max.toFixed(1)} ms`,
  );
  out(`process   ulimit -n ${report.ulimitN ?? '?'}, heap ${report.heapMB} MB`);
}
