// The center's webhook under a flood of badly signed requests (real gateway, real HTTP): the
// address is blocked after webhookFailLimit failures (429, Retry-After, nothing verified), the
// block and the refusals show in /metrics, the log stays short, and a station posting from
// another address is not affected.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLogger } from '@linli/shared/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookHeaders } from '../../src/center/protocol.ts';
import { type RunningGateway, startGateway } from '../../src/index.ts';
import { alertMessage } from './station-sim.ts';

const LIMIT = 10;

/** POST from a chosen loopback address (127.0.0.x), so that the center sees two clients. */
function post(
  port: number,
  from: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; retryAfter?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/center/v1/ingest',
        method: 'POST',
        localAddress: from,
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: text,
            ...(typeof res.headers['retry-after'] === 'string'
              ? { retryAfter: res.headers['retry-after'] }
              : {}),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('center webhook: a flood of bad signatures', () => {
  let dir: string;
  let gw: RunningGateway;
  let secret: string;
  const { log, records } = memoryLogger('info');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'linli-center-flood-'));
    gw = await startGateway({
      config: {
        site: 'center',
        role: 'center',
        dataDir: dir,
        hmacKey: 'center-flood-hmac-key-0123456789',
        mqtt: { port: 0, wsPort: -1, host: '127.0.0.1' },
        http: { port: 0, host: '127.0.0.1' },
        center: { webhookFailLimit: LIMIT, webhookFailWindowS: 600 },
      },
      env: { LINLI_GW_ADMIN_PASSWORD: 'center-flood-admin-1' },
      log,
      print: () => {},
    });
    secret = (await gw.center!.center.stations.add('s1')).webhookSecret;
  });

  afterAll(async () => {
    await gw?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('blocks the address after the limit, counts it in /metrics, keeps the log short', async () => {
    const port = gw.ports.http!;
    const good = alertMessage('s1', { alertId: 'al-flood-1', rev: 1 });
    const goodBody = JSON.stringify(good);
    const bad = (i: number) => {
      const h = webhookHeaders('s1', secret, goodBody, good as never);
      // every kind of failure the guard counts: wrong signature, unknown site, no signature
      if (i % 3 === 0) h['x-linli-signature'] = `sha256=${'0'.repeat(64)}`;
      else if (i % 3 === 1) h['x-linli-site'] = `nobody-${i}`;
      else delete h['x-linli-signature'];
      return h;
    };
    const before = records.length;
    const answers: { status: number; retryAfter?: string }[] = [];
    // 300 bad requests, 20 at a time, from 127.0.0.2
    for (let i = 0; i < 300; i += 20) {
      const batch = await Promise.all(
        Array.from({ length: 20 }, (_, k) => post(port, '127.0.0.2', bad(i + k), goodBody)),
      );
      answers.push(...batch);
    }
    const refused401 = answers.filter((a) => a.status === 401).length;
    const blocked = answers.filter((a) => a.status === 429);
    // the first LIMIT were checked (401); once at the limit, nothing more is verified
    expect(refused401).toBeLessThanOrEqual(LIMIT + 20); // one batch may be in flight at the limit
    expect(refused401).toBeGreaterThanOrEqual(LIMIT);
    expect(blocked.length).toBe(300 - refused401);
    expect(Number(blocked[0]!.retryAfter)).toBeGreaterThan(500);

    // a correctly signed request from that address is refused too while it is blocked ...
    const fromBlocked = await post(
      port,
      '127.0.0.2',
      webhookHeaders('s1', secret, goodBody, good as never),
      goodBody,
    );
    expect(fromBlocked.status).toBe(429);
    // ... and the station posting from its own address is stored
    const fromStation = await post(
      port,
      '127.0.0.3',
      webhookHeaders('s1', secret, goodBody, good as never),
      goodBody,
    );
    expect(fromStation.status, fromStation.body).toBe(200);
    expect(JSON.parse(fromStation.body)).toMatchObject({ stored: true, duplicate: false });

    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const value = (re: RegExp) => Number(re.exec(metrics)?.[1] ?? Number.NaN);
    expect(value(/^linli_gateway_center_webhook_address_blocks_total (\d+)$/m)).toBe(1);
    expect(value(/^linli_gateway_center_webhook_addresses_blocked (\d+)$/m)).toBe(1);
    expect(
      value(/^linli_gateway_center_refused_total\{path="webhook",reason="address-blocked"\} (\d+)$/m),
    ).toBe(blocked.length + 1);
    const failures = ['bad-signature', 'unknown-site', 'no-signature']
      .map((r) =>
        value(
          new RegExp(`^linli_gateway_center_refused_total\\{path="webhook",reason="${r}"\\} (\\d+)$`, 'm'),
        ),
      )
      .reduce((a, b) => a + (Number.isNaN(b) ? 0 : b), 0);
    expect(failures).toBe(refused401);

    // 301 refusals, a short log (throttled per reason and per minute)
    const written = records.length - before;
    expect(written).toBeLessThan(60);
    expect(records.filter((r) => /address blocked/.test(r.msg))).toHaveLength(1);
  });
});
