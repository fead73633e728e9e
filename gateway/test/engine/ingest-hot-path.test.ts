// The ingest hot path (docs/gateway.md "What the ingest costs"): a heartbeat is answered without
// waiting for anything, a device's own topics are recognised without parsing, device clocks are
// known without a query, and asyncFsync shares one fdatasync among the batches committed while
// the previous one ran. The guarantees stay: refusals counted, events acknowledged after commit.
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/gateway.ts';
import type { Principal } from '../../src/ingest/pipeline.ts';
import { silentLogger } from '../../src/ingest/refusals.ts';
import { count, evt, makeEngine, type TestEngine, testConfig } from './helpers.ts';

let e: TestEngine;
afterEach(() => e?.cleanup());

const hb = (ts: number, extra: Record<string, unknown> = {}) => Buffer.from(JSON.stringify({ ts, ...extra }));

function setup() {
  e = makeEngine();
  const p1 = e.directory.add({ id: 'p1' });
  const p2 = e.directory.add({ id: 'p2' });
  const refusals: string[] = [];
  e.bus.on('message.refused', (r) => refusals.push(r.reason));
  return { p1, p2, refusals, as: (d: typeof p1): Principal => ({ kind: 'device', device: d }) };
}

describe('ingest hot path', () => {
  it('answers a heartbeat at once (no promise) and an event only once committed', async () => {
    const { p1, as } = setup();
    const beat = e.ingest.handleNow(as(p1), 'linli/v1/site1/dev/p1/hb', hb(e.clock.now(), { battery: 80 }));
    expect(beat).toEqual({ ok: true, outcome: 'accepted' });
    expect(e.states.get('p1').battery).toBe(80);
    const event = e.ingest.handleNow(as(p1), 'linli/v1/site1/dev/p1/evt', evt('e1', 'door.open'));
    expect(event).toBeInstanceOf(Promise);
    expect(count(e, 'SELECT COUNT(*) AS n FROM events')).toBe(0); // not before the commit
    expect(await event).toEqual({ ok: true, outcome: 'stored' });
    expect(count(e, 'SELECT COUNT(*) AS n FROM events')).toBe(1);
  });

  it('refuses at once, counted, what fails on the fast path: bad JSON, schema, oversize, foreign topics', async () => {
    const { p1, p2, refusals, as } = setup();
    const verdicts = [
      e.ingest.handleNow(as(p1), 'linli/v1/site1/dev/p1/hb', Buffer.from('{not json')),
      e.ingest.handleNow(as(p1), 'linli/v1/site1/dev/p1/hb', hb(1, { extra: true })),
      e.ingest.handleNow(as(p1), 'linli/v1/site1/dev/p1/evt', Buffer.alloc(5000, 0x20)),
      e.ingest.handleNow(as(p1), 'linli/v1/site1/dev/p2/hb', hb(e.clock.now())),
      e.ingest.handleNow(as(p1), 'linli/v1/site2/dev/p1/hb', hb(e.clock.now())),
      e.ingest.handleNow(as(p1), 'linli/v1/site1/dev/p1/cmd', hb(e.clock.now())),
    ];
    for (const v of verdicts) expect(v).not.toBeInstanceOf(Promise);
    expect(verdicts.map((v) => !(v instanceof Promise) && !v.ok && v.reason)).toEqual([
      'json',
      'schema',
      'oversize',
      'acl',
      'acl',
      'acl',
    ]);
    expect(refusals).toEqual(['json', 'schema', 'oversize', 'acl', 'acl', 'acl']);
    // the other device's own topic still works for it
    expect(e.ingest.handleNow(as(p2), 'linli/v1/site1/dev/p2/hb', hb(e.clock.now()))).toEqual({
      ok: true,
      outcome: 'accepted',
    });
  });

  it('a store failure is refused as store (disconnect), not thrown', async () => {
    const { p1, refusals, as } = setup();
    e.db.exec('DROP TABLE events');
    const v = await e.ingest.handleNow(as(p1), 'linli/v1/site1/dev/p1/evt', evt('e1', 'sos'));
    expect(v).toMatchObject({ ok: false, reason: 'store', disconnect: true });
    expect(refusals).toEqual(['store']);
  });

  it('remembers a flagged device clock across a restart without a query per message', async () => {
    const { p1, as } = setup();
    await e.ingest.handle(as(p1), 'linli/v1/site1/dev/p1/evt', evt('old', 'test', { ts: 0 }));
    expect(e.clocks.peek('p1')).toMatchObject({ state: 'invalid' });
    // a second engine on the same database (the gateway restarted) knows the flag
    const again = createEngine({
      db: e.db,
      directory: e.directory,
      config: testConfig({ ingest: { groupCommitMs: 0 } }),
      clock: e.clock,
      log: silentLogger,
    });
    try {
      expect(again.clocks.peek('p1')).toMatchObject({ state: 'invalid' });
      expect(again.clocks.peek('p2')).toBeUndefined();
      again.ingest.handleNow(as(p1), 'linli/v1/site1/dev/p1/hb', hb(e.clock.now()));
      expect(again.clocks.peek('p1')).toMatchObject({ state: 'ok' });
      expect(count(e, "SELECT COUNT(*) AS n FROM device_clock WHERE device_id = 'p1' AND state = 'ok'")).toBe(
        1,
      );
    } finally {
      again.close();
    }
  });

  it('asyncFsync: batches committed while an fdatasync runs wait for the next one, in order', async () => {
    e = makeEngine({ ingest: { asyncFsync: true } });
    const order: number[] = [];
    const units = [1, 2, 3].map((n) => {
      const p = e.committer.submit(() => n).then((v) => order.push(v));
      e.committer.flush(); // the first starts an fdatasync; the next two are committed meanwhile
      return p;
    });
    expect(e.committer.pendingSyncs).toBe(3);
    expect(order).toEqual([]);
    await Promise.all(units);
    expect(order).toEqual([1, 2, 3]);
    expect(e.committer.pendingSyncs).toBe(0);
    expect(e.db.pragma('synchronous', { simple: true })).toBe(2);
  });
});
