import { afterEach, describe, expect, it } from 'vitest';
import { runTx } from '../../src/db/tx.ts';
import type { AlertRecord } from '../../src/types.ts';
import { count, evt, makeEngine, type TestEngine } from './helpers.ts';

let e: TestEngine;
afterEach(() => e?.cleanup());

function setup(over: Parameters<typeof makeEngine>[0] = {}) {
  e = makeEngine(over);
  const dev = e.directory.add({ id: 'p1', residentId: 'r1' });
  e.directory.addResident({ id: 'r1' });
  return dev;
}
const press = (id: string, type = 'sos') =>
  e.ingest.handle(
    { kind: 'device', device: e.directory.get('p1')! },
    'linli/v1/site1/dev/p1/evt',
    evt(id, type),
  );

describe('alert engine', () => {
  it('raises a critical alert with its Contact ID for a press, with history', async () => {
    setup();
    const changes: AlertRecord[] = [];
    e.bus.on('alert.changed', (a) => changes.push(a));
    expect(await press('e1')).toEqual({ ok: true, outcome: 'stored' });
    const [a] = e.alerts.list({});
    expect(a).toMatchObject({
      type: 'sos',
      severity: 'critical',
      state: 'raised',
      count: 1,
      deviceId: 'p1',
      contactId: '1101',
      rev: 1,
    });
    expect(changes.map((c) => c.state)).toEqual(['raised']);
    expect(e.alerts.get(a!.id)!.history.map((h) => h.action)).toEqual(['raised']);
    expect(count(e, 'SELECT COUNT(*) AS n FROM events WHERE alert_id = ?', a!.id)).toBe(1);
  });

  it('folds repeated presses into the open alert (count, lastAt), never a second alert', async () => {
    setup();
    await press('e1');
    e.clock.advance(5000);
    await press('e2');
    await press('e3');
    const all = e.alerts.list({});
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ count: 3, lastAt: e.clock.now() });
    expect(e.alerts.get(all[0]!.id)!.history.map((h) => h.action)).toEqual(['raised', 'folded', 'folded']);
  });

  it('goes raised → acknowledged → resolved with who and when; impossible transitions are ALERT_STATE', async () => {
    setup();
    await press('e1');
    const id = e.alerts.list({})[0]!.id;
    e.clock.advance(1000);
    const acked = e.alerts.acknowledge(id, 'op1');
    expect(acked).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: 'op1',
      acknowledgedAt: e.clock.now(),
      rev: 2,
    });
    expect(() => e.alerts.acknowledge(id, 'op2')).toThrow(expect.objectContaining({ code: 'ALERT_STATE' }));
    const res = e.alerts.resolve(id, 'op1', 'visited', 'all fine');
    expect(res).toMatchObject({ state: 'resolved', resolvedBy: 'op1', outcome: 'visited', rev: 3 });
    expect(() => e.alerts.resolve(id, 'op1', 'x')).toThrow(expect.objectContaining({ code: 'ALERT_STATE' }));
    expect(() => e.alerts.acknowledge('nope', 'op1')).toThrow(
      expect.objectContaining({ code: 'ALERT_NOT_FOUND' }),
    );
    const h = e.alerts.get(id)!.history;
    expect(h.map((x) => [x.action, x.by])).toEqual([
      ['raised', 'system'],
      ['acknowledged', 'op1'],
      ['resolved', 'op1'],
    ]);
    expect(h[2]!.note).toBe('all fine');
    // a press after resolution opens a new alert
    await press('e9');
    expect(e.alerts.list({ state: 'raised' })).toHaveLength(1);
  });

  it('adds notes to the history', async () => {
    setup();
    await press('e1');
    const id = e.alerts.list({})[0]!.id;
    const n = e.alerts.addNote(id, 'op1', 'called the daughter');
    expect(n).toMatchObject({ action: 'note', by: 'op1', note: 'called the daughter', rev: 2 });
    expect(e.alerts.get(id)!.history.at(-1)).toMatchObject({ action: 'note', note: 'called the daughter' });
    expect(() => e.alerts.addNote('missing', 'op1', 'x')).toThrow(
      expect.objectContaining({ code: 'ALERT_NOT_FOUND' }),
    );
  });

  it('escalates an unacknowledged critical alert along the chain (60 s default), and stops when acknowledged', async () => {
    setup({ alerts: { escalation: { critical: [60, 120] } } });
    await press('e1');
    const id = e.alerts.list({})[0]!.id;
    e.clock.advance(59_000);
    expect(e.alerts.tick()).toBe(0);
    e.clock.advance(1_000);
    expect(e.alerts.tick()).toBe(1);
    expect(e.alerts.get(id)!.alert.escalationLevel).toBe(1);
    e.clock.advance(60_000);
    expect(e.alerts.tick()).toBe(1);
    e.clock.advance(600_000);
    expect(e.alerts.tick()).toBe(0); // end of the chain
    expect(e.alerts.get(id)!.alert.escalationLevel).toBe(2);
    expect(e.alerts.get(id)!.history.filter((h) => h.action === 'escalated')).toHaveLength(2);

    await press('e2', 'fall');
    const fall = e.alerts.list({ state: 'raised' }).find((a) => a.type === 'fall')!;
    e.alerts.acknowledge(fall.id, 'op');
    e.clock.advance(61_000);
    expect(e.alerts.tick()).toBe(0);
  });

  it('sos.cancel by default keeps the alert open, marked cancelled by resident', async () => {
    setup();
    await press('e1');
    await press('e2', 'sos.cancel');
    const [a] = e.alerts.list({});
    expect(a).toMatchObject({ state: 'raised', cancelledByResident: true });
    expect(e.alerts.get(a!.id)!.history.at(-1)).toMatchObject({ action: 'resident-cancel', by: 'resident' });
  });

  it('sos.cancel with policy "cancel" cancels the alert and tells the device', async () => {
    setup({ alerts: { sosCancel: 'cancel' } });
    await press('e1');
    await press('e2', 'sos.cancel');
    const [a] = e.alerts.list({});
    expect(a).toMatchObject({ state: 'cancelled', cancelledByResident: true });
    const cmds = e.db.prepare('SELECT payload FROM cmd_queue ORDER BY id').all() as { payload: string }[];
    expect(cmds.map((c) => JSON.parse(c.payload).type)).toEqual(['alert.received', 'alert.resolved']);
  });

  it('gives severities: door.forced/tamper major, door.held minor; door.open raises nothing', async () => {
    setup();
    const dev = e.directory.add({ id: 'd1', kind: 'door-contact' });
    for (const [i, t] of ['door.forced', 'door.held', 'door.open', 'tamper'].entries())
      await e.ingest.handle({ kind: 'device', device: dev }, 'linli/v1/site1/dev/d1/evt', evt(`x${i}`, t));
    const sev = Object.fromEntries(e.alerts.list({}).map((a) => [a.type, a.severity]));
    expect(sev).toEqual({ 'door.forced': 'major', 'door.held': 'minor', tamper: 'major' });
  });

  it('lists with filters and counts by state', async () => {
    setup();
    await press('e1');
    const dev2 = e.directory.add({ id: 'p2' });
    await e.ingest.handle({ kind: 'device', device: dev2 }, 'linli/v1/site1/dev/p2/evt', evt('a', 'fall'));
    expect(e.alerts.list({ deviceId: 'p2' }).map((a) => a.type)).toEqual(['fall']);
    expect(e.alerts.list({ severity: 'critical', limit: 1 })).toHaveLength(1);
    e.alerts.acknowledge(e.alerts.list({ deviceId: 'p1' })[0]!.id, 'op');
    expect(e.alerts.countByState()).toEqual({ raised: 1, acknowledged: 1, resolved: 0, cancelled: 0 });
    expect(e.alerts.list({ state: 'acknowledged' })[0]!.deviceId).toBe('p1');
  });

  it('an alert change rolls back with its transaction: no history, no bus event', () => {
    setup();
    const seen: unknown[] = [];
    e.bus.on('alert.changed', (a) => seen.push(a));
    expect(() =>
      runTx(e.db, (tx) => {
        e.alerts.raise(tx, { type: 'sos', site: 'site1', deviceId: 'p1', at: 1 });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(count(e, 'SELECT COUNT(*) AS n FROM alerts')).toBe(0);
    expect(count(e, 'SELECT COUNT(*) AS n FROM alert_history')).toBe(0);
    expect(seen).toEqual([]);
  });
});
