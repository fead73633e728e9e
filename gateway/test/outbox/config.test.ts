// The uplink section (LINLI_GW_UPLINK_*): read through the shared loader, refused loudly when
// inconsistent.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { uplinkConfigured } from '../../src/outbox/index.ts';

describe('uplink config', () => {
  it('is off by default and read from LINLI_GW_UPLINK_*', () => {
    const d = loadConfig({}, {});
    expect(uplinkConfigured(d)).toBe(false);
    expect(d.uplink).toMatchObject({ supervisionS: 30, window: 32, maxDepth: 10_000, destinations: [] });
    const c = loadConfig(
      {},
      {
        LINLI_GW_UPLINK_MQTT_URL: 'mqtts://center.example:8883',
        LINLI_GW_UPLINK_CA_FILE: '/etc/linli/ca.pem',
        LINLI_GW_UPLINK_PASSWORD: 'pw',
        LINLI_GW_UPLINK_WEBHOOK_URL: 'https://center.example/api/center/v1/ingest',
        LINLI_GW_UPLINK_WEBHOOK_KEY: 'k'.repeat(32),
        LINLI_GW_UPLINK_SUPERVISION_S: '15',
        LINLI_GW_UPLINK_DESTINATIONS:
          '[{"name":"city","url":"https://city.example/in","key":"0123456789abcdef"}]',
      },
    );
    expect(uplinkConfigured(c)).toBe(true);
    expect(c.uplink).toMatchObject({
      mqttUrl: 'mqtts://center.example:8883',
      supervisionS: 15,
      destinations: [{ name: 'city', url: 'https://city.example/in', key: '0123456789abcdef' }],
    });
  });

  it('refuses an inconsistent uplink, naming the key', () => {
    expect(() => loadConfig({}, { LINLI_GW_UPLINK_MQTT_URL: 'http://x' })).toThrow(/uplink.mqttUrl/);
    expect(() => loadConfig({}, { LINLI_GW_UPLINK_WEBHOOK_URL: 'https://c/i' })).toThrow(/uplink.webhookKey/);
    expect(() =>
      loadConfig({}, { LINLI_GW_UPLINK_WEBHOOK_URL: 'https://c/i', LINLI_GW_UPLINK_WEBHOOK_KEY: 'short' }),
    ).toThrow(/uplink.webhookKey/);
    expect(() =>
      loadConfig({}, { LINLI_GW_UPLINK_MQTT_URL: 'mqtt://c', LINLI_GW_UPLINK_CA_FILE: '/ca.pem' }),
    ).toThrow(/uplink.caFile/);
    expect(() => loadConfig({}, { LINLI_GW_ROLE: 'center', LINLI_GW_UPLINK_MQTT_URL: 'mqtt://c' })).toThrow(
      /config uplink/,
    );
    expect(() => loadConfig({}, { LINLI_GW_UPLINK_DESTINATIONS: 'city' })).toThrow(
      /LINLI_GW_UPLINK_DESTINATIONS/,
    );
    expect(() =>
      loadConfig({}, { LINLI_GW_UPLINK_DESTINATIONS: '[{"name":"c","url":"https://c","key":"short"}]' }),
    ).toThrow(/uplink.destinations/);
    expect(() =>
      loadConfig(
        {},
        {
          LINLI_GW_UPLINK_DESTINATIONS:
            '[{"name":"c","url":"https://c","key":"0123456789abcdef"},{"name":"c","url":"https://d","key":"0123456789abcdef"}]',
        },
      ),
    ).toThrow(/two destinations named c/);
    expect(() => loadConfig({}, { LINLI_GW_UPLINK_SUPERVISION_S: '0' })).toThrow(/uplink.supervisionS/);
  });
});
