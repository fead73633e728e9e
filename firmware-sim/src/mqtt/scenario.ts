// Scenarios from a file (JSON or YAML): who presses what when, so a demo or a test is reproducible.
//
//   site: demo                        # optional, overrides the fleet's site
//   fleet: ../fixtures/demo-fleet.json # or devices: [...] inline (same shape as a fleet file)
//   steps:
//     - at: 0                         # seconds after the start (or `after:` seconds after the previous step)
//       device: pendant-101
//       action: press
//     - after: 2
//       device: access-401
//       action: access
//       card: "12345678"
//       granted: false
//     - after: 1
//       device: pendant-101
//       action: fault
//       fault: duplicate
//     - after: 0
//       device: pendant-101
//       action: expect-command
//       command: alert.received
//       timeoutS: 10
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { SimError } from '../errors.ts';
import { type Logger, silentLogger } from '../log.ts';
import { sleep } from '../util.ts';
import type { DeviceFault } from './device.ts';
import { checkFleet, type Fleet, type FleetSpec, loadFleet, startFleet } from './fleet.ts';

export const SCENARIO_ACTIONS = [
  'press',
  'double-press',
  'fall',
  'test',
  'open',
  'close',
  'force',
  'hold',
  'tamper',
  'restore',
  'access',
  'battery',
  'fault',
  'crash',
  'restart',
  'expect-command',
  'offline',
  'online',
] as const;
export type ScenarioAction = (typeof SCENARIO_ACTIONS)[number];

export interface ScenarioStep {
  at?: number;
  after?: number;
  device: string;
  action: ScenarioAction;
  card?: string;
  granted?: boolean;
  fault?: DeviceFault;
  arg?: string | number;
  command?: string;
  timeoutS?: number;
  percent?: number;
  note?: string;
}

export interface Scenario {
  name?: string;
  site?: string;
  fleet?: string; // file, relative to the scenario file
  devices?: FleetSpec['devices'];
  zigbeeBridge?: FleetSpec['zigbeeBridge'];
  steps: ScenarioStep[];
}

export interface StepResult {
  index: number;
  device: string;
  action: ScenarioAction;
  /** ms since the scenario started. */
  at: number;
  ok: boolean;
  detail?: string;
  latencyMs?: number;
}

export interface ScenarioOptions {
  url: string;
  /** Time factor: 2 runs twice as fast (default 1). */
  speed?: number;
  /** Use an already running fleet instead of starting one. */
  fleet?: Fleet;
  /** Keep the fleet running after the last step (default false: stop it). */
  keepRunning?: boolean;
  log?: Logger;
}

export interface ScenarioReport {
  name: string;
  results: StepResult[];
  ok: boolean;
  fleet: Fleet | undefined;
}

