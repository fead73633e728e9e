import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveApiConfig } from '../../src/api/config.ts';
import { DEFAULT_CONFIG, loadConfig } from '../../src/config.ts';
import { migrate, readMigrations, schemaVersion } from '../../src/db/migrate.ts';
import { openDb } from '../../src/db/open.ts';
import { Metrics } from '../../src/metrics.ts';
import { tempDir } from './helpers.ts';

describe('config', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({}, {});
    expect(c).toMatchObject({
      dataDir: './data/gateway',
      role: 'edge',
      http: { port: 8080 },
      mqtt: { port: 1883, wsPort: 9001 },
    });
    expect(c.alerts.escalation.critical[0]).toBe(60);
    expect(c.supervision.welfareCheckHours).toBe(24);
    expect(DEFAULT_CONFIG.site).toBe('site1');
  });

  it('takes LINLI_GW_* environment overrides over code overrides', () => {
    const c = loadConfig(
      { site: 'a' },
      {
        LINLI_GW_SITE: 'station-7',
        LINLI_GW_MQTT_PORT: '0',
        LINLI_GW_ROLE: 'center',
        LINLI_GW_CENTER_STATION_TIMEOUT_S: '90',
        LINLI_GW_ESCALATION_CRITICAL: '30,90',
        LINLI_GW_ZIGBEE_BRIDGE: 'z2m:longenoughpw',
        LINLI_GW_SECURE_COOKIES: 'true', // owned by the API: accepted, not read here
      },
    );
    expect(c).toMatchObject({
      site: 'station-7',
      role: 'center',
      mqtt: { port: 0 },
      center: { stationTimeoutS: 90, replayWindowS: 300 },
    });
    expect(loadConfig({}, { LINLI_GW_BROKER_URL: 'mqtts://broker.example:8883' }).mqtt.brokerUrl).toBe(
      'mqtts://broker.example:8883',
    );
    // the center behind an external broker needs its own account there, said loudly
    expect(() =>
      loadConfig({}, { LINLI_GW_ROLE: 'center', LINLI_GW_BROKER_URL: 'mqtts://broker.example:8883' }),
    ).toThrow(/mqtt.username: role center on an external broker/);
    expect(
      loadConfig(
        {},
        {
          LINLI_GW_ROLE: 'center',
          LINLI_GW_BROKER_URL: 'mqtt://127.0.0.1:1883',
          LINLI_GW_BROKER_USERNAME: 'linli-center',
          LINLI_GW_BROKER_PASSWORD: 'center-broker-password',
        },
      ).mqtt.brokerUrl,
    ).toBe('mqtt://127.0.0.1:1883');
    expect(c.alerts.escalation.critical).toEqual([30, 90]);
    expect(c.mqtt.zigbeeBridges).toEqual([{ username: 'z2m', password: 'longenoughpw' }]);
  });

  it('reads the broker protection and supervision keys (issue #10)', () => {
    const c = loadConfig(
      {},
      {
        LINLI_GW_AUTH_FAIL_LIMIT: '5',
        LINLI_GW_AUTH_FAIL_WINDOW_S: '30',
        LINLI_GW_AUTH_BLOCK_S: '600',
        LINLI_GW_BROKER_SUPERVISION_S: '15',
        LINLI_GW_QUEUE_EVENTS_PER_S: '20',
        LINLI_GW_QUEUE_OUTAGE_S: '3600',
      },
    );
    expect(c.mqtt).toMatchObject({
      authFailLimit: 5,
      authFailWindowS: 30,
      authBlockS: 600,
      brokerSupervisionS: 15,
      queueEventsPerS: 20,
      queueOutageS: 3600,
    });
    expect(loadConfig({}, {}).mqtt).toMatchObject({
      authFailLimit: 10,
      authFailWindowS: 60,
      authBlockS: 120,
      brokerSupervisionS: 30,
      queueEventsPerS: 150,
      queueOutageS: 600,
    });
  });

  it('refuses an unknown LINLI_GW_* variable, naming the nearest known one', () => {
    expect(() => loadConfig({}, { LINLI_GW_ESCALATON_CRITICAL: '30' })).toThrow(
      'config LINLI_GW_ESCALATON_CRITICAL: unknown setting; did you mean LINLI_GW_ESCALATION_CRITICAL?',
    );
    expect(() => loadConfig({}, { LINLI_GW_SESSION_SECRET: 'read by nobody' })).toThrow(/unknown setting/);
    // other prefixes belong to other processes sharing the environment
    expect(
      loadConfig({}, { LINLI_KIOSK_PORT: '1', LINLI_SIM_STATE_DIR: '/tmp', LINLI_DATA_DIR: '/x' }).site,
    ).toBe('site1');
  });

  it("keeps the HTTP API's section from code for the API's own loader, which checks it key by key", () => {
    const c = loadConfig({ api: { sseKeepAliveS: 1 } } as Parameters<typeof loadConfig>[0], {});
    expect(resolveApiConfig(c, {}).sseKeepAliveS).toBe(1);
    const typo = loadConfig({ api: { sseKeepAlive: 1 } } as Parameters<typeof loadConfig>[0], {});
    expect(() => resolveApiConfig(typo, {})).toThrow(/sseKeepAlive.*unknown key; did you mean sseKeepAliveS/);
  });

  it('names the bad key', () => {
    expect(() => loadConfig({}, { LINLI_GW_MQTT_PORT: 'abc' })).toThrow(
      /config mqtt.port: must be a port .*, got "abc" \(env LINLI_GW_MQTT_PORT\)/,
    );
    expect(() => loadConfig({}, { LINLI_GW_ROLE: 'boss' })).toThrow(
      /config role: must be "edge" or "center"/,
    );
    expect(() => loadConfig({}, { LINLI_GW_SITE: 'a/b' })).toThrow(/config site/);
    expect(() => loadConfig({}, { LINLI_GW_BROKER_URL: 'http://x' })).toThrow(/mqtt.brokerUrl/);
    expect(() => loadConfig({}, { LINLI_GW_ESCALATION_CRITICAL: '60,-1' })).toThrow(
      /LINLI_GW_ESCALATION_CRITICAL/,
    );
    expect(() => loadConfig({ alerts: { escalation: { major: [60, 30] } } }, {})).toThrow(
      /alerts.escalation.major: levels/,
    );
    expect(() => loadConfig({ http: { port: 70000 } }, {})).toThrow(/http.port/);
    expect(() => loadConfig({ hmacKey: 'short' }, {})).toThrow(/hmacKey/);
    expect(() => loadConfig({}, { LINLI_GW_AUTH_FAIL_LIMIT: '0' })).toThrow(/mqtt.authFailLimit/);
    expect(() => loadConfig({}, { LINLI_GW_BROKER_SUPERVISION_S: '0' })).toThrow(/mqtt.brokerSupervisionS/);
    expect(() => loadConfig({}, { LINLI_GW_QUEUE_OUTAGE_S: 'long' })).toThrow(/LINLI_GW_QUEUE_OUTAGE_S/);
    try {
      loadConfig({}, { LINLI_GW_HTTP_PORT: 'x' });
    } catch (err) {
      expect(err).toMatchObject({ code: 'CONFIG', key: 'http.port', variable: 'LINLI_GW_HTTP_PORT' });
    }
  });
});

