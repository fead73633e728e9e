// The engine behind the HTTP API: a press seen by the console, acknowledged over HTTP, heard by
// the device; /metrics carries the engine's counters. Real gateway, broker, SQLite and sockets.
import { type SimDevice, startDevice } from '@linli/firmware-sim';
import { type RunningGateway, silentLogger, startGateway } from '@linli/gateway';
import { afterEach, describe, expect, it } from 'vitest';
import { HMAC_KEY, provision, removeDir, secretOf, tempDir } from './gateway-helpers.ts';

let gw: RunningGateway | undefined;
let dir: string | undefined;
let dev: SimDevice | undefined;

afterEach(async () => {
  await dev?.crash().catch(() => {});
  dev = undefined;
  await gw?.stop();
  gw = undefined;
  removeDir(dir);
  dir = undefined;
});

describe('gateway engine behind the HTTP API', () => {
  it('press → console list → HTTP acknowledge → device hears alert.acknowledged; /metrics counts', async () => {
    dir = tempDir();
    provision(dir, (r) => {
      r.provision({ id: 'api1', site: 'site1', kind: 'wall-button', secret: secretOf('api1') });
    });
    const password = 'e2e-admin-password-1';
    gw = await startGateway({
      config: {
        dataDir: dir,
        hmacKey: HMAC_KEY,
        mqtt: { port: 0, wsPort: -1, host: '127.0.0.1' },
        http: { port: 0, host: '127.0.0.1' },
      },
      env: { LINLI_GW_ADMIN_PASSWORD: password },
      log: silentLogger,
      print: () => {},
    });
    const base = `http://127.0.0.1:${gw.ports.http}`;
    dev = await startDevice({
      url: `mqtt://127.0.0.1:${gw.ports.mqtt}`,
      site: 'site1',
      id: 'api1',
      secret: secretOf('api1'),
      kind: 'wall-button',
      heartbeatIntervalS: 0,
    });
    await dev.press();

    const login = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const list = (await (await fetch(`${base}/api/alerts`, { headers: { cookie } })).json()) as {
      alerts: { id: string; type: string; state: string; deviceId: string }[];
    };
    expect(list.alerts).toMatchObject([{ type: 'sos', state: 'raised', deviceId: 'api1' }]);
    const id = list.alerts[0]!.id;

    const heard = dev.waitForCommand('alert.acknowledged', 5000);
    const ack = await fetch(`${base}/api/alerts/${id}/ack`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(ack.status).toBe(200);
    expect(((await ack.json()) as { alert: { state: string; acknowledgedBy: string } }).alert).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: 'admin',
    });
    expect((await heard).command?.alertId).toBe(id);
    const again = await fetch(`${base}/api/alerts/${id}/ack`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(again.status).toBe(409);

    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/linli_gateway_events_stored_total\{source="mqtt",type="sos"\} 1/);
    expect(metrics).toContain('linli_gateway_alerts{state="acknowledged"} 1');
    expect(metrics).toMatch(/linli_gateway_store_latency_seconds_count [1-9]/);
  });
});
