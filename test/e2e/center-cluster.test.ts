// Two center instances in one MQTT share group ($share/centers/…) on one Mosquitto and one
// PostgreSQL database (issue #17, docs/center-cluster.md), two station gateways with pendants
// pressing, all real processes. One center is killed (SIGKILL) mid-traffic and started again.
// Afterwards: every revision each station produced — each (alertId, rev) of its alerts table,
// 1..rev — is in the shared database exactly once and applied once (one history entry per
// revision, in order); every station's outbox is empty (it had the `stored` receipt for each
// row); the surviving instance kept storing while the other was down; the restarted one took
// its share again.
import type { SimDevice } from '@linli/firmware-sim';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CenterCluster } from './center-cluster-helpers.ts';
import { until } from './center-link-helpers.ts';

vi.setConfig({ testTimeout: 400_000, hookTimeout: 120_000 });

const STATIONS = { st1: ['st1-p1', 'st1-p2', 'st1-p3'], st2: ['st2-p1', 'st2-p2', 'st2-p3'] };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let cluster: CenterCluster | undefined;

async function retries(c: CenterCluster): Promise<number> {
  let n = 0;
  for (const site of Object.keys(STATIONS)) n += await c.retries(site);
  return n;
}

afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

describe('center cluster: two instances, one share group, one PostgreSQL', () => {
  it('SIGKILL of one center during traffic: nothing lost, nothing applied twice, the other carries on, the killed one rejoins', async () => {
    const c = new CenterCluster();
    cluster = c;
    await c.start({ centers: ['c1', 'c2'], stations: STATIONS });
    const devs: SimDevice[] = [];
    for (const [site, ids] of Object.entries(STATIONS))
      for (const id of ids) devs.push(await c.device(site, id));

    // traffic: every pendant presses every 0.3–0.8 s until told to stop
    let stopping = false;
    let acked = 0;
    const press = async (d: SimDevice) => {
      while (!stopping) {
        try {
          await d.press(); // resolves on the station's PUBACK (after its commit)
          acked++;
        } catch {
          return;
        }
        await sleep(300 + Math.random() * 500);
      }
    };
    const traffic = Promise.all(devs.map(press));

    // both instances take their share
    await until(
      'both instances storing',
      async () => ((await c.storedBy('c1')) > 0 && (await c.storedBy('c2')) > 0 ? true : undefined),
      60_000,
    );
    await sleep(1000);
    const retriesBefore = await retries(c);
    const beforeKill = { c1: await c.storedBy('c1'), c2: await c.storedBy('c2') };
    await c.stop(c.centers.get('c1'), 'SIGKILL');
    const killedAt = Date.now();
    const survivorAtKill = await c.storedBy('c2');
    // the survivor carries the whole load: it keeps storing while c1 is down
    await until(
      'the survivor storing alone',
      async () => ((await c.storedBy('c2')) >= survivorAtKill + 10 ? true : undefined),
      60_000,
    );
    const survivorTenMs = Date.now() - killedAt;
    await sleep(3000);
    const whileDown = (await c.storedBy('c2')) - survivorAtKill;
    await c.startCenter('c1');
    // the restarted instance rejoins the group and stores again (its counter starts at 0)
    await until(
      'the restarted instance storing',
      async () => ((await c.storedBy('c1')) > 0 ? true : undefined),
      60_000,
    );
    await sleep(1000);
    stopping = true;
    await Promise.race([traffic, sleep(20_000)]);

    // drained: every station's outbox empty (each row had its `stored` receipt) and every
    // station alert at its head revision in the shared database
    await until(
      'every outbox drained',
      async () => {
        for (const site of Object.keys(STATIONS)) if ((await c.backlog(site)) !== 0) return undefined;
        const head = new Map(
          (await c.query<{ id: string; rev: number }>('SELECT id, rev FROM alerts')).map((a) => [
            a.id,
            a.rev,
          ]),
        );
        for (const site of Object.keys(STATIONS))
          for (const a of c.stationRows<{ id: string; rev: number }>(site, 'SELECT id, rev FROM alerts'))
            if (head.get(a.id) !== a.rev) return undefined;
        return true;
      },
      120_000,
    );
    const retriesAfter = await retries(c);
    const afterRestart = { c1: await c.storedBy('c1'), c2: await c.storedBy('c2') };
    for (const s of c.stations.values()) await c.stop(s);

    const ledger: Record<string, unknown> = {
      pressesAcked: acked,
      storedBeforeKill: beforeKill,
      survivorTenMoreMs: survivorTenMs,
      storedBySurvivorWhileDown: whileDown,
      storedAfterRestart: afterRestart,
      stationRetriesFromKillOn: retriesAfter - retriesBefore,
    };
    for (const site of Object.keys(STATIONS)) {
      const produced = c.stationRows<{ id: string; rev: number }>(site, 'SELECT id, rev FROM alerts');
      const outboxLeft = c.stationRows<{ n: number }>(site, 'SELECT COUNT(*) AS n FROM outbox')[0]!.n;
      const expected = produced.flatMap((a) => Array.from({ length: a.rev }, (_, i) => `${a.id}:${i + 1}`));
      const stored = (
        await c.query<{ alert_id: string; rev: number }>(
          'SELECT alert_id, rev FROM center_revisions WHERE site = $1',
          [site],
        )
      ).map((r) => `${r.alert_id}:${r.rev}`);
      const storedSet = new Set(stored);
      const lost = expected.filter((k) => !storedSet.has(k));
      const extra = stored.filter((k) => !expected.includes(k));
      ledger[site] = {
        alerts: produced.length,
        revisionsProduced: expected.length,
        stored: stored.length,
        lost: lost.length,
        outboxLeft,
      };
      const why = JSON.stringify(ledger);
      expect(produced.length, why).toBeGreaterThan(0);
      expect(lost, why).toEqual([]);
      expect(extra, why).toEqual([]);
      expect(stored.length, why).toBe(expected.length);
      expect(outboxLeft, why).toBe(0);
    }
    // applied once and in order: one history entry per (alert, rev), in the order of the revs
    const history = await c.query<{ alert_id: string; rev: number }>(
      'SELECT alert_id, rev FROM alert_history ORDER BY id',
    );
    const twice = await c.query(
      'SELECT alert_id, rev, COUNT(*) AS n FROM alert_history GROUP BY alert_id, rev HAVING COUNT(*) > 1',
    );
    ledger.appliedTwice = twice.length;
    console.log(`center-cluster ledger: ${JSON.stringify(ledger)}`);
    expect(acked).toBeGreaterThan(0);
    expect(twice, JSON.stringify(ledger)).toEqual([]);
    const byAlert = new Map<string, number[]>();
    for (const h of history) byAlert.set(h.alert_id, [...(byAlert.get(h.alert_id) ?? []), h.rev]);
    for (const [id, revs] of byAlert)
      expect(revs, id).toEqual(Array.from({ length: revs.length }, (_, i) => i + 1));
  });
});
