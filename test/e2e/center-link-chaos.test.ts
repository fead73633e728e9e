// kill -9 of the station gateway and of the center at seeded random moments while pendants press
// (issue #11 "Done when"): afterwards every revision the station produced — each (alertId, rev)
// of its alerts table, 1..rev — is stored at the center exactly once, in order; nothing is left
// in the station's outbox. Schedule: CHAOS_SEED (printed with the ledger and in failures).
import { join } from 'node:path';
import type { SimDevice } from '@linli/firmware-sim';
import { openDb } from '@linli/gateway';
import { afterEach, describe, expect, it } from 'vitest';
import { Link, until } from './center-link-helpers.ts';
import { seededRandom } from './seeded.ts';

const SEED = Number(process.env.CHAOS_SEED ?? Date.now() % 1_000_000);
const PENDANTS = ['p1', 'p2', 'p3'];
const MAX_PRESSES_PER_DEVICE = 150;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let link: Link | undefined;

afterEach(async () => {
  await link?.close();
  link = undefined;
});

function readAll<T>(file: string, sql: string): T[] {
  const db = openDb(file);
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

describe('station ↔ center chaos', () => {
  it(`kill -9 of the station and of the center during traffic: 0 lost, 0 applied twice (seed ${SEED})`, async () => {
    const rng = seededRandom(SEED);
    link = await Link.create({ pendants: PENDANTS });
    await link.startCenter();
    await link.startStation();
    const devs = await Promise.all(PENDANTS.map((id) => link!.device(id)));

    let stopping = false;
    let acked = 0;
    const press = async (d: SimDevice) => {
      for (let i = 0; i < MAX_PRESSES_PER_DEVICE && !stopping; i++) {
        try {
          await d.press(); // resolves on PUBACK; MQTT.js resends after the station is back
          acked++;
        } catch {
          return;
        }
        await sleep(150 + rng() * 350);
      }
    };
    const traffic = Promise.all(devs.map(press));

    // at least one kill of each, in a seeded order, at seeded moments
    const targets: ('station' | 'center')[] = ['station', 'center', rng() < 0.5 ? 'station' : 'center'];
    if (rng() < 0.5) targets.reverse();
    const faults: string[] = [];
    for (const t of targets) {
      await sleep(1000 + rng() * 3000);
      await link.stop(t, 'SIGKILL');
      const down = Math.round(200 + rng() * 1500);
      faults.push(`${t} kill -9, down ${down} ms`);
      await sleep(down);
      if (t === 'station') await link.startStation();
      else await link.startCenter();
    }
    await sleep(1000);
    stopping = true;
    await Promise.race([traffic, sleep(20_000)]);

    // drained: the station's outbox empty, every station alert at its head revision at the center
    await until(
      'the station’s outbox drained',
      async () => {
        const h = (await (await fetch(`${link!.base('station')}/healthz`)).json()) as {
          forwarding: { backlog: number };
        };
        if (h.forwarding.backlog !== 0) return undefined;
        const [s, c] = [await link!.alerts('station'), await link!.alerts('center')];
        return s.every((a) => c.find((x) => x.id === a.id)?.rev === a.rev) ? true : undefined;
      },
      90_000,
    );
    await link.stop('station');
    await link.stop('center');

    const produced = readAll<{ id: string; rev: number }>(
      join(link.stationDir, 'gateway.db'),
      'SELECT id, rev FROM alerts',
    );
    const outboxLeft = readAll<{ n: number }>(
      join(link.stationDir, 'gateway.db'),
      'SELECT COUNT(*) AS n FROM outbox',
    )[0]!.n;
    const centerDb = join(link.centerDir, 'gateway.db');
    const stored = readAll<{ alert_id: string; rev: number }>(
      centerDb,
      `SELECT alert_id, rev FROM center_revisions WHERE site = '${link.site}' ORDER BY rowid`,
    );
    const twice = readAll(
      centerDb,
      'SELECT alert_id, rev, COUNT(*) AS n FROM alert_history GROUP BY alert_id, rev HAVING n > 1',
    );
    const storedKeys = new Set(stored.map((r) => `${r.alert_id}:${r.rev}`));
    const expected = produced.flatMap((a) => Array.from({ length: a.rev }, (_, i) => `${a.id}:${i + 1}`));
    const lost = expected.filter((k) => !storedKeys.has(k));
    const ledger = {
      seed: SEED,
      faults,
      pressesAcked: acked,
      alerts: produced.length,
      revisionsProduced: expected.length,
      storedAtCenter: stored.length,
      lost: lost.length,
      appliedTwice: twice.length,
      outboxLeft,
    };
    console.log(`center-link chaos ledger: ${JSON.stringify(ledger)}`);
    const why = `CHAOS_SEED=${SEED} ${JSON.stringify(ledger)}`;
    expect(acked, why).toBeGreaterThan(0);
    expect(lost, why).toEqual([]);
    expect(twice, why).toEqual([]);
    expect(stored.length, why).toBe(expected.length);
    expect(outboxLeft, why).toBe(0);
    // in order per alert: the center stored each alert's revisions 1, 2, 3, …
    for (const a of produced) {
      const revs = stored.filter((r) => r.alert_id === a.id).map((r) => r.rev);
      expect(revs, `${a.id} ${why}`).toEqual(Array.from({ length: a.rev }, (_, i) => i + 1));
    }
  }, 400_000);
});
