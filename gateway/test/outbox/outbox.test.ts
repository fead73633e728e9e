// The outbox on a real SQLite file: a row in the same transaction as each alert change (with
// the console's context, never an ID number), delivery in order per alert with a window,
// backoff with jitter after failures, receipts for unknown rows ignored and counted, and the
// center's action requests applied once.
import { afterEach, describe, expect, it } from 'vitest';
import { runTx } from '../../src/db/tx.ts';
import { silentLogger } from '../../src/ingest/refusals.ts';
import { backoffMs } from '../../src/outbox/backoff.ts';
import { type Carrier, Delivery } from '../../src/outbox/delivery.ts';
import { PathMonitor } from '../../src/outbox/path-monitor.ts';
import type { OutboxRow } from '../../src/outbox/store.ts';
import { CENTER, Uplink } from '../../src/outbox/uplink.ts';
import { count, MemoryDirectory, makeEngine, type TestEngine } from '../engine/helpers.ts';

let e: TestEngine | undefined;
afterEach(() => {
  e?.cleanup();
  e = undefined;
});

function engineWithUplink(): { e: TestEngine; uplink: Uplink } {
  const dir = new MemoryDirectory();
  dir.addResident({
    id: 'r-12',
    name: '李秀英',
    phone: '13800000000',
    livesAlone: true,
    emergencyContacts: [{ name: '李强', phone: '13900000000', relation: 'son' }],
  });
  dir.add({
    id: 'p1',
    residentId: 'r-12',
    location: { building: '3', unit: '2', room: '401', grid: 'G-07' },
  });
  dir.add({ id: 'p2' });
  e = makeEngine({ uplink: { webhookUrl: 'http://127.0.0.1:9/ingest', webhookKey: 'k'.repeat(32) } }, dir);
  const uplink = new Uplink({ db: e.db, engine: e, directory: dir, version: 't', log: silentLogger });
  e.alerts.setOutbox(uplink);
  return { e, uplink };
}

const rows = (t: TestEngine) =>
  t.db.prepare('SELECT * FROM outbox ORDER BY seq').all() as (OutboxRow & { last_error: string | null })[];

/** A carrier that records what it is handed and answers only when told. */
class ScriptedCarrier implements Carrier {
  sent: { seq: number; key: string; body: string }[] = [];
  fail = false;
  up = true;
  ready(): boolean {
    return this.up;
  }
  send(row: OutboxRow, body: string): Promise<{ stored: boolean; path: string }> {
    this.sent.push({ seq: row.seq, key: row.order_key, body });
    return this.fail
      ? Promise.reject(new Error('refused'))
      : Promise.resolve({ stored: false, path: 'test' });
  }
}

const settle = () => new Promise((r) => setImmediate(r));

