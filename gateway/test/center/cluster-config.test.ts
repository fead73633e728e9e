// Several center instances behind one external broker (docs/center-cluster.md): the share group
// and instance id keys, refused loudly where they cannot work, and what they make of the
// center's MQTT subscription and client id.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CenterBrokerClient, centerAlertFilter, centerClientId } from '../../src/center/external-broker.ts';
import { run } from '../../src/cli/main.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/ingest/refusals.ts';
import { verifyMosquittoHash } from '../../src/registry/mosquitto.ts';

const CENTER = {
  LINLI_GW_ROLE: 'center',
  LINLI_GW_BROKER_URL: 'mqtt://127.0.0.1:1883',
  LINLI_GW_BROKER_USERNAME: 'linli-center',
  LINLI_GW_BROKER_PASSWORD: 'center-broker-password',
};

describe('center cluster config', () => {
  it('reads the share group and the instance id', () => {
    const c = loadConfig(
      {},
      { ...CENTER, LINLI_GW_CENTER_SHARE_GROUP: 'centers', LINLI_GW_CENTER_INSTANCE: 'c2' },
    );
    expect(c.center).toMatchObject({ shareGroup: 'centers', instanceId: 'c2' });
    // the defaults: one instance
    expect(loadConfig({}, CENTER).center).toMatchObject({ shareGroup: '', instanceId: '' });
  });

  it('refuses a share group without an instance id, without an external broker, or at a station', () => {
    expect(() => loadConfig({}, { ...CENTER, LINLI_GW_CENTER_SHARE_GROUP: 'centers' })).toThrow(
      /center.instanceId: a center in a share group needs its own instance id/,
    );
    expect(() =>
      loadConfig(
        {},
        { LINLI_GW_ROLE: 'center', LINLI_GW_CENTER_SHARE_GROUP: 'centers', LINLI_GW_CENTER_INSTANCE: 'c1' },
      ),
    ).toThrow(/center.shareGroup: several center instances share an external broker/);
    expect(() => loadConfig({}, { LINLI_GW_CENTER_SHARE_GROUP: 'centers' })).toThrow(
      /center.shareGroup: is for role center/,
    );
    expect(() => loadConfig({}, { LINLI_GW_CENTER_INSTANCE: 'c1' })).toThrow(
      /center.instanceId: is for role center/,
    );
    // a name that would change the topic filter
    expect(() => loadConfig({}, { ...CENTER, LINLI_GW_CENTER_SHARE_GROUP: 'a/b' })).toThrow(
      /center.shareGroup/,
    );
    expect(() => loadConfig({}, { ...CENTER, LINLI_GW_CENTER_INSTANCE: 'c+1' })).toThrow(/center.instanceId/);
  });

  it('center.keepAliveS: default 15 s, whole seconds 1..65535, at a center', () => {
    expect(loadConfig({}, CENTER).center.keepAliveS).toBe(15);
    expect(loadConfig({}, { ...CENTER, LINLI_GW_CENTER_KEEPALIVE_S: '5' }).center.keepAliveS).toBe(5);
    for (const bad of ['0', '1.5', '65536', 'soon'])
      expect(() => loadConfig({}, { ...CENTER, LINLI_GW_CENTER_KEEPALIVE_S: bad }), bad).toThrow(
        /center.keepAliveS/,
      );
  });

  it("the center's CONNECT carries center.keepAliveS (read off the wire)", async () => {
    // a bare TCP listener: the first packet MQTT.js sends is the CONNECT
    let received: (b: Buffer) => void = () => {};
    const first = new Promise<Buffer>((r) => {
      received = r;
    });
    const socks = new Set<import('node:net').Socket>();
    const server = createServer((sock) => {
      socks.add(sock);
      let buf = Buffer.alloc(0);
      sock.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        if (buf.length >= 12) received(buf);
      });
      sock.on('error', () => {});
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const c = new CenterBrokerClient({
      url: `mqtt://127.0.0.1:${port}`,
      instanceId: 'c1',
      shareGroup: 'centers',
      keepAliveS: 7,
      stations: { authenticate: async () => false, receive: async () => {}, onSubscribe: () => {} },
      log: silentLogger,
    });
    const started = c.start().then(
      () => 'connected',
      (err: Error) => err.message,
    );
    try {
      const b = await first;
      expect(b[0]).toBe(0x10); // CONNECT
      // remaining length (1 byte here), then 00 04 "MQTT", level 5, flags, keep-alive
      let i = 1;
      while (b[i]! & 0x80) i++;
      i++;
      expect(b.subarray(i, i + 6).toString('latin1')).toBe('\u0000\u0004MQTT');
      expect(b[i + 6]).toBe(5);
      expect(b.readUInt16BE(i + 8)).toBe(7);
    } finally {
      await c.stop().catch(() => {});
      for (const s of socks) s.destroy();
      await new Promise((r) => server.close(r));
    }
    // stopped before any CONNACK: start() settles, saying so
    expect(await started).toMatch(/stopped before it connected/);
  });

  it('subscribes through the share group and names the client by instance', () => {
    expect(centerAlertFilter('')).toBe('linli/v1/center/+/alert');
    expect(centerAlertFilter('centers')).toBe('$share/centers/linli/v1/center/+/alert');
    expect(centerClientId('')).toBe('linli-center');
    expect(centerClientId('c2')).toBe('linli-center-c2');
  });
});

