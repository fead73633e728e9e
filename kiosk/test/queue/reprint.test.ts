// Issue #10 defect 16: a closed ticket is not reprinted (it would print as a normal ticket,
// "前面还有 0 人"); an open one still is.
import { afterEach, describe, expect, it } from 'vitest';
import { QueueError } from '../../src/queue/errors.ts';
import { admin, makeEngine, type TestEngine } from './helpers.ts';

let t: TestEngine;
afterEach(() => t?.close());

describe('reprint', () => {
  it('refuses a cancelled ticket and allows a waiting one', () => {
    t = makeEngine();
    const waiting = t.engine.issue({ serviceId: 'general', source: 'anonymous' });
    expect(t.engine.reprint(waiting.ticket.id, admin)).toMatchObject({
      state: 'failed',
      reason: 'no printer configured',
    });
    const cancelled = t.engine.issue({ serviceId: 'general', source: 'anonymous' });
    t.engine.cancel(cancelled.ticket.id, admin);
    let refused: unknown;
    try {
      t.engine.reprint(cancelled.ticket.id, admin);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(QueueError);
    expect(refused).toMatchObject({ code: 'BAD_STATE' });
  });
});
