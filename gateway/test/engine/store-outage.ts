// A running gateway whose database stops taking writes (issue #10, chaos: disk full, read-only).
// Real gateway, embedded broker, real MQTT client, real SQLite file. `outage.break` makes the
// store refuse writes, `outage.repair` gives them back; the suite checks the promise: no PUBACK
// for what could not be stored, the reason in the log, the metric and /healthz, nothing crashes;
// once repaired the gateway recovers by itself and the device's retry is stored once.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLogger } from '@linli/shared/service';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningGateway, startGateway } from '../../src/index.ts';

/** A small tmpfs on `dir` when this process may mount (root in CI). */
export function tryMountTmpfs(dir: string): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0 || process.env.LINLI_TEST_NO_TMPFS)
    return false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m,mode=0700', 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface OutageContext {
  gw: RunningGateway;
  /** The directory the gateway's data lives in. */
  dataDir: string;
  /** The tmpfs mount point holding dataDir, when one could be mounted. */
  mount: string | undefined;
}

export interface Outage {
  /** Make the store refuse writes. */
  break(ctx: OutageContext): void;
  /** Give the writes back. */
  repair(ctx: OutageContext): void;
  /** What the gateway must call it: store problem and SQLite code. */
  problem: string;
  code: string;
}

export function storeOutageSuite(title: string, outage: Outage): void {
  describe(title, () => {
    let root: string;
    let ctx: OutageContext;
    let device: MqttClient;
    const { log, records: logs } = memoryLogger('info');

    beforeAll(async () => {
      root = mkdtempSync(join(tmpdir(), 'linli-gw-outage-'));
      const mount = tryMountTmpfs(root) ? root : undefined;
      const dataDir = join(root, 'data');
      const gw = await startGateway({
        config: {
          dataDir,
          hmacKey: 'store-outage-test-key-0123456789',
          mqtt: { port: 0, wsPort: -1, host: '127.0.0.1' },
          http: { port: 0, host: '127.0.0.1' },
        },
        env: { LINLI_GW_ADMIN_PASSWORD: 'store-outage-admin-1' },
        log,
        print: () => {},
      });
      ctx = { gw, dataDir, mount };
      const secret = gw.registry.provision({ id: 'p1', site: 's1', kind: 'pendant' }).secret!;
      device = await mqtt.connectAsync(`mqtt://127.0.0.1:${gw.ports.mqtt}`, {
        username: 'p1',
        password: secret,
        clientId: 'linli-s1-p1',
        clean: false,
        // a device retries what was not acknowledged: reconnect and resend
        reconnectPeriod: 50,
        connectTimeout: 5000,
      });
    });
    afterAll(async () => {
      await device?.endAsync(true);
      await ctx?.gw.stop();
      if (ctx?.mount) execFileSync('umount', ['-l', ctx.mount]);
      rmSync(root, { recursive: true, force: true });
    });

    const health = async () => {
      const res = await fetch(`http://127.0.0.1:${ctx.gw.ports.http}/healthz`);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const metrics = async () => (await fetch(`http://127.0.0.1:${ctx.gw.ports.http}/metrics`)).text();
    const sos = (n: number) =>
      JSON.stringify({ id: `e${n}`, seq: n, ts: Date.now(), type: 'sos', note: 'x'.repeat(200) });
    const count = (sql: string, ...args: unknown[]) =>
      (ctx.gw.engine.db.prepare(sql).get(...args) as { n: number }).n;
    const stored = (id: string) => count('SELECT count(*) AS n FROM events WHERE event_id = ?', id);

    it('refuses to acknowledge while it cannot store, says why, and recovers by itself', async () => {
      await device.publishAsync('linli/v1/s1/dev/p1/evt', sos(0), { qos: 1 });
      expect(stored('e0')).toBe(1);
      expect((await health()).status).toBe(200);

      outage.break(ctx);

      // send until one is not acknowledged: space already allocated may be used first
      let pending: Promise<unknown> | undefined;
      let refusedId = '';
      for (let n = 1; n <= 2000 && !pending; n++) {
        const closed = new Promise<'closed'>((resolve) => device.once('close', () => resolve('closed')));
        const acked = device.publishAsync('linli/v1/s1/dev/p1/evt', sos(n), { qos: 1 });
        const first = await Promise.race([acked.then(() => 'acked' as const), closed]);
        if (first === 'closed') {
          pending = acked;
          refusedId = `e${n}`;
        }
      }
      expect(pending, 'the store never refused a write').toBeDefined();
      expect(stored(refusedId)).toBe(0);

      const { problem, code } = outage;
      const down = await health();
      expect(down.status).toBe(503);
      expect(down.body.store).toMatchObject({ writable: false, problem, code });
      const text = await metrics();
      expect(text).toMatch(/^linli_gateway_store_writable 0$/m);
      expect(text).toMatch(
        new RegExp(`^linli_gateway_store_failures_total\\{problem="${problem}"\\} [1-9]`, 'm'),
      );
      const notWritable = logs.filter((l) => /not writable/.test(l.msg));
      expect(notWritable).toHaveLength(1); // once, not per retry
      expect(notWritable[0]).toMatchObject({ level: 'error', fields: { problem, code } });

      // writes come back; the device's own retry is stored and acknowledged
      outage.repair(ctx);
      await pending;
      expect(stored(refusedId)).toBe(1);
      const up = await health();
      expect(up.status).toBe(200);
      expect(up.body.store).toEqual({ writable: true });
      expect(await metrics()).toMatch(/^linli_gateway_store_writable 1$/m);
      expect(logs.some((l) => l.level === 'info' && l.msg === 'database writable again')).toBe(true);
      // the alert folded each stored press once: the observer's count equals the stored rows
      const alerts = ctx.gw.engine.alerts.list({ deviceId: 'p1' });
      const rows = count("SELECT count(*) AS n FROM events WHERE type = 'sos'");
      expect(alerts.reduce((sum, a) => sum + a.count, 0)).toBe(rows);
    });
  });
}