describe('outbox rows', () => {
  it('every alert change writes one row in its transaction, with the context and no ID number', () => {
    const { e } = engineWithUplink();
    const a = runTx(e.db, (tx) =>
      e.alerts.raise(tx, { type: 'sos', site: 'site1', deviceId: 'p1', at: e.clock.now() }),
    ).alert;
    e.alerts.acknowledge(a.id, 'staff:wang');
    e.alerts.addNote(a.id, 'staff:wang', 'on the way');
    e.alerts.resolve(a.id, 'staff:wang', 'assisted-on-site');
    e.alerts.raiseTechnical('gateway.broker-link', 'site1', 'down');
    const r = rows(e);
    expect(r.map((x) => [x.kind, x.rev])).toEqual([
      ['alert', 1],
      ['alert', 2],
      ['alert', 3],
      ['alert', 4],
      ['alert', 1],
    ]);
    const first = JSON.parse(r[0]!.body);
    expect(first).toMatchObject({
      v: 1,
      kind: 'alert',
      site: 'site1',
      alertId: a.id,
      rev: 1,
      alert: { id: a.id, rev: 1, state: 'raised', deviceId: 'p1' },
      history: [{ alertId: a.id, rev: 1, action: 'raised', by: 'system' }],
      context: {
        resident: {
          id: 'r-12',
          name: '李秀英',
          phone: '13800000000',
          building: '3',
          unit: '2',
          room: '401',
          gridCell: 'G-07',
          livesAlone: true,
          emergencyContacts: [{ name: '李强', phone: '13900000000', relation: 'son' }],
        },
        device: { id: 'p1', kind: 'pendant', location: '3-2-401', gridCell: 'G-07' },
      },
    });
    expect(r[0]!.body).not.toMatch(/idNumber/i);
    expect(JSON.parse(r[3]!.body).alert).toMatchObject({ state: 'resolved', outcome: 'assisted-on-site' });
  });

  it('a rolled-back alert change leaves no row', () => {
    const { e } = engineWithUplink();
    expect(() =>
      runTx(e.db, (tx) => {
        e.alerts.raise(tx, { type: 'sos', site: 'site1', deviceId: 'p1', at: e.clock.now() });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(count(e, 'SELECT COUNT(*) AS n FROM outbox')).toBe(0);
    expect(count(e, 'SELECT COUNT(*) AS n FROM alerts')).toBe(0);
  });
});

describe('delivery', () => {
  function delivery(t: TestEngine, uplink: Uplink, carrier: Carrier, window = 10) {
    return new Delivery({
      dest: CENTER,
      store: uplink.store,
      carrier,
      clock: t.clock,
      metrics: t.metrics,
      log: silentLogger,
      window,
      ackTimeoutMs: 10_000,
      retryBaseMs: 1000,
      retryMaxMs: 60_000,
      random: () => 0.5,
    });
  }

  function twoAlerts(t: TestEngine): { a: string; b: string } {
    const a = runTx(t.db, (tx) => t.alerts.raise(tx, { type: 'sos', site: 'site1', deviceId: 'p1', at: 1 }))
      .alert.id;
    const b = runTx(t.db, (tx) => t.alerts.raise(tx, { type: 'sos', site: 'site1', deviceId: 'p2', at: 2 }))
      .alert.id;
    t.alerts.acknowledge(a, 'staff:x');
    t.alerts.acknowledge(b, 'staff:x');
    t.alerts.resolve(a, 'staff:x', 'ok');
    return { a, b };
  }

  it('one revision of an alert in flight, different alerts pipelined, next revision after the receipt', async () => {
    const { e, uplink } = engineWithUplink();
    const { a, b } = twoAlerts(e);
    const c = new ScriptedCarrier();
    const d = delivery(e, uplink, c);
    d.pump();
    await settle();
    const sent = () =>
      c.sent.map((s) => JSON.parse(s.body) as { alertId: string; rev: number; sentAt: number });
    expect(sent().map((m) => [m.alertId, m.rev])).toEqual([
      [a, 1],
      [b, 1],
    ]);
    expect(sent()[0]!.sentAt).toBe(e.clock.now());
    d.pump(); // nothing new while both are in flight
    expect(c.sent).toHaveLength(2);
    expect(d.receipt({ alertId: a, rev: 1 })).toBe(true);
    await settle();
    await settle();
    expect(sent().map((m) => [m.alertId, m.rev])).toEqual([
      [a, 1],
      [b, 1],
      [a, 2],
    ]);
    // a receipt for a row that is not pending is ignored and counted
    expect(d.receipt({ alertId: a, rev: 1 })).toBe(false);
    expect(d.receipt({ alertId: 'al-nope', rev: 7 })).toBe(false);
    expect(e.metrics.outboxReceiptsUnknown.get({ dest: CENTER })).toBe(2);
    d.receipt({ alertId: a, rev: 2 });
    d.receipt({ alertId: b, rev: 1 });
    await settle();
    await settle();
    d.receipt({ alertId: a, rev: 3 });
    d.receipt({ alertId: b, rev: 2 });
    await settle();
    expect(sent().map((m) => `${m.alertId === a ? 'a' : 'b'}${m.rev}`)).toEqual([
      'a1',
      'b1',
      'a2',
      'b2',
      'a3',
    ]);
    expect(count(e, 'SELECT COUNT(*) AS n FROM outbox')).toBe(0);
    expect(d.delivered).toBe(5);
  });

  it('the window bounds the rows in flight', async () => {
    const { e, uplink } = engineWithUplink();
    twoAlerts(e);
    const c = new ScriptedCarrier();
    const d = delivery(e, uplink, c, 1);
    d.pump();
    await settle();
    expect(c.sent).toHaveLength(1);
  });

  it('a failure or a missing receipt backs off exponentially with jitter, the row kept', async () => {
    const { e, uplink } = engineWithUplink();
    const a = runTx(e.db, (tx) => e.alerts.raise(tx, { type: 'sos', site: 'site1', deviceId: 'p1', at: 1 }))
      .alert.id;
    e.alerts.acknowledge(a, 'staff:x');
    const c = new ScriptedCarrier();
    c.fail = true;
    const d = delivery(e, uplink, c, 1);
    d.pump();
    await settle();
    const head = () => rows(e).find((r) => r.alert_id === a && r.rev === 1)!;
    expect(head()).toMatchObject({ attempts: 1, next_at: e.clock.now() + 750, last_error: 'refused' });
    d.pump(); // not due yet
    expect(c.sent).toHaveLength(1);
    e.clock.advance(750);
    d.pump();
    await settle();
    expect(c.sent).toHaveLength(2);
    expect(head()).toMatchObject({ attempts: 2, next_at: e.clock.now() + 1500 });
    // sent but no receipt within the ack timeout: retried too
    c.fail = false;
    e.clock.advance(1500);
    d.pump();
    await settle();
    expect(c.sent).toHaveLength(3);
    e.clock.advance(10_000);
    d.pump();
    expect(head()).toMatchObject({ attempts: 3, next_at: e.clock.now() + 3000 });
    expect(e.metrics.outboxRetries.get({ dest: CENTER })).toBe(3);
    expect(c.sent.map((s) => JSON.parse(s.body).rev)).toEqual([1, 1, 1]);
    expect(count(e, 'SELECT COUNT(*) AS n FROM outbox')).toBe(2);
  });

  it('backoff doubles per attempt, capped, jittered within half to all of the step', () => {
    expect(backoffMs(1, 500, 60_000, () => 0)).toBe(250);
    expect(backoffMs(1, 500, 60_000, () => 1)).toBe(500);
    expect(backoffMs(4, 500, 60_000, () => 1)).toBe(4000);
    expect(backoffMs(30, 500, 60_000, () => 1)).toBe(60_000);
    expect(backoffMs(30, 500, 60_000, () => 0)).toBe(30_000);
  });
});

describe('center actions', () => {
  it('an acknowledge applies once with the center operator as `by`, the device hears alert.acknowledged', () => {
    const { e, uplink } = engineWithUplink();
    const a = runTx(e.db, (tx) =>
      e.alerts.raise(tx, { type: 'sos', site: 'site1', deviceId: 'p1', at: 1, feedback: true }),
    ).alert;
    const req = {
      kind: 'action',
      actionId: 'act-1',
      alertId: a.id,
      action: 'acknowledge',
      by: 'center:wang',
    } as const;
    expect(uplink.actions.apply(req)).toEqual({ applied: true, rev: 2, duplicate: false });
    expect(e.alerts.get(a.id)!.alert).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'center:wang' });
    expect(
      count(
        e,
        "SELECT COUNT(*) AS n FROM cmd_queue WHERE device_id = 'p1' AND payload LIKE '%alert.acknowledged%'",
      ),
    ).toBe(1);
    const results = () =>
      rows(e)
        .filter((r) => r.kind === 'action-result')
        .map((r) => JSON.parse(r.body));
    expect(results()).toEqual([
      { v: 1, kind: 'action-result', site: 'site1', actionId: 'act-1', alertId: a.id, applied: true, rev: 2 },
    ]);
    // the same request again (the center did not have the result yet): no new revision, no second result row
    expect(uplink.actions.apply(req)).toEqual({ applied: true, rev: 2, duplicate: true });
    expect(e.alerts.get(a.id)!.alert.rev).toBe(2);
    expect(results()).toHaveLength(1);
    // once the result has left, a repeated request is answered again
    uplink.store.receiptAction(CENTER, 'act-1');
    uplink.actions.apply(req);
    expect(results()).toHaveLength(1);
    // a second acknowledge (another center operator) is refused, not an error
    expect(uplink.actions.apply({ ...req, actionId: 'act-2', by: 'li' })).toEqual({
      applied: false,
      reason: 'ALREADY_ACKNOWLEDGED',
      duplicate: false,
    });
    expect(
      uplink.actions.apply({ ...req, actionId: 'act-3', action: 'resolve', outcome: 'assisted-on-site' }),
    ).toMatchObject({ applied: true, rev: 3 });
    expect(e.alerts.get(a.id)!.alert).toMatchObject({ state: 'resolved', resolvedBy: 'center:wang' });
    expect(uplink.actions.apply({ ...req, actionId: 'act-4', action: 'resolve' })).toMatchObject({
      applied: false,
      reason: 'ALREADY_RESOLVED',
    });
    expect(
      uplink.actions.apply({ ...req, actionId: 'act-5', action: 'note', note: 'called the son' }),
    ).toMatchObject({ applied: true, rev: 4 });
    expect(uplink.actions.apply({ ...req, actionId: 'act-6', alertId: 'al-none' })).toMatchObject({
      applied: false,
      reason: 'ALERT_NOT_FOUND',
    });
    expect(e.metrics.centerActions.get({ result: 'refused' })).toBe(3);
  });

  it('a malformed message from the center is refused with a counted reason', () => {
    const { e, uplink } = engineWithUplink();
    uplink.fromCenter(Buffer.from('{not json'), 'mqtt');
    uplink.fromCenter(
      Buffer.from(JSON.stringify({ kind: 'action', actionId: 'x', alertId: 'a', action: 'delete', by: 'c' })),
      'mqtt',
    );
    uplink.fromCenter({ kind: 'launch' }, 'webhook');
    expect(e.metrics.uplinkRefused.get({ reason: 'not-json' })).toBe(1);
    expect(e.metrics.uplinkRefused.get({ reason: 'action-kind' })).toBe(1);
    expect(e.metrics.uplinkRefused.get({ reason: 'kind' })).toBe(1);
  });
});

describe('path supervision', () => {
  it('a path silent past its supervision time raises its technical alert once; heard again, system resolves it', () => {
    const { e } = engineWithUplink();
    const opts = {
      path: 'mqtt',
      alertType: 'gateway.uplink-mqtt' as const,
      timeoutMs: 60_000,
      site: 'site1',
      clock: e.clock,
      metrics: e.metrics,
      alerts: e.alerts,
      log: silentLogger,
    };
    const m = new PathMonitor(opts);
    m.ok();
    expect(e.metrics.uplinkPathUp.get({ path: 'mqtt' })).toBe(1);
    e.clock.advance(60_000);
    m.check();
    expect(e.alerts.list({}).filter((a) => a.type === 'gateway.uplink-mqtt')).toHaveLength(0);
    e.clock.advance(1);
    m.check();
    m.check();
    const open = e.alerts.list({}).filter((a) => a.type === 'gateway.uplink-mqtt');
    expect(open).toMatchObject([{ state: 'raised', count: 1, severity: 'minor' }]);
    expect(e.metrics.uplinkPathUp.get({ path: 'mqtt' })).toBe(0);
    m.ok();
    expect(e.alerts.get(open[0]!.id)!.alert).toMatchObject({ state: 'resolved', resolvedBy: 'system' });
    // an alert left open by a previous process is resolved when the path is heard
    e.alerts.raiseTechnical('gateway.uplink-mqtt', 'site1', 'from before');
    const again = new PathMonitor({ ...opts, alertOpen: true });
    again.ok();
    expect(e.alerts.list({}).filter((a) => a.type === 'gateway.uplink-mqtt' && a.state === 'raised')).toEqual(
      [],
    );
  });
});
