// The alarm console at the community center, in real headless Chromium: a center (role center,
// embedded aedes, SQLite, HTTP) and a station gateway forwarding to it over both paths (MQTT and
// the signed webhook, docs/outbox.md), a firmware-sim pendant on the station. A press appears on
// the station's console and on the center's; the center operator acknowledges (the pendant hears
// alert.acknowledged) and resolves, both consoles show the same final state; the overview lists
// the station and shows it unreachable when it goes silent; while it is down the center's
// requests show "sent to the station, waiting", and once it is back one is applied and one
// refused, in words; role refusals through the API; axe-core on the center's pages. With
// UPDATE_SCREENS=1 the center overview goes to docs/screens/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SimDevice } from '@linli/firmware-sim';
import { type RunningGateway, silentLogger, startGateway } from '@linli/gateway';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ADMIN_PASSWORD,
  apiSession,
  ensureConsoleBuilt,
  launchChromium,
  openConsole,
  provisionStation,
  signIn,
  simDevice,
  zh,
} from './console-helpers.ts';
import { HMAC_KEY, REPO, removeDir, tempDir } from './gateway-helpers.ts';
import { axeSerious } from './ui-helpers.ts';

// a center and a station in this process with a browser, on a shared machine
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const update = process.env.UPDATE_SCREENS === '1';
const SCREENS = join(REPO, 'docs/screens');
const OP_PASSWORD = 'operator-password-1';
const SITE = 'site1';
let center: RunningGateway;
let station: RunningGateway | undefined;
let centerDir: string;
let stationDir: string;
let centerBase: string;
let stationBase: string;
let link: { password: string; webhookSecret: string };
let browser: Browser;
let atStation: Page;
let atCenter: Page;
const devices: SimDevice[] = [];

const fill = (s: string, v: Record<string, string>) =>
  Object.entries(v).reduce((acc, [k, x]) => acc.replace(`{${k}}`, x), s);
const row = (page: Page, alertId: string) => page.locator(`tr[data-alert="${alertId}"]`);

async function noSeriousViolations(page: Page): Promise<void> {
  expect(await axeSerious(page)).toEqual([]);
}

function startCenter(): Promise<RunningGateway> {
  // the API reads its own `api` section of the config (keep-alive every second)
  const config = {
    site: 'center',
    role: 'center' as const,
    dataDir: centerDir,
    hmacKey: `${HMAC_KEY}-center`,
    mqtt: { port: 0, wsPort: -1, host: '127.0.0.1' },
    http: { port: 0, host: '127.0.0.1' },
    api: { sseKeepAliveS: 1 },
    // a station silent for 6 s is unreachable (supervision every second on each path)
    center: { stationTimeoutS: 6, checkIntervalS: 1, actionResendS: 2 },
  };
  return startGateway({
    config,
    env: { LINLI_GW_ADMIN_PASSWORD: ADMIN_PASSWORD },
    log: silentLogger,
    print: () => {},
  });
}

function startStation(): Promise<RunningGateway> {
  const config = {
    site: SITE,
    dataDir: stationDir,
    hmacKey: HMAC_KEY,
    mqtt: { port: 0, wsPort: -1, host: '127.0.0.1' },
    http: { port: 0, host: '127.0.0.1' },
    api: { sseKeepAliveS: 1 },
    uplink: {
      mqttUrl: `mqtt://127.0.0.1:${center.ports.mqtt}`,
      password: link.password,
      webhookUrl: `${centerBase}/api/center/v1/ingest`,
      webhookKey: link.webhookSecret,
      supervisionS: 1,
      ackTimeoutS: 2,
      retryBaseMs: 100,
      retryMaxS: 1,
    },
  };
  return startGateway({
    config,
    env: { LINLI_GW_ADMIN_PASSWORD: ADMIN_PASSWORD },
    log: silentLogger,
    print: () => {},
  });
}

async function addOperators(base: string, users: [string, string][]): Promise<void> {
  const admin = await apiSession(base, 'admin', ADMIN_PASSWORD);
  for (const [username, role] of users)
    expect((await admin('POST', '/api/staff', { username, role, password: OP_PASSWORD })).status).toBe(201);
}

