// Neighbour responders benchmark (issue #15): a pendant press → the SMS request reaching the SMS
// gateway, for residents whose plan says "notify at once". A real gateway (embedded aedes,
// SQLite, registry), firmware-sim pendants, the simulated SMS gateway, all in this process (one
// clock): the time from just before the press is published to the SMS gateway's receipt.
// Run alone: `npm run bench -- responders`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevice, startSmsGateway } from '../firmware-sim/src/index.ts';
import { silentLogger, startGateway } from '../gateway/src/index.ts';
import { ResponderStore } from '../gateway/src/responders/store.ts';
import type { BenchResult } from './types.ts';

const RESIDENTS = 100;
const SECRET = 'bench-sms-secret-0123456789';

function p(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
}

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'linli-bench-resp-'));
  const sms = await startSmsGateway({ secret: SECRET });
  const gw = await startGateway({
    config: {
      dataDir: dir,
      mqtt: { port: 0, wsPort: -1, host: '127.0.0.1' },
      http: { port: -1 },
      responders: {
        notifierUrl: `${sms.url}/messages`,
        notifierSecret: SECRET,
        publicUrl: 'http://gateway.invalid',
      },
    },
    env: {},
    log: silentLogger,
  });
  const store = new ResponderStore(gw.engine.db);
  const devices = [];
  for (let i = 0; i < RESIDENTS; i++) {
    const r = gw.registry.createResident({ id: `res-${i}`, name: `居民${i}`, livesAlone: true });
    store.create(
      r.id,
      {
        name: `邻居${i}`,
        kind: 'volunteer',
        phone: `1380000${String(i).padStart(4, '0')}`,
        order: 0,
        consent: { givenBy: 'self', at: Date.now() },
      },
      'bench',
    );
    store.setPlan(r.id, { immediate: true }, 'bench');
    const secret = `bench-pendant-secret-${i}`;
    gw.registry.provision({ id: `p-${i}`, site: gw.config.site, kind: 'pendant', secret, residentId: r.id });
    devices.push(
      await startDevice({
        url: `mqtt://127.0.0.1:${gw.ports.mqtt}`,
        site: gw.config.site,
        id: `p-${i}`,
        secret,
        kind: 'pendant',
        heartbeatIntervalS: 0,
      }),
    );
  }
  const lat: number[] = [];
  for (let i = 0; i < RESIDENTS; i++) {
    const phone = `1380000${String(i).padStart(4, '0')}`;
    const t0 = Date.now();
    await devices[i]!.press();
    const m = await sms.waitFor((x) => x.to === phone, 10_000);
    lat.push(m.receivedAt - t0);
    await new Promise((r) => setTimeout(r, 20));
  }
  await Promise.all(devices.map((d) => d.stop()));
  await gw.stop();
  await sms.stop();
  rmSync(dir, { recursive: true, force: true });
  const p99 = p(lat, 0.99);
  return [
    {
      name: `press → SMS request received, immediate escalation, p99 (${RESIDENTS} presses)`,
      value: p99,
      unit: 'ms',
      target: '≤ 1000 ms',
      pass: p99 <= 1000,
      detail: `p50 ${p(lat, 0.5)} ms, max ${Math.max(...lat)} ms; duplicates at the SMS gateway: ${sms.counters.duplicates}`,
    },
  ];
}