describe('center mosquitto-files --instances', () => {
  const dir = mkdtempSync(join(tmpdir(), 'linli-center-cluster-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cli = async (env: Record<string, string>, ...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await run(argv, {
      out: (s) => out.push(s),
      err: (s) => err.push(s),
      env: { LINLI_GW_DATA_DIR: dir, LINLI_GW_HMAC_KEY: 'center-cluster-hmac-key-0123', ...env },
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('writes one account per instance, each reading every station topic, each password shown once', async () => {
    expect((await cli({}, 'center', 'station', 'add', 'st9')).code).toBe(0);
    const out = join(dir, 'mq');
    const r = await cli({}, 'center', 'mosquitto-files', out, '--instances', 'c1,c2');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/accounts linli-center-c1, linli-center-c2/);
    const shown = [...r.out.matchAll(/^ {2}(linli-center-c\d): (\S+)$/gm)].map(
      (m) => [m[1]!, m[2]!] as const,
    );
    expect(shown.map(([u]) => u)).toEqual(['linli-center-c1', 'linli-center-c2']);
    expect(shown[0]![1]).not.toBe(shown[1]![1]);
    const acl = readFileSync(join(out, 'acl_file'), 'utf8');
    for (const u of ['linli-center-c1', 'linli-center-c2'])
      expect(acl).toContain(`user ${u}\ntopic readwrite linli/v1/center/#`);
    expect(acl).not.toMatch(/^user linli-center$/m);
    const pw = Object.fromEntries(
      readFileSync(join(out, 'password_file'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]),
    );
    for (const [u, p] of shown) expect(verifyMosquittoHash(p, pw[u]!)).toBe(true);
    // the client id Mosquitto gives each (its username) is the one the instance asks for
    expect(centerClientId('c1')).toBe('linli-center-c1');
    // a password from the environment is used for every instance and not printed
    const given = await cli(
      { LINLI_GW_BROKER_PASSWORD: 'given-broker-password-0123' },
      'center',
      'mosquitto-files',
      out,
      '--instances',
      'c1',
    );
    expect(given.out).not.toMatch(/generated password/);
    // refused, said why
    const bad = await cli({}, 'center', 'mosquitto-files', out, '--instances', 'c1,c1');
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/--instances: instance id c1 given twice/);
    const badName = await cli({}, 'center', 'mosquitto-files', out, '--instances', 'c/1');
    expect(badName.err).toMatch(/--instances: instance id "c\/1" must match/);
  });
});