/** Read a scenario file (.json, .yaml, .yml) and check it. */
export function loadScenario(file: string): { scenario: Scenario; baseDir: string } {
  let raw: unknown;
  try {
    const text = readFileSync(file, 'utf8');
    raw = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw new SimError('SIM_SCENARIO', `cannot read scenario ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return { scenario: checkScenario(raw, file), baseDir: dirname(resolve(file)) };
}

const ZIGBEE_ACTIONS = new Set([
  'press',
  'open',
  'close',
  'tamper',
  'restore',
  'battery',
  'offline',
  'online',
]);

export function checkScenario(raw: unknown, where = 'scenario'): Scenario {
  const s = raw as Scenario;
  if (!s || typeof s !== 'object' || !Array.isArray(s.steps)) {
    throw new SimError('SIM_SCENARIO', `${where}: expected an object with "steps": [...]`);
  }
  s.steps.forEach((step, i) => {
    const at = `${where}: step ${i + 1}`;
    if (!step || typeof step.device !== 'string') throw new SimError('SIM_SCENARIO', `${at}: needs "device"`);
    if (!SCENARIO_ACTIONS.includes(step.action)) {
      throw new SimError(
        'SIM_SCENARIO',
        `${at}: unknown action ${JSON.stringify(step.action)}; known: ${SCENARIO_ACTIONS.join(', ')}`,
      );
    }
    for (const k of ['at', 'after', 'timeoutS', 'percent'] as const) {
      if (step[k] !== undefined && (typeof step[k] !== 'number' || step[k]! < 0)) {
        throw new SimError('SIM_SCENARIO', `${at}: "${k}" must be a number ≥ 0`);
      }
    }
    if (step.action === 'access' && typeof step.card !== 'string') {
      throw new SimError('SIM_SCENARIO', `${at}: access needs "card"`);
    }
    if (step.action === 'fault' && typeof step.fault !== 'string') {
      throw new SimError('SIM_SCENARIO', `${at}: fault needs "fault"`);
    }
  });
  return s;
}

function fleetSpecOf(s: Scenario, baseDir: string): FleetSpec | undefined {
  if (s.devices) {
    return checkFleet(
      { site: s.site ?? 'demo', devices: s.devices, zigbeeBridge: s.zigbeeBridge },
      'scenario devices',
    );
  }
  if (s.fleet) {
    const spec = loadFleet(resolve(baseDir, s.fleet));
    return s.site ? { ...spec, site: s.site } : spec;
  }
  return undefined;
}

/** Run a scenario (file or object) against a broker; never throws for a failed step, reports it. */
export async function runScenario(source: string | Scenario, opts: ScenarioOptions): Promise<ScenarioReport> {
  const log = opts.log ?? silentLogger;
  const { scenario, baseDir } =
    typeof source === 'string'
      ? loadScenario(source)
      : { scenario: checkScenario(source), baseDir: process.cwd() };
  const speed = opts.speed ?? 1;
  let fleet = opts.fleet;
  const ownFleet = !fleet;
  if (!fleet) {
    const spec = fleetSpecOf(scenario, baseDir);
    fleet = await startFleet({ url: opts.url, ...(spec ? { spec } : {}), log });
  }
  const zigbeeIds = new Set(fleet.spec.devices.filter((d) => d.kind === 'zigbee').map((d) => d.id));
  const results: StepResult[] = [];
  const start = performance.now();
  let prevAt = 0;
  try {
    for (const [i, step] of scenario.steps.entries()) {
      const atS = step.at ?? prevAt + (step.after ?? 0);
      prevAt = atS;
      const wait = start + (atS * 1000) / speed - performance.now();
      if (wait > 1) await sleep(wait);
      const base = { index: i + 1, device: step.device, action: step.action };
      try {
        const out = zigbeeIds.has(step.device)
          ? await zigbeeStep(fleet, step)
          : await deviceStep(fleet, step, speed);
        results.push({ ...base, at: performance.now() - start, ok: true, ...out });
        log.info(`step ${i + 1}: ${step.device} ${step.action} ok${out.detail ? ` (${out.detail})` : ''}`);
      } catch (err) {
        results.push({ ...base, at: performance.now() - start, ok: false, detail: (err as Error).message });
        log.warn({ step: i + 1, device: step.device, action: step.action, err }, 'scenario step failed');
      }
    }
  } finally {
    if (ownFleet && !opts.keepRunning) await fleet.stop();
  }
  return {
    name: scenario.name ?? (typeof source === 'string' ? source : 'scenario'),
    results,
    ok: results.every((r) => r.ok),
    fleet: ownFleet && !opts.keepRunning ? undefined : fleet,
  };
}

async function zigbeeStep(fleet: Fleet, step: ScenarioStep): Promise<{ detail?: string }> {
  const z = fleet.zigbee;
  if (!z) throw new SimError('SIM_SCENARIO', 'no zigbee bridge in this fleet');
  if (!ZIGBEE_ACTIONS.has(step.action)) {
    throw new SimError('SIM_SCENARIO', `action ${step.action} is not available on a zigbee device`);
  }
  const name = step.device;
  switch (step.action) {
    case 'press':
      await z.press(name);
      break;
    case 'open':
      await z.openDoor(name);
      break;
    case 'close':
      await z.closeDoor(name);
      break;
    case 'tamper':
      await z.tamper(name, true);
      break;
    case 'restore':
      await z.tamper(name, false);
      break;
    case 'battery':
      await z.setBattery(name, step.percent ?? 10);
      break;
    case 'offline':
    case 'online':
      await z.setAvailability(name, step.action === 'online');
      break;
  }
  return {};
}

async function deviceStep(
  fleet: Fleet,
  step: ScenarioStep,
  _speed: number,
): Promise<{ detail?: string; latencyMs?: number }> {
  const d = fleet.device(step.device);
  const ev = async (p: Promise<{ latencyMs: number; event: { seq: number } }>) => {
    const r = await p;
    return { latencyMs: r.latencyMs, detail: `seq ${r.event.seq}` };
  };
  switch (step.action) {
    case 'press':
      return ev(d.press());
    case 'double-press':
      return ev(d.doublePress());
    case 'fall':
      return ev(d.fall());
    case 'test':
      return ev(d.test());
    case 'open':
      return ev(d.openDoor());
    case 'close':
      return ev(d.closeDoor());
    case 'force':
      return ev(d.forceDoor());
    case 'hold':
      return ev(d.holdDoor());
    case 'tamper':
      return ev(d.tamper());
    case 'restore':
      return ev(d.restoreTamper());
    case 'access':
      return ev(d.access(step.card!, step.granted ?? true));
    case 'battery':
      d.battery = step.percent ?? 10;
      d.heartbeat();
      return { detail: `battery ${d.battery}` };
    case 'fault': {
      const r = await d.inject(step.fault!, step.arg);
      return { detail: `${r.fault}: ${r.acked ? 'acked' : `not acked${r.error ? ` (${r.error})` : ''}`}` };
    }
    case 'crash':
      await d.crash();
      return {};
    case 'restart':
      await d.start();
      return {};
    case 'expect-command': {
      const c = await d.waitForCommand(step.command, (step.timeoutS ?? 10) * 1000); // the gateway is not sped up
      return { detail: c.feedback };
    }
    case 'offline':
      await d.crash();
      return {};
    case 'online':
      await d.start();
      return {};
  }
}
