// The center behind an external Mosquitto (issue #11/#17): Mosquitto's password and ACL files
// generated from the center's station accounts (center/mosquitto.ts), a real Mosquitto, the
// center and a station as two real processes, a firmware-sim pendant on the station. A press
// goes station → Mosquitto → center and is stored once; the center's acknowledge goes back down
// through Mosquitto to the pendant as alert.acknowledged. Another station's account may publish
// only its own topic: a forged message for st1 never reaches the center.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrate, openDb, StationStore } from '@linli/gateway';
import { centerGatewayAccount, centerMosquittoFiles } from '@linli/gateway/center/mosquitto.ts';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type AlertView, Link, until } from './center-link-helpers.ts';
import { HMAC_KEY, tempDir } from './gateway-helpers.ts';
import { MosquittoRig } from './mosquitto-helpers.ts';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

const CENTER_USER = 'linli-center';
const CENTER_PASS = 'center-broker-password-0123';
const OTHER = { password: 'other-station-password-0123', webhookSecret: 'other-station-webhook-0123456789' };

const rig = new MosquittoRig();
let link: Link | undefined;

afterAll(async () => {
  await link?.close();
  await rig.stop();
});

/** A minimal alert revision as a station sends it. */
function forged(site: string, alertId: string) {
  const at = Date.now();
  return JSON.stringify({
    v: 1,
    kind: 'alert',
    site,
    alertId,
    rev: 1,
    alert: {
      id: alertId,
      rev: 1,
      site,
      type: 'sos',
      severity: 'critical',
      state: 'raised',
      count: 1,
      raisedAt: at,
      lastAt: at,
      escalationLevel: 0,
    },
    history: [{ alertId, rev: 1, at, by: 'device', action: 'raised' }],
  });
}

function centerRevisions(dir: string): { alert_id: string; rev: number; path: string }[] {
  const db = openDb(join(dir, 'gateway.db'));
  try {
    return db.prepare('SELECT alert_id, rev, path FROM center_revisions ORDER BY alert_id, rev').all() as {
      alert_id: string;
      rev: number;
      path: string;
    }[];
  } finally {
    db.close();
  }
}

describe('center behind Mosquitto', () => {
  it('station → Mosquitto → center: a press stored once, the center’s acknowledge back to the pendant', async () => {
    rig.dir = tempDir();
    const conf = await rig.generatedConf({ eventsPerS: 50, outageS: 60 });
    const url = rig.url;
    link = await Link.create({
      moreStations: { other: OTHER },
      centerEnv: {
        LINLI_GW_BROKER_URL: url,
        LINLI_GW_BROKER_USERNAME: CENTER_USER,
        LINLI_GW_BROKER_PASSWORD: CENTER_PASS,
      },
      stationEnv: { LINLI_GW_UPLINK_MQTT_URL: url },
    });
    // MQTT only: no webhook to fall back on
    delete link.stationEnv.LINLI_GW_UPLINK_WEBHOOK_URL;
    delete link.stationEnv.LINLI_GW_UPLINK_WEBHOOK_KEY;
    // Mosquitto's files from the center's own station accounts
    const db = openDb(join(link.centerDir, 'gateway.db'));
    migrate(db);
    const files = centerMosquittoFiles(
      new StationStore(db, HMAC_KEY).mosquittoAccounts(),
      centerGatewayAccount(CENTER_USER, CENTER_PASS),
    );
    db.close();
    expect(files.aclFile).toContain(
      'user st1\ntopic write linli/v1/center/st1/alert\ntopic read linli/v1/center/st1/ack',
    );
    writeFileSync(join(rig.dir, 'passwd'), files.passwordFile, { mode: 0o600 });
    writeFileSync(join(rig.dir, 'acl'), files.aclFile, { mode: 0o600 });
    await rig.startBroker(conf);
    await link.startCenter();
    await link.startStation();

    const d = await link.device('p1');
    await d.press();
    const atCenter = await until('the alert at the center', async () =>
      (await link!.alerts('center')).find((a: AlertView) => a.deviceId === 'p1'),
    );
    expect(atCenter).toMatchObject({ site: 'st1', type: 'sos', state: 'raised' });

    const acked = d.waitForCommand('alert.acknowledged', 60_000);
    expect((await link.api('center', `/api/alerts/${atCenter.id}/ack`, {})).status).toBe(202);
    expect((await acked).command).toMatchObject({ alertId: atCenter.id });
    const both = async () => {
      const [c, s] = [
        (await link!.alerts('center')).find((a) => a.id === atCenter.id),
        (await link!.alerts('station')).find((a) => a.id === atCenter.id),
      ];
      return c?.state === 'acknowledged' && s?.state === 'acknowledged' && c.rev === s.rev ? c : undefined;
    };
    const c = await until('acknowledged at both ends', both);
    expect(c.acknowledgedBy).toBe('center:admin');

    // another station's account: its own topic is stored, st1's is refused by Mosquitto's ACL
    const other = await mqtt.connectAsync(url, {
      username: 'other',
      password: OTHER.password,
      clientId: 'station-other',
      reconnectPeriod: 0,
    });
    // the forged one first: once the own one (sent after it) is stored, the forged one had its turn
    await other.publishAsync('linli/v1/center/st1/alert', forged('st1', 'al-forged-st1'), { qos: 1 });
    await other.publishAsync('linli/v1/center/other/alert', forged('other', 'al-other-own'), { qos: 1 });
    await other.endAsync();
    await until('the other station’s own alert at the center', async () =>
      (await link!.alerts('center')).find((a) => a.id === 'al-other-own'),
    );

    await link.stop('station');
    await link.stop('center');
    const revs = centerRevisions(link.centerDir);
    // stored once, in order, all by MQTT; nothing forged
    const of = (id: string) => revs.filter((r) => r.alert_id === id);
    expect(of(atCenter.id).map((r) => r.rev)).toEqual(Array.from({ length: c.rev }, (_, i) => i + 1));
    expect(new Set(of(atCenter.id).map((r) => r.path))).toEqual(new Set(['mqtt']));
    expect(of('al-forged-st1')).toEqual([]);
  });
});
