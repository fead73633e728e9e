// Several center instances behind one external broker (docs/center-cluster.md): the share group
// and instance id keys, refused loudly where they cannot work, and what they make of the
// center's MQTT subscription and client id.
import { describe, expect, it } from 'vitest';
import { centerAlertFilter, centerClientId } from '../../src/center/external-broker.ts';
import { loadConfig } from '../../src/config.ts';

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

  it('subscribes through the share group and names the client by instance', () => {
    expect(centerAlertFilter('')).toBe('linli/v1/center/+/alert');
    expect(centerAlertFilter('centers')).toBe('$share/centers/linli/v1/center/+/alert');
    expect(centerClientId('')).toBe('linli-center');
    expect(centerClientId('c2')).toBe('linli-center-c2');
  });
});
