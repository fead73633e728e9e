// The database's disk fills up under a running gateway (issue #10, chaos: disk full). Real
// gateway, embedded broker, real MQTT client, real SQLite file. The disk is a small tmpfs filled
// with a file (when this process may mount, as root in CI); otherwise SQLite is made to report
// SQLITE_FULL with PRAGMA max_page_count. While full: no PUBACK for what could not be stored,
// the reason in the log, the metric and /healthz, nothing crashes; when space is back the
// gateway recovers by itself and the device's retry is stored once.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Logger, type RunningGateway, startGateway } from '../../src/index.ts';

function tryMountTmpfs(dir: string): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0 || process.env.LINLI_TEST_NO_TMPFS)
    return false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m,mode=0700', 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Fill the file system holding `file` until it refuses another byte. */
function fillDisk(file: string): void {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
    const one = Buffer.alloc(1, 1);
    try {
      for (;;) writeSync(fd, one);
    } catch {
      // full to the last byte
    }
  } finally {
    closeSync(fd);
  }
}

describe('disk full under a running gateway', () => {
  let root: string;
  let dataDir: string;
  let mounted = false;
  let gw: RunningGateway;
  let device: MqttClient;
  const logs: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
  const log: Logger = {
    info: (msg, fields) => logs.push({ level: 'info', msg, ...(fields ? { fields } : {}) }),
    warn: (msg, fields) => logs.push({ level: 'warn', msg, ...(fields ? { fields } : {}) }),
    error: (msg, fields) => logs.push({ level: 'error', msg, ...(fields ? { fields } : {}) }),
  };
  const filler = () => join(dataDir, 'filler');

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'linli-gw-full-'));
    mounted = tryMountTmpfs(root);
    dataDir = join(root, 'data');
    gw = await startGateway({
      config: {
        dataDir,
        hmacKey: 'disk-full-test-key-0123456789',
        mqtt: { port: 0, wsPort: -1, host: '127.0.0.1' },
        http: { port: 0, host: '127.0.0.1' },
      },
      env: { LINLI_GW_ADMIN_PASSWORD: 'disk-full-admin-1' },
      log,
      print: () => {},
    });
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
    await gw?.stop();
    if (mounted) execFileSync('umount', ['-l', root]);
    rmSync(root, { recursive: true, force: true });
  });

  const health = async () => {
    const res = await fetch(`http://127.0.0.1:${gw.ports.http}/healthz`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const metrics = async () => (await fetch(`http://127.0.0.1:${gw.ports.http}/metrics`)).text();
  const sos = (n: number) =>
    JSON.stringify({ id: `e${n}`, seq: n, ts: Date.now(), type: 'sos', note: 'x'.repeat(200) });
  const stored = (id: string) =>
    (gw.engine.db.prepare('SELECT count(*) AS n FROM events WHERE event_id = ?').get(id) as { n: number }).n;

  it('refuses to acknowledge while full, says why, and recovers by itself when space is back', async () => {
    await device.publishAsync('linli/v1/s1/dev/p1/evt', sos(0), { qos: 1 });
    expect(stored('e0')).toBe(1);
    expect((await health()).status).toBe(200);

    if (mounted) fillDisk(filler());
    else {
      const pages = gw.engine.db.pragma('page_count', { simple: true }) as number;
      gw.engine.db.pragma(`max_page_count = ${pages}`);
    }

    // send until one is not acknowledged: free pages and WAL space already allocated are used first
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
    expect(pending, 'the disk never filled').toBeDefined();
    expect(stored(refusedId)).toBe(0);

    const down = await health();
    expect(down.status).toBe(503);
    expect(down.body.store).toMatchObject({ writable: false, problem: 'disk-full', code: 'SQLITE_FULL' });
    const text = await metrics();
    expect(text).toMatch(/^linli_gateway_store_writable 0$/m);
    expect(text).toMatch(/^linli_gateway_store_failures_total\{problem="disk-full"\} [1-9]/m);
    expect(logs.some((l) => l.level === 'error' && /not writable \(disk-full\)/.test(l.msg))).toBe(true);
    expect(logs.filter((l) => /not writable/.test(l.msg))).toHaveLength(1); // once, not per retry

    // space comes back; the device's own retry is stored and acknowledged
    if (mounted) unlinkSync(filler());
    else gw.engine.db.pragma('max_page_count = 1073741823');
    await pending;
    expect(stored(refusedId)).toBe(1);
    const up = await health();
    expect(up.status).toBe(200);
    expect(up.body.store).toEqual({ writable: true });
    expect(await metrics()).toMatch(/^linli_gateway_store_writable 1$/m);
    expect(logs.some((l) => l.level === 'info' && l.msg === 'database writable again')).toBe(true);
    // the alert folded each stored press once: the observer's count equals the stored rows
    const alerts = gw.engine.alerts.list({ deviceId: 'p1' });
    const rows = (
      gw.engine.db.prepare("SELECT count(*) AS n FROM events WHERE type = 'sos'").get() as { n: number }
    ).n;
    expect(alerts.reduce((sum, a) => sum + a.count, 0)).toBe(rows);
  });
});
