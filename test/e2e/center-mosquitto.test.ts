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
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type AlertView, Link, until } from './center-link-helpers.ts';
import { HMAC_KEY, tempDir } from './gateway-helpers.ts';
import { MosquittoRig } from './mosquitto-helpers.ts';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

const CENTER_USER = 'linli-center';
const CENTER_PASS = 'center-broker-password-0123';
const OTHER = { password: 'other-station-password-0123', webhookSecret: 'other-station-webhook-0123456789' };

const rig = new MosquittoRig();
let link: Link | undefined;

afterEach(async () => {
  await link?.close();
  link = undefined;
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
    // rowid: the order they were stored in
    return db.prepare('SELECT alert_id, rev, path FROM center_revisions ORDER BY rowid').all() as {
      alert_id: string;
      rev: number;
      path: string;
    }[];
  } finally {
    db.close();
  }
}

/** Mosquitto with files generated from the center's station accounts, then the center (a client
 *  of it) and the station (MQTT uplink to it only, no webhook), as processes. */
async function mosquittoLink(r: MosquittoRig, pendants = ['p1']): Promise<Link> {
  r.dir = tempDir();
  const conf = await r.generatedConf({ eventsPerS: 50, outageS: 300 });
  const url = r.url;
  const l = await Link.create({
    pendants,
    moreStations: { other: OTHER },
    centerEnv: {
      LINLI_GW_BROKER_URL: url,
      LINLI_GW_BROKER_USERNAME: CENTER_USER,
      LINLI_GW_BROKER_PASSWORD: CENTER_PASS,
    },
    stationEnv: { LINLI_GW_UPLINK_MQTT_URL: url },
  });
  // MQTT only: no webhook to fall back on
  delete l.stationEnv.LINLI_GW_UPLINK_WEBHOOK_URL;
  delete l.stationEnv.LINLI_GW_UPLINK_WEBHOOK_KEY;
  // Mosquitto's files from the center's own station accounts
  const db = openDb(join(l.centerDir, 'gateway.db'));
  migrate(db);
  const files = centerMosquittoFiles(
    new StationStore(db, HMAC_KEY).mosquittoAccounts(),
    centerGatewayAccount(CENTER_USER, CENTER_PASS),
  );
  db.close();
  expect(files.aclFile).toContain(
    'user st1\ntopic write linli/v1/center/st1/alert\ntopic read linli/v1/center/st1/ack',
  );
  writeFileSync(join(r.dir, 'passwd'), files.passwordFile, { mode: 0o600 });
  writeFileSync(join(r.dir, 'acl'), files.aclFile, { mode: 0o600 });
  await r.startBroker(conf);
  await l.startCenter();
  await l.startStation();
  return l;
}

describe('center behind Mosquitto', () => {
  it('station → Mosquitto → center: a press stored once, the center’s acknowledge back to the pendant', async () => {
    link = await mosquittoLink(rig);
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
    const other = await mqtt.connectAsync(rig.url, {
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

  // The only long test: the center's broker stopped for 2 minutes while the station carries on.
  it('the center’s broker stopped for 2 minutes with traffic at the station: every alert arrives in order, none applied twice', async () => {
    const pendants = ['p1', 'p2', 'p3'];
    link = await mosquittoLink(rig, pendants);
    const l = link;
    const devs = await Promise.all(pendants.map((id) => l.device(id)));
    await devs[0]!.press();
    await until('the first alert at the center', async () =>
      (await l.alerts('center')).find((a) => a.deviceId === 'p1'),
    );

    await rig.stopBroker();
    const outageEnd = Date.now() + 120_000;
    let presses = 0;
    let actions = 0;
    // traffic for 2 minutes: a press every 3 s (new alerts and count changes), and every 30 s the
    // station's operator acknowledges one open alert and resolves another (new revisions too)
    for (let i = 0; Date.now() < outageEnd; i++) {
      await devs[i % devs.length]!.press();
      presses++;
      if (i % 10 === 9) {
        const open = (await l.alerts('station')).filter((a) => a.type === 'sos');
        const raised = open.find((a) => a.state === 'raised');
        if (raised && (await l.api('station', `/api/alerts/${raised.id}/ack`, {})).status === 200) actions++;
        const acked = open.find((a) => a.state === 'acknowledged' && a.id !== raised?.id);
        if (
          acked &&
          (await l.api('station', `/api/alerts/${acked.id}/resolve`, { outcome: 'assisted-on-site' }))
            .status === 200
        )
          actions++;
      }
      await new Promise((r) => setTimeout(r, Math.min(3000, Math.max(0, outageEnd - Date.now()))));
    }
    const health = (await (await fetch(`${l.base('station')}/healthz`)).json()) as {
      forwarding: { backlog: number };
    };
    expect(health.forwarding.backlog).toBeGreaterThan(0);
    expect(presses).toBeGreaterThanOrEqual(30);
    expect(actions).toBeGreaterThan(0);

    await rig.startBroker(await rig.generatedConf({ eventsPerS: 50, outageS: 300 }));
    // drained: the outbox empty and every station alert at the same head revision at the center
    await until(
      'every revision at the center',
      async () => {
        const h = (await (await fetch(`${l.base('station')}/healthz`)).json()) as {
          forwarding: { backlog: number };
        };
        if (h.forwarding.backlog !== 0) return undefined;
        const [st, c] = [await l.alerts('station'), await l.alerts('center')];
        return st.every((s) => c.find((a) => a.id === s.id)?.rev === s.rev) ? true : undefined;
      },
      120_000,
    );
    // the ledger from the center's API: each station alert's timeline holds every revision once
    const produced = await l.alerts('station');
    expect(produced.length).toBeGreaterThanOrEqual(3);
    for (const s of produced) {
      const r = await l.api<{
        history: { rev: number; action: string; at: number }[];
        alert: { rev: number; state: string };
      }>('center', `/api/alerts/${s.id}`);
      expect(r.status, s.id).toBe(200);
      expect(r.body.alert).toMatchObject({ rev: s.rev, state: s.state });
      // every revision once, and nothing applied twice: the same timeline as at the station
      const st = await l.api<{ history: { rev: number; action: string; at: number }[] }>(
        'station',
        `/api/alerts/${s.id}`,
      );
      const line = (h: { rev: number; action: string; at: number }[]) =>
        h.map((e) => `${e.rev}:${e.action}:${e.at}`).sort();
      expect(line(r.body.history), s.id).toEqual(line(st.body.history));
      expect(new Set(r.body.history.map((h) => h.rev)), s.id).toEqual(
        new Set(Array.from({ length: s.rev }, (_, i) => i + 1)),
      );
    }
    // and stored in order: the revisions of each alert in the order the center stored them
    await l.stop('station');
    await l.stop('center');
    const stored = centerRevisions(l.centerDir);
    for (const s of produced)
      expect(
        stored.filter((x) => x.alert_id === s.id).map((x) => x.rev),
        s.id,
      ).toEqual(Array.from({ length: s.rev }, (_, i) => i + 1));
  }, 420_000);
});
