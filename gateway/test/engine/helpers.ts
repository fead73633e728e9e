// Test helpers for the engine: an in-memory DeviceDirectory and an engine on a temp SQLite file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DeepPartial, type GatewayConfig, loadConfig } from '../../src/config.ts';
import { migrate } from '../../src/db/migrate.ts';
import { openDb } from '../../src/db/open.ts';
import { createEngine, type Engine } from '../../src/gateway.ts';
import { silentLogger } from '../../src/ingest/refusals.ts';
import { ManualClock } from '../../src/supervision/clock.ts';
import type { DeviceDirectory, DeviceRecord, ResidentRecord } from '../../src/types.ts';

export class MemoryDirectory implements DeviceDirectory {
  readonly devices = new Map<string, DeviceRecord>();
  readonly secrets = new Map<string, string>();
  readonly residents = new Map<string, ResidentRecord>();

  add(d: Partial<DeviceRecord> & { id: string }, secret = `secret-${d.id}`): DeviceRecord {
    const rec: DeviceRecord = {
      site: 'site1',
      kind: 'pendant',
      location: {},
      heartbeatIntervalS: 60,
      offlineTimeoutS: 600,
      retired: false,
      createdAt: 0,
      ...d,
    };
    this.devices.set(rec.id, rec);
    if (rec.kind !== 'zigbee') this.secrets.set(rec.id, secret);
    return rec;
  }
  addResident(r: Partial<ResidentRecord> & { id: string }): ResidentRecord {
    const rec: ResidentRecord = { name: '张三', emergencyContacts: [], livesAlone: true, ...r };
    this.residents.set(rec.id, rec);
    return rec;
  }
  async authenticate(username: string, password: Buffer | string): Promise<DeviceRecord | undefined> {
    const d = this.devices.get(username);
    if (!d || d.retired) return undefined;
    return this.secrets.get(username) === password.toString() ? d : undefined;
  }
  get(id: string): DeviceRecord | undefined {
    return this.devices.get(id);
  }
  /** As the registry: the devices in service, by site then id (contract: test/contracts). */
  list(): DeviceRecord[] {
    // SQLite's ORDER BY site, id: binary order of the strings
    const key = (device: DeviceRecord) => `${device.site}\u0000${device.id}`;
    return [...this.devices.values()]
      .filter((device) => !device.retired)
      .sort((left, right) => (key(left) < key(right) ? -1 : key(left) > key(right) ? 1 : 0));
  }

  resident(id: string): ResidentRecord | undefined {
    return this.residents.get(id);
  }
}

export interface TestEngine extends Engine {
  clock: ManualClock;
  directory: MemoryDirectory;
  dir: string;
  cleanup(): void;
}

export function tempDir(prefix = 'linli-gw-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function testConfig(over: DeepPartial<GatewayConfig> = {}): GatewayConfig {
  return loadConfig({ mqtt: { port: 0, wsPort: -1, host: '127.0.0.1' }, http: { port: -1 }, ...over }, {});
}

export function makeEngine(
  over: DeepPartial<GatewayConfig> = {},
  directory = new MemoryDirectory(),
): TestEngine {
  const dir = tempDir();
  const db = openDb(join(dir, 'gw.db'));
  migrate(db);
  const clock = new ManualClock();
  const config = testConfig({ ingest: { groupCommitMs: 0 }, ...over });
  const engine = createEngine({ db, directory, config, clock, log: silentLogger });
  return Object.assign(engine, {
    clock,
    directory,
    dir,
    cleanup() {
      engine.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

export function evt(id: string, type: string, extra: Record<string, unknown> = {}): Buffer {
  return Buffer.from(JSON.stringify({ id, seq: 1, ts: Date.UTC(2026, 0, 1), type, ...extra }));
}

export function count(engine: Engine, sql: string, ...params: unknown[]): number {
  return (engine.db.prepare(sql).get(...params) as { n: number }).n;
}