describe('migrations', () => {
  it('applies numbered migrations once, in order, storing the schema version', () => {
    const dir = tempDir();
    const mdir = join(dir, 'm');
    mkdirSync(mdir);
    writeFileSync(join(mdir, '001_a.sql'), 'CREATE TABLE a (x INTEGER);');
    writeFileSync(join(mdir, '002_b.sql'), 'CREATE TABLE b (x INTEGER);');
    writeFileSync(join(mdir, 'README.md'), 'not a migration');
    const db = openDb(join(dir, 'db.sqlite'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(migrate(db, readMigrations(mdir))).toEqual(['001_a.sql', '002_b.sql']);
    expect(migrate(db, readMigrations(mdir))).toEqual([]);
    expect(schemaVersion(db)).toBe(2);
    writeFileSync(join(mdir, '003_bad.sql'), 'CREATE TABLE c (x INTEGER); CREATE TABLE a (y);');
    expect(() => migrate(db, readMigrations(mdir))).toThrow(/003_bad.sql failed/);
    // the failed migration left nothing behind
    expect(db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'c'").get()).toEqual({ n: 0 });
    expect(schemaVersion(db)).toBe(2);
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the shipped migrations apply to an empty database', () => {
    const dir = tempDir();
    const db = openDb(join(dir, 'g.db'));
    const applied = migrate(db);
    expect(applied[0]).toBe('001_engine.sql');
    expect(schemaVersion(db)).toBeGreaterThanOrEqual(1);
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('metrics', () => {
  it('renders Prometheus text with counters, histogram and gauges', async () => {
    const m = new Metrics();
    m.refused.inc({ reason: 'acl' });
    m.refused.inc({ reason: 'acl' });
    m.eventsIn.inc({ kind: 'evt' });
    m.storeLatency.observe(0.003);
    m.setGaugeSource({
      alertsByState: () => ({ raised: 2 }),
      devicesOnline: () => ({ online: 5, offline: 1 }),
    });
    const text = await m.render();
    expect(text).toContain('linli_gateway_messages_refused_total{reason="acl"} 2');
    expect(text).toContain('linli_gateway_events_in_total{kind="evt"} 1');
    expect(text).toContain('linli_gateway_store_latency_seconds_bucket{le="0.005"} 1');
    expect(text).toContain('linli_gateway_store_latency_seconds_bucket{le="0.002"} 0');
    expect(text).toContain('linli_gateway_alerts{state="raised"} 2');
    expect(text).toContain('linli_gateway_devices{state="online"} 5');
    expect(text).toMatch(/# TYPE linli_gateway_store_latency_seconds histogram/);
  });
});
