// Station mode: simulated stations on a real aedes broker, a stand-in center (one MQTT client)
// answering each revision with its `stored` receipt; paced and closed-loop phases on the same
// connections, periodic supervision from every station.
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectStations, runStationLoad } from '../src/index.ts';
import { type AedesBroker, startAedes } from './helpers/brokers.ts';

const sites = ['st01', 'st02', 'st03', 'st04', 'st05'];
const parse = (b: Buffer) => JSON.parse(b.toString()) as { kind: string; alertId?: string; rev?: number };

describe('station mode', () => {
  let broker: AedesBroker;
  beforeAll(async () => {
    broker = await startAedes();
  });
  afterAll(async () => {
    await broker.stop();
  });

  it('offers a paced rate, then keeps a fixed number in flight, timed to the center’s receipts', async () => {
    const center = await mqtt.connectAsync(broker.url, { clientId: 'center' });
    const kinds = new Map<string, number>();
    center.on('message', (topic, payload) => {
      const m = parse(payload);
      kinds.set(m.kind, (kinds.get(m.kind) ?? 0) + 1);
      if (m.kind !== 'alert') return;
      const site = topic.split('/')[3]!;
      center.publish(
        `linli/v1/center/${site}/ack`,
        JSON.stringify({ v: 1, kind: 'stored', alertId: m.alertId, rev: m.rev }),
        { qos: 1 },
      );
    });
    await center.subscribeAsync('linli/v1/center/+/alert', { qos: 1 });
    const st = await connectStations({
      url: broker.url,
      stations: sites.map((site) => ({ site })),
      receipts: true,
      supervisionS: 0.2,
    });
    try {
      expect(st.connected).toBe(5);
      const paced = await st.paced(50, 1);
      expect(paced).toMatchObject({ sent: 50, done: 50 });
      expect(paced.latencyMs.p50).toBeGreaterThan(0);
      expect(paced.latencyMs.p99).toBeLessThanOrEqual(paced.latencyMs.max);
      const closed = await st.closedLoop(4, 1);
      expect(closed.done).toBe(closed.sent);
      expect(closed.ratePerS).toBeGreaterThan(0);
      // every station supervised at connect and again on its interval
      const deadline = Date.now() + 20_000;
      while (st.supervisionSent < 3 * sites.length && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(st.supervisionSent).toBeGreaterThanOrEqual(3 * sites.length);
      expect(kinds.get('alert')).toBe(50 + closed.sent);
      const clientIds = new Set(broker.published.map((p) => p.clientId));
      for (const site of sites) expect(clientIds.has(`station-${site}`)).toBe(true);
    } finally {
      await st.close();
      await center.endAsync();
    }
  });

  it('against a raw broker times the PUBACK; runStationLoad is one phase between connect and close', async () => {
    const r = await runStationLoad({
      url: broker.url,
      stations: sites.map((site) => ({ site })),
      inFlight: 3,
      durationS: 0.5,
      receipts: false,
    });
    expect(r).toMatchObject({ stations: 5, connected: 5 });
    expect(r.done).toBe(r.sent);
    expect(r.sent).toBeGreaterThan(0);
  });
});
