// Connection admission (broker/admission.ts): at most maxInFlight logins at once, at most perTurn
// started per event-loop turn, FIFO, a slot freed by its release, its timeout or a cancel.
import { describe, expect, it } from 'vitest';
import { ConnectAdmission } from '../../src/broker/admission.ts';

const turn = () => new Promise((r) => setImmediate(r));

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('ConnectAdmission', () => {
  it('runs at most maxInFlight at once, the rest in arrival order as slots free', async () => {
    const a = new ConnectAdmission({ maxInFlight: 2, perTurn: 100, slotTimeoutMs: 60_000 });
    const started: number[] = [];
    const releases: (() => void)[] = [];
    for (let i = 0; i < 5; i++)
      a.enter((release) => {
        started.push(i);
        releases.push(release);
      });
    await turn();
    expect(started).toEqual([0, 1]);
    expect(a.depth).toBe(3);
    releases[0]!();
    releases[0]!(); // idempotent: frees one slot only
    await until(() => started.length === 3);
    await turn();
    expect(started).toEqual([0, 1, 2]);
    releases[1]!();
    releases[2]!();
    await until(() => started.length === 5);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(a.queued).toBe(3);
    expect(a.admitted).toBe(5);
  });

  it('starts at most perTurn per event-loop turn', async () => {
    const a = new ConnectAdmission({ maxInFlight: 1000, perTurn: 3, slotTimeoutMs: 60_000 });
    let started = 0;
    for (let i = 0; i < 10; i++) a.enter(() => started++);
    expect(started).toBe(3); // the first three at once, in this turn
    await turn();
    expect(started).toBe(6);
    await until(() => started === 10);
  });

  it('frees a slot whose CONNACK never comes after slotTimeoutMs', async () => {
    const a = new ConnectAdmission({ maxInFlight: 1, perTurn: 10, slotTimeoutMs: 50 });
    const started: number[] = [];
    a.enter(() => started.push(1)); // never released
    a.enter(() => started.push(2));
    await turn();
    expect(started).toEqual([1]);
    await until(() => started.length === 2);
  });

  it('skips a waiting connection that was cancelled (closed while it waited)', async () => {
    const a = new ConnectAdmission({ maxInFlight: 1, perTurn: 10, slotTimeoutMs: 60_000 });
    const started: number[] = [];
    let release = () => {};
    a.enter((r) => {
      started.push(1);
      release = r;
    });
    const cancel = a.enter(() => started.push(2));
    a.enter(() => started.push(3));
    cancel();
    release();
    await until(() => started.length === 2);
    await turn();
    expect(started).toEqual([1, 3]);
  });
});
