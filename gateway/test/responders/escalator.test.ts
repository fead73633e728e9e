// The escalator to responders on a real SQLite file, with a manual clock and a recording
// notifier: when each step is due, stop on acknowledgement, availability, the immediate plan,
// a restart (a new escalator on the same database), failures → gateway.notifier → next responder.

import { afterEach, describe, expect, it } from 'vitest';
import { runTx } from '../../src/db/tx.ts';
import { silentLogger } from '../../src/ingest/refusals.ts';
import { ResponderEscalator } from '../../src/responders/escalator.ts';
import type { OutgoingMessage } from '../../src/responders/notifier.ts';
import { ResponderStore } from '../../src/responders/store.ts';
import { makeEngine, type TestEngine } from '../engine/helpers.ts';

const AFTER = 60_000;
const ACCEPT = 120_000;

class Recorder {
  sent: OutgoingMessage[] = [];
  fail = 0;
  async send(m: OutgoingMessage): Promise<void> {
    if (this.fail > 0) {
      this.fail--;
      throw new Error('SMS gateway answered 503');
    }
    this.sent.push(m);
  }
}

let e: TestEngine;
afterEach(() => e?.cleanup());

function setup(o: { immediate?: boolean; hours?: (string | null)[] } = {}) {
  e = makeEngine({
    responders: { afterS: AFTER / 1000, acceptS: ACCEPT / 1000, notifierRetries: 1, checkIntervalS: 3600 },
  });
  const now = e.clock.now();
  e.db
    .prepare("INSERT INTO residents (id, name, created_at, updated_at) VALUES ('res-1', '王秀英', ?, ?)")
    .run(now, now);
  const store = new ResponderStore(e.db);
  const consent = { givenBy: 'self', at: now };
  const hours = o.hours ?? [null, null, null];
  const ids = ['李桂兰', '王小明', '网格员张'].map(
    (name, i) =>
      store.create(
        'res-1',
        {
          name,
          kind: i === 2 ? 'grid-worker' : 'volunteer',
          phone: `1380000000${i}`,
          order: i,
          hours: hours[i] ?? null,
          consent,
        },
        'admin',
      ).id,
  );
  if (o.immediate) store.setPlan('res-1', { immediate: true }, 'admin');
  return { ids, now };
}

function escalator(n: Recorder) {
  return new ResponderEscalator({
    db: e.db,
    alerts: e.alerts,
    bus: e.bus,
    directory: e.directory,
    config: e.config.responders,
    site: e.config.site,
    linkKey: Buffer.alloc(32, 1),
    clock: e.clock,
    log: silentLogger,
    notifier: n,
  });
}

const raise = () =>
  runTx(e.db, (tx) =>
    e.alerts.raise(tx, {
      type: 'sos',
      site: 'site1',
      deviceId: 'p-1',
      residentId: 'res-1',
      at: e.clock.now(),
    }),
  ).alert.id;
const settle = () => new Promise((r) => setImmediate(r));
async function tickAt(esc: ResponderEscalator, t: number) {
  e.clock.set(t);
  esc.tick();
  await settle();
  await settle();
}

describe('escalation to responders', () => {
  it('waits afterS for an operator, then one responder per acceptS, in order; nobody twice', async () => {
    const { ids, now } = setup();
    const n = new Recorder();
    const esc = escalator(n);
    const id = raise();
    await tickAt(esc, now + AFTER - 1);
    expect(n.sent).toEqual([]);
    await tickAt(esc, now + AFTER);
    await tickAt(esc, now + AFTER + 10);
    expect(n.sent.map((m) => m.responderId)).toEqual([ids[0]]);
    expect(n.sent[0]!.link).toMatch(/\/responder\/#/);
    await tickAt(esc, now + AFTER + ACCEPT - 1);
    expect(n.sent).toHaveLength(1);
    await tickAt(esc, now + AFTER + ACCEPT);
    expect(n.sent.map((m) => m.responderId)).toEqual([ids[0], ids[1]]);
    // the second accepts: no third
    e.alerts.acknowledge(id, `responder:${ids[1]}`);
    await tickAt(esc, now + AFTER + 3 * ACCEPT);
    expect(n.sent).toHaveLength(2);
    const notes = e.alerts.get(id)!.history.filter((h) => h.note?.startsWith('responder notified'));
    expect(notes).toHaveLength(2);
  });

  it('an operator acknowledging in time means no responder is called', async () => {
    const { now } = setup();
    const n = new Recorder();
    const esc = escalator(n);
    const id = raise();
    e.alerts.acknowledge(id, 'op1');
    await tickAt(esc, now + AFTER * 3);
    expect(n.sent).toEqual([]);
  });

  it('immediate plan: at once; a responder outside their hours is skipped', async () => {
    const { ids, now } = setup({ immediate: true, hours: ['00:00-00:01', null, null] });
    const n = new Recorder();
    const esc = escalator(n);
    raise();
    await tickAt(esc, now);
    expect(n.sent.map((m) => m.responderId)).toEqual([ids[1]]);
  });

  it('survives a restart: the next step is taken by the new escalator, the first responder is not called again', async () => {
    const { ids, now } = setup();
    const n1 = new Recorder();
    raise();
    await tickAt(escalator(n1), now + AFTER);
    expect(n1.sent).toHaveLength(1);
    const n2 = new Recorder();
    const esc2 = escalator(n2); // "after the restart"
    await tickAt(esc2, now + AFTER + 1);
    expect(n2.sent).toEqual([]);
    await tickAt(esc2, now + AFTER + ACCEPT);
    expect(n2.sent.map((m) => m.responderId)).toEqual([ids[1]]);
  });

  it('a message that keeps failing raises gateway.notifier and goes on to the next; a success restores it', async () => {
    const { ids, now } = setup();
    const n = new Recorder();
    n.fail = 2;
    const esc = escalator(n);
    raise();
    await tickAt(esc, now + AFTER); // attempt 1 fails
    await tickAt(esc, now + AFTER + 1000); // retry fails: failed, next responder due now
    await tickAt(esc, now + AFTER + 1001);
    expect(n.sent.map((m) => m.responderId)).toEqual([ids[1]]);
    const tech = e.alerts.list({ limit: 100 }).filter((a) => a.type === 'gateway.notifier');
    expect(tech).toHaveLength(1);
    expect(tech[0]!.state).toBe('resolved');
  });
});