beforeAll(async () => {
  await ensureConsoleBuilt();
  centerDir = tempDir();
  stationDir = tempDir();
  provisionStation(stationDir);
  center = await startCenter();
  centerBase = `http://127.0.0.1:${center.ports.http}`;
  link = await center.center!.center.stations.add(SITE);
  station = await startStation();
  stationBase = `http://127.0.0.1:${station.ports.http}`;
  await addOperators(centerBase, [
    ['cop', 'operator'],
    ['cop2', 'operator'],
    ['cwin', 'window'],
  ]);
  await addOperators(stationBase, [['sop', 'operator']]);
  browser = await launchChromium();
  atStation = (await openConsole(browser, stationBase)).page;
  atCenter = (await openConsole(browser, centerBase)).page;
});

afterAll(async () => {
  await Promise.all(devices.splice(0).map((d) => d.crash().catch(() => {})));
  await browser?.close();
  await station?.stop();
  await center?.stop();
  removeDir(stationDir);
  removeDir(centerDir);
});

describe('alarm console at the center', () => {
  it('the center overview lists the station with both paths up; axe passes', async () => {
    await signIn(atStation, 'sop', OP_PASSWORD);
    await signIn(atCenter, 'cop', OP_PASSWORD);
    // the station's console has no center pages
    expect(await atStation.getByRole('link', { name: zh['nav.stations'] }).count()).toBe(0);
    await atCenter.getByRole('link', { name: zh['nav.stations'] }).click();
    await atCenter.getByRole('heading', { name: zh['stations.title'] }).waitFor();
    const st = atCenter.locator(`tr[data-site="${SITE}"]`);
    await st.waitFor();
    await expect.poll(() => st.getAttribute('data-reachable'), { timeout: 30_000 }).toBe('true');
    // both paths heard (supervision every second on each)
    await expect
      .poll(async () => ((await st.textContent()) ?? '').split(zh['stations.up']).length - 1, {
        timeout: 30_000,
      })
      .toBe(2);
    expect(await st.textContent()).toContain(zh['stations.reachable']);
    await noSeriousViolations(atCenter);
  });

  it('a press appears on both consoles; the center acknowledges (the pendant hears it) and resolves; both show the same final state', async () => {
    const pendant = await simDevice(station!, 'p-1');
    devices.push(pendant);
    await pendant.press();
    await atStation.locator('tr[data-type="sos"]').waitFor();
    const alertId = (await atStation.locator('tr[data-type="sos"]').getAttribute('data-alert'))!;
    await atCenter.getByRole('link', { name: zh['nav.queue'] }).click();
    const c = row(atCenter, alertId);
    await c.waitFor({ timeout: 30_000 });
    // the row says which station; the resident's name masked as on a shared screen
    expect(await c.getAttribute('data-site')).toBe(SITE);
    expect(await c.textContent()).toContain(SITE);
    await expect.poll(() => c.textContent()).toContain('王*英');
    await atCenter.getByTestId('alarm-banner').waitFor();
    await noSeriousViolations(atCenter);

    // the detail from the center's copy of the station's context
    await c.getByRole('link', { name: zh['queue.open'] }).click();
    await atCenter.getByRole('heading', { name: zh['detail.resident'] }).waitFor();
    const detail = await atCenter.locator('main').textContent();
    for (const s of ['王秀英', '幸福路 1 号 3-2-402', '13800000000', '王小明', '13900000000', 'G07', 'p-1'])
      expect(detail).toContain(s);
    expect(detail).toContain(fill(zh['detail.station'], { site: SITE }));
    await noSeriousViolations(atCenter);

    const acked = pendant.waitForCommand('alert.acknowledged', 30_000);
    await atCenter.getByRole('button', { name: zh['detail.ack'] }).click();
    expect((await acked).command).toMatchObject({ type: 'alert.acknowledged', alertId });
    // the station's revision arrives at the center: no request left waiting
    await atCenter.locator(`main[data-alert="${alertId}"][data-state="acknowledged"]`).waitFor();
    await expect.poll(() => atCenter.getByTestId('pending-actions').count()).toBe(0);
    await atStation.locator(`tr[data-alert="${alertId}"][data-state="acknowledged"]`).waitFor();
    const takenAtStation = await row(atStation, alertId).getByTestId('taken').textContent();
    expect(takenAtStation).toContain('cop');

    await atCenter.getByLabel(zh['detail.outcome']).selectOption('assisted');
    await atCenter.getByLabel(zh['detail.note'], { exact: true }).fill('中心已联系家属');
    await atCenter.getByRole('button', { name: zh['detail.resolve'] }).click();
    await atCenter
      .locator(`main[data-alert="${alertId}"][data-state="resolved"]`)
      .waitFor({ timeout: 30_000 });
    // both consoles: gone from the queue, the same final state in the detail
    await atStation.goto(`${stationBase}/#/alert/${alertId}`);
    await atStation.locator(`main[data-alert="${alertId}"][data-state="resolved"]`).waitFor();
    const finalAt = async (page: Page) => page.getByTestId('detail-state').textContent();
    expect(await finalAt(atStation)).toBe(await finalAt(atCenter));
    expect(await finalAt(atCenter)).toContain(zh['outcome.assisted']);
    await atCenter.goto(`${centerBase}/#/queue`);
    await expect.poll(() => row(atCenter, alertId).count()).toBe(0);
  });

  it('the station goes silent: unreachable on the overview, its alert in the queue; requests wait, then one is applied and one refused', async () => {
    // a second press, then the station stops (its pendant with it)
    const p2 = await simDevice(station!, 'p-2');
    devices.push(p2);
    await p2.press();
    await atCenter.locator('tr[data-type="sos"]').waitFor({ timeout: 30_000 });
    const alertId = (await atCenter.locator('tr[data-type="sos"]').getAttribute('data-alert'))!;
    await p2.crash();
    await station!.stop();
    station = undefined;

    await atCenter.getByRole('link', { name: zh['nav.stations'] }).click();
    const st = atCenter.locator(`tr[data-site="${SITE}"]`);
    await expect.poll(() => st.getAttribute('data-reachable'), { timeout: 60_000 }).toBe('false');
    await atCenter.getByTestId('unreachable-banner').waitFor();
    expect(await st.textContent()).toContain(zh['stations.unreachable']);
    if (update) {
      mkdirSync(SCREENS, { recursive: true });
      await atCenter.screenshot({ path: join(SCREENS, 'console-center-overview.png') });
    }
    await noSeriousViolations(atCenter);
    await atCenter.getByRole('link', { name: zh['nav.queue'] }).click();
    const down = atCenter.locator(`tr[data-type="center.station-unreachable"][data-site="${SITE}"]`);
    await down.waitFor();
    expect(await down.textContent()).toContain(zh['type.center.station-unreachable']);

    // while the station is down: resolve from the detail, and another operator's acknowledge
    await row(atCenter, alertId).getByRole('link', { name: zh['queue.open'] }).click();
    await atCenter.getByLabel(zh['detail.outcome']).selectOption('false-alarm');
    await atCenter.getByRole('button', { name: zh['detail.resolve'] }).click();
    const waiting = atCenter.locator('[data-testid="pending-actions"] [data-state="pending"]');
    await waiting.first().waitFor();
    expect(await waiting.first().textContent()).toContain('center:cop');
    expect(await atCenter.locator(`main[data-alert="${alertId}"]`).getAttribute('data-state')).toBe('raised');
    const cop2 = await apiSession(centerBase, 'cop2', OP_PASSWORD);
    const ack = await cop2('POST', `/api/alerts/${alertId}/ack`);
    expect(ack.status).toBe(202);
    expect(((await ack.json()) as { action: { state: string } }).action.state).toBe('pending');
    await expect.poll(() => waiting.count()).toBe(2);
    // the queue says it too, with who
    await atCenter.getByRole('link', { name: zh['detail.back'] }).click();
    const queued = row(atCenter, alertId).getByTestId('pending-actions');
    await queued.waitFor();
    expect(await queued.textContent()).toContain('center:cop2');
    await noSeriousViolations(atCenter);

    // the station is back: the resolve is applied, the acknowledge refused (already resolved)
    station = await startStation();
    await expect.poll(() => row(atCenter, alertId).count(), { timeout: 60_000 }).toBe(0);
    await atCenter.goto(`${centerBase}/#/alert/${alertId}`);
    await atCenter.locator(`main[data-alert="${alertId}"][data-state="resolved"]`).waitFor();
    const refused = atCenter.locator('[data-testid="pending-actions"] [data-state="refused"]');
    await refused.waitFor({ timeout: 30_000 });
    expect(await refused.textContent()).toContain(zh['refusal.ALREADY_RESOLVED']);
    expect(await refused.textContent()).toContain('center:cop2');
    await noSeriousViolations(atCenter);
    // reachable again, its unreachable alert resolved by the system
    await atCenter.goto(`${centerBase}/#/stations`);
    await expect
      .poll(() => atCenter.locator(`tr[data-site="${SITE}"]`).getAttribute('data-reachable'), {
        timeout: 30_000,
      })
      .toBe('true');
  });

  it('the site filter sends ?site= on the queue and history', async () => {
    const requests: string[] = [];
    atCenter.on('request', (r) => requests.push(r.url()));
    await atCenter.goto(`${centerBase}/#/queue`);
    await atCenter.getByTestId('site-filter').selectOption(SITE);
    await atCenter.getByText(fill(zh['site.filtered'], { site: SITE })).waitFor();
    await expect.poll(() => requests.some((u) => /\/api\/alerts\?.*site=site1/.test(u))).toBe(true);
    await expect.poll(() => requests.some((u) => /\/api\/stream\?site=site1/.test(u))).toBe(true);
    await atCenter.getByRole('link', { name: zh['nav.history'] }).click();
    await expect.poll(() => requests.some((u) => /\/api\/reports\/alerts\?.*site=site1/.test(u))).toBe(true);
    await expect.poll(() => requests.some((u) => /\/api\/reports\/summary\?.*site=site1/.test(u))).toBe(true);
    // the history rows say which station
    const past = atCenter.locator('main tr[data-alert]');
    await past.first().waitFor();
    expect(await past.first().textContent()).toContain(SITE);
    await noSeriousViolations(atCenter);
  });

  it('role refusals through the API at the center', async () => {
    const noSession = await fetch(`${centerBase}/api/center/stations`);
    expect(noSession.status).toBe(401);
    const win = await apiSession(centerBase, 'cwin', OP_PASSWORD);
    expect((await win('GET', '/api/center/stations')).status).toBe(403);
    expect((await win('GET', '/api/alerts')).status).toBe(403);
    const op = await apiSession(centerBase, 'cop', OP_PASSWORD);
    expect((await op('GET', '/api/center/stations')).status).toBe(200);
    expect((await op('GET', '/api/audit')).status).toBe(403);
    expect((await op('GET', '/api/staff')).status).toBe(403);
    expect((await op('POST', '/api/devices', { id: 'x', site: SITE, kind: 'pendant' })).status).toBe(403);
    // a resolved alert cannot be acknowledged: the center knows without asking the station
    const { alerts } = (await (await op('GET', '/api/alerts?state=resolved')).json()) as {
      alerts: { id: string; type: string }[];
    };
    const done = alerts.find((a) => a.type === 'sos')!;
    const again = await op('POST', `/api/alerts/${done.id}/ack`);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('ALERT_STATE');
    // the stations' webhook takes signed messages only
    const unsigned = await fetch(`${centerBase}/api/center/v1/ingest`, { method: 'POST', body: '{}' });
    expect(unsigned.status).toBe(401);
    // /api/me says which program answers
    expect(((await (await op('GET', '/api/me')).json()) as { gateway: { role: string } }).gateway.role).toBe(
      'center',
    );
  });
});
