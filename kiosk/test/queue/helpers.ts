// Test helpers: a queue engine on a real SQLite file in a temp dir, with a manual clock and a
// record of every bus event.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResidentCard } from '@linli/shared';
import { type ConfigOverrides, type KioskConfig, loadConfig } from '../../src/config.ts';
import { type Db, openDb } from '../../src/db/open.ts';
import { KioskBus } from '../../src/events.ts';
import { QueueEngine } from '../../src/queue/engine.ts';
import { ManualClock } from '../../src/queue/time.ts';
import type { Actor } from '../../src/queue/types.ts';

/** Monday 2026-11-23 10:00 in Shanghai. */
export const MONDAY_10 = Date.parse('2026-11-23T02:00:00Z');
export const MIN = 60_000;
export const admin: Actor = { staffId: 1, username: 'admin', role: 'admin' };

export interface TestEngine {
  dir: string;
  file: string;
  config: KioskConfig;
  clock: ManualClock;
  bus: KioskBus;
  db: Db;
  engine: QueueEngine;
  events: { type: string; payload: Record<string, unknown> }[];
  reopen(): void;
  close(): void;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'linli-queue-'));
}

export function makeEngine(overrides: ConfigOverrides = {}, dir = tempDir()): TestEngine {
  const config = loadConfig({ dataDir: dir, idHmacKey: 'test-key-0123456789', ...overrides }, {});
  const file = join(dir, 'kiosk.sqlite');
  const clock = new ManualClock(MONDAY_10);
  const bus = new KioskBus();
  const t = {
    dir,
    file,
    config,
    clock,
    bus,
    events: [] as TestEngine['events'],
  } as TestEngine;
  bus.onAny((type, payload) => t.events.push({ type, payload: payload as Record<string, unknown> }));
  const open = () => {
    t.db = openDb(file);
    // Staff row 1 so staff_id references hold.
    t.db
      .prepare(
        `INSERT OR IGNORE INTO staff (id, username, display_name, role, password_hash, created_at) VALUES (1, 'admin', 'Admin', 'admin', 'x', 0)`,
      )
      .run();
    t.engine = new QueueEngine({ db: t.db, bus, config, clock });
  };
  open();
  t.reopen = () => {
    t.db.close();
    open();
  };
  t.close = () => {
    t.engine.stop();
    if (t.db.open) t.db.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return t;
}

export function residentCard(idNumber: string, birthDate: string, validTo = '2036-01-01'): ResidentCard {
  return {
    type: 'resident',
    name: '张三明',
    sex: 'male',
    sexCode: '1',
    nationCode: '01',
    nation: '汉',
    birthDate,
    address: '北京市东城区某街道1号',
    idNumber,
    issuer: '北京市公安局东城分局',
    validFrom: '2016-01-01',
    validTo,
  };
}

export function identity(n: number, birthDate = '1980-05-05') {
  return {
    idHash: `hash-${n}`,
    idMasked: `110101********${String(n).padStart(4, '0')}`,
    nameMasked: '张*明',
    birthDate,
  };
}
