// The stations' registries summarised at the center (issue #11, docs/center-link.md "registry"),
// end to end: a station and a center as two real processes (embedded brokers, SQLite, HTTP), a
// firmware-sim pendant on the station, and a second station posting its summary over the signed
// webhook. The center's device API lists each station's devices with building, grid cell, the
// resident's name and phone (never the ID number), online state as it changes, a retired device
// gone; the console's Devices page at the center shows the station column and follows the site
// filter, in real headless Chromium, with axe.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { webhookHeaders } from '@linli/gateway/center/protocol.ts';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ADMIN_PASSWORD, Link, until } from './center-link-helpers.ts';
import { ensureConsoleBuilt, launchChromium, openConsole, signIn, zh } from './console-helpers.ts';
import { secretOf } from './gateway-helpers.ts';
import { axeSerious } from './ui-helpers.ts';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

const ID_NUMBER = '11010519491231002X';
const ST2 = { password: 'second-station-password-0123', webhookSecret: 'second-station-webhook-0123456789' };

interface CenterDevice {
  id: string;
  site: string;
  kind: string;
  location: { building?: string; grid?: string; unit?: string; room?: string };
  online: boolean | null;
  lastSeen: number | null;
  resident: { id: string; name: string; phone?: string; livesAlone: boolean } | null;
}

let link: Link;
let browser: Browser | undefined;

const centerDevices = async (query = '') => {
  const r = await link.api<{ total: number; devices: CenterDevice[] }>('center', `/api/devices${query}`);
  if (r.status !== 200) throw new Error(`center /api/devices: ${r.status}`);
  return r.body.devices;
};

/** The second station's summary, as a station sends it (signed, on the webhook). */
async function postSecondStation(at: number): Promise<number> {
  const m = {
    v: 1,
    kind: 'registry',
    site: 'st2',
    at,
    mode: 'snapshot',
    snapshot: { id: at.toString(36), part: 0, parts: 1 },
    devices: [
      {
        id: 'x-door-1',
        kind: 'door-contact',
        building: '9',
        gridCell: 'G-21',
        online: false,
        lastSeen: at - 60_000,
        resident: { id: 'r-zhao', name: '赵桂兰', phone: '13700000021', livesAlone: false },
      },
    ],
  };
  const body = JSON.stringify(m);
  const res = await fetch(`${link.base('center')}/api/center/v1/ingest`, {
    method: 'POST',
    headers: webhookHeaders('st2', ST2.webhookSecret, body, m as never),
    body,
  });
  return res.status;
}

beforeAll(async () => {
  await ensureConsoleBuilt();
  link = await Link.create({
    pendants: [],
    moreStations: { st2: ST2 },
    stationEnv: { LINLI_GW_UPLINK_REGISTRY_SNAPSHOT_S: '600' },
    registry: (r) => {
      const li = r.createResident({
        id: 'r-li',
        name: '李秀英',
        phone: '13812345678',
        idNumber: ID_NUMBER,
        livesAlone: true,
        emergencyContacts: [],
      });
      const device = (id: string, kind: 'pendant' | 'door-contact', location: object, residentId?: string) =>
        r.provision({
          id,
          site: 'st1',
          kind,
          secret: secretOf(id),
          heartbeatIntervalS: 3600,
          location,
          ...(residentId ? { residentId } : {}),
        });
      device('p1', 'pendant', { building: '3', unit: '2', room: '401', grid: 'G-07' }, li.id);
      device('p2', 'pendant', { building: '5', grid: 'G-09' });
      device('d-9', 'door-contact', { building: '5', grid: 'G-09' });
    },
  });
  await link.startCenter();
  await link.startStation();
});

afterAll(async () => {
  await browser?.close();
  await link?.close();
});

