// The simulated SMS gateway: a well-signed message is recorded once, a bad or stale signature is
// refused, a repeated message id is dropped, failing on purpose answers 503.
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type SmsGatewaySim, startSmsGateway } from '../src/sms/gateway.ts';

const SECRET = 'sms-secret-0123456789';
let sim: SmsGatewaySim;
afterEach(() => sim?.stop());

function post(body: object, o: { ts?: number; secret?: string } = {}) {
  const text = JSON.stringify(body);
  const ts = String(o.ts ?? Date.now());
  const sig = createHmac('sha256', o.secret ?? SECRET)
    .update(`${ts}.${text}`)
    .digest('hex');
  return fetch(`${sim.url}/messages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-linli-timestamp': ts,
      'x-linli-signature': `sha256=${sig}`,
    },
    body: text,
  });
}

const msg = { id: 'msg-1', to: '13800000001', text: 'hi', link: 'http://127.0.0.1:1/responder/#a.b' };

describe('simulated SMS gateway', () => {
  it('records a signed message once and drops a repeat', async () => {
    sim = await startSmsGateway({ secret: SECRET });
    expect((await post(msg)).status).toBe(200);
    expect((await post(msg)).status).toBe(200);
    expect(sim.messages.map((m) => m.id)).toEqual(['msg-1']);
    expect(sim.counters).toMatchObject({ accepted: 1, duplicates: 1 });
    const listed = (await (await fetch(`${sim.url}/sim/messages?to=13800000001`)).json()) as {
      messages: unknown[];
    };
    expect(listed.messages).toHaveLength(1);
  });
  it('refuses a wrong or stale signature; fails on purpose when told', async () => {
    sim = await startSmsGateway({ secret: SECRET });
    expect((await post(msg, { secret: 'another-secret-0123456789' })).status).toBe(401);
    expect((await post(msg, { ts: Date.now() - 3_600_000 })).status).toBe(401);
    sim.failNext(1);
    expect((await post(msg)).status).toBe(503);
    expect((await post(msg)).status).toBe(200);
    expect(sim.counters).toMatchObject({ badSignature: 2, failedOnPurpose: 1, accepted: 1 });
  });
});