describe('center: the stations’ registries', () => {
  it('the station’s devices reach the center with building, grid cell, resident name and phone; never the ID number', async () => {
    const found = await until('the station snapshot at the center', async () => {
      const ds = await centerDevices();
      return ds.length === 3 ? ds : undefined;
    });
    const p1 = found.find((d) => d.id === 'p1')!;
    expect(p1).toMatchObject({
      site: 'st1',
      kind: 'pendant',
      location: { building: '3', unit: '2', room: '401', grid: 'G-07' },
      resident: { id: 'r-li', name: '李秀英', phone: '13812345678', livesAlone: true },
    });
    expect(found.map((d) => `${d.site}/${d.id}`).sort()).toEqual(['st1/d-9', 'st1/p1', 'st1/p2']);
    // filters by building and grid cell, as at the station
    expect((await centerDevices('?building=5')).map((d) => d.id).sort()).toEqual(['d-9', 'p2']);
    expect((await centerDevices('?grid=G-07')).map((d) => d.id)).toEqual(['p1']);
    // never an ID number: not in the API, not in the center's database file
    const raw = JSON.stringify(await centerDevices());
    expect(raw).not.toContain(ID_NUMBER);
    expect(raw).not.toContain(ID_NUMBER.slice(-6));
    const db = readFileSync(join(link.centerDir, 'gateway.db'));
    const wal = (() => {
      try {
        return readFileSync(join(link.centerDir, 'gateway.db-wal'));
      } catch {
        return Buffer.alloc(0);
      }
    })();
    expect(db.includes(ID_NUMBER)).toBe(false);
    expect(wal.includes(ID_NUMBER)).toBe(false);
  });

  it('changes follow as they happen: a pendant comes online, a device retired at the station disappears', async () => {
    const before = (await centerDevices()).find((d) => d.id === 'p1')!;
    expect(before.online).toBeNull(); // never heard from yet
    await link.device('p1');
    const online = await until('p1 online at the center', async () => {
      const d = (await centerDevices()).find((x) => x.id === 'p1');
      return d?.online === true ? d : undefined;
    });
    expect(online.lastSeen).toBeGreaterThan(0);
    const retire = await link.api('station', '/api/devices/d-9/retire', { reason: 'moved away' });
    expect(retire.status).toBe(200);
    await until('d-9 gone at the center', async () =>
      (await centerDevices()).some((d) => d.id === 'd-9') ? undefined : true,
    );
    // the snapshot period is 10 minutes here: these came as changes
    const stations = await link.api<{ stations: { site: string; devices: number }[] }>(
      'center',
      '/api/center/stations',
    );
    expect(stations.body.stations.find((s) => s.site === 'st1')?.devices).toBe(2);
  });

  it('a second station’s summary over the signed webhook; ?site= filters', async () => {
    expect(await postSecondStation(Date.now())).toBe(200);
    const all = await until('both stations at the center', async () => {
      const ds = await centerDevices();
      return ds.some((d) => d.site === 'st2') ? ds : undefined;
    });
    expect(all.map((d) => `${d.site}/${d.id}`).sort()).toEqual(['st1/p1', 'st1/p2', 'st2/x-door-1']);
    expect((await centerDevices('?site=st2')).map((d) => d.id)).toEqual(['x-door-1']);
    expect((await centerDevices('?site=st1')).map((d) => d.id).sort()).toEqual(['p1', 'p2']);
    // an unsigned summary changes nothing
    const res = await fetch(`${link.base('center')}/api/center/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-linli-site': 'st2' },
      body: '{}',
    });
    expect(res.status).toBe(401);
  });

  it('the Devices page at the center: station column, resident name and phone, the site filter; axe', async () => {
    browser = await launchChromium();
    const { page } = await openConsole(browser, link.base('center'));
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await page.goto(`${link.base('center')}/#/devices`);
    await page.getByRole('heading', { name: zh['devices.title'] }).waitFor();
    const row = (p: Page, site: string, id: string) =>
      p.locator(`tr[data-site="${site}"][data-device="${id}"]`);
    await row(page, 'st1', 'p1').waitFor();
    await expect
      .poll(async () => (await row(page, 'st1', 'p1').textContent()) ?? '', { timeout: 15_000 })
      .toContain('13812345678');
    const p1 = (await row(page, 'st1', 'p1').textContent()) ?? '';
    expect(p1).toContain('st1');
    expect(p1).toContain('李秀英');
    await row(page, 'st2', 'x-door-1').waitFor();
    expect(await page.getByRole('columnheader', { name: zh['queue.station'] }).count()).toBe(1);
    expect(await axeSerious(page)).toEqual([]);
    // history at the center: a press of p1 with its station column in the CSV, the resident's
    // name from the station's context, and the report's by-station breakdown
    const p1Sim = link.devices.find((d) => d.id === 'p1')!;
    await p1Sim.press();
    await until('the press at the center', async () =>
      (await link.alerts('center')).find((a) => a.deviceId === 'p1' && a.type === 'sos'),
    );
    await page.goto(`${link.base('center')}/#/history`);
    await page.locator('tr[data-alert]').first().waitFor();
    await page.getByTestId('report-by-site').locator('tr[data-site="st1"]').waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: zh['history.csv'] }).click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
    const [head, ...lines] = csv.split('\r\n');
    expect(head!.split(',').slice(0, 2)).toEqual([zh['history.raised'], zh['queue.station']]);
    const pressed = lines.find((l) => l.includes('李秀英'));
    expect(pressed?.split(',')[1]).toBe('st1');
    const [report] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: zh['report.csv'] }).click(),
    ]);
    const reportCsv = readFileSync((await report.path())!, 'utf8');
    expect(reportCsv.split('\r\n').some((l) => /^,st1,,\d+,/.test(l))).toBe(true);
    expect(await axeSerious(page)).toEqual([]);
    await page.goto(`${link.base('center')}/#/devices`);
    await row(page, 'st1', 'p1').waitFor();

    // the site filter: only the second station's device
    await page.getByTestId('site-filter').selectOption('st2');
    await expect.poll(async () => page.locator('tr[data-site="st1"]').count(), { timeout: 15_000 }).toBe(0);
    await row(page, 'st2', 'x-door-1').waitFor();
    expect(await axeSerious(page)).toEqual([]);
  });
});
