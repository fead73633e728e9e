// The station alarm console in real headless Chromium against a real gateway (embedded aedes,
// SQLite, HTTP API serving the built console) with firmware-sim devices: a press appears, is
// taken (the pendant hears alert.acknowledged) and resolved with an outcome; a forced door and an
// offline pendant are their own alert types; devices, history and report; role refusals through
// the API; axe-core on every page. With UPDATE_SCREENS=1 the screenshots go to docs/screens/.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SimDevice } from '@linli/firmware-sim';
import type { RunningGateway } from '@linli/gateway';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  apiSession,
  DESK,
  ensureConsoleBuilt,
  launchChromium,
  openConsole,
  provisionStation,
  signIn,
  simDevice,
  startConsoleGateway,
  zh,
} from './console-helpers.ts';
import { REPO, removeDir, tempDir } from './gateway-helpers.ts';
import { axeSerious } from './ui-helpers.ts';

const update = process.env.UPDATE_SCREENS === '1';
const SCREENS = join(REPO, 'docs/screens');
const OP_PASSWORD = 'operator-password-1';
let gw: RunningGateway;
let dir: string;
let base: string;
let browser: Browser;
let op1: Page;
let op2: Page;
const devices: SimDevice[] = [];

async function screenshot(page: Page, name: string): Promise<void> {
  if (!update) return;
  mkdirSync(SCREENS, { recursive: true });
  await page.screenshot({ path: join(SCREENS, `console-${name}.png`), fullPage: false });
}

async function noSeriousViolations(page: Page): Promise<void> {
  expect(await axeSerious(page)).toEqual([]);
}

const row = (page: Page, type: string) => page.locator(`tr[data-type="${type}"]`);

beforeAll(async () => {
  await ensureConsoleBuilt();
  dir = tempDir();
  provisionStation(dir);
  gw = await startConsoleGateway(dir);
  base = `http://127.0.0.1:${gw.ports.http}`;
  const admin = await apiSession(base, 'admin', ADMIN_PASSWORD);
  for (const [username, role] of [
    ['op1', 'operator'],
    ['op2', 'operator'],
    ['sup1', 'supervisor'],
  ])
    expect((await admin('POST', '/api/staff', { username, role, password: OP_PASSWORD })).status).toBe(201);
  browser = await launchChromium();
  op1 = (await openConsole(browser, base)).page;
  op2 = (await openConsole(browser, base)).page;
});

afterAll(async () => {
  await Promise.all(devices.splice(0).map((d) => d.crash().catch(() => {})));
  await browser?.close();
  await gw?.stop();
  removeDir(dir);
});

describe('station alarm console', () => {
  it('sign-in asks for sound; axe passes on the sign-in page', async () => {
    await expect.poll(() => op1.title()).toBe(zh['app.title']);
    await noSeriousViolations(op1);
    await signIn(op1, 'op1', OP_PASSWORD);
    await signIn(op2, 'op2', OP_PASSWORD);
    // the sign-in click allowed sound: no "sound is off" banner
    await expect.poll(() => op1.getByTestId('sound-off').count()).toBe(0);
  });

  it('a pendant press appears on every console; acknowledged, the pendant hears it; resolved with an outcome', async () => {
    const pendant = await simDevice(gw, 'p-1');
    devices.push(pendant);
    await pendant.press();
    for (const page of [op1, op2]) {
      await row(page, 'sos').waitFor();
      await page.getByTestId('alarm-banner').waitFor();
    }
    expect(await row(op1, 'sos').textContent()).toContain(zh['type.sos']);
    expect(await row(op1, 'sos').textContent()).toContain('王*英');
    expect(await row(op1, 'sos').getAttribute('data-state')).toBe('raised');
    await expect.poll(() => op1.title()).toContain(zh['alarm.title'].replace('{type}', zh['type.sos']));
    await noSeriousViolations(op1);

    await row(op1, 'sos').getByRole('link', { name: zh['queue.open'] }).click();
    await op1.getByRole('heading', { name: zh['detail.resident'] }).waitFor();
    const detail = await op1.locator('main').textContent();
    for (const s of ['王秀英', '幸福路 1 号 3-2-402', '13800000000', '王小明', '13900000000', 'G07', 'p-1'])
      expect(detail).toContain(s);
    await noSeriousViolations(op1);

    const acked = pendant.waitForCommand('alert.acknowledged', 10_000);
    await op1.getByRole('button', { name: zh['detail.ack'] }).click();
    const alertId = (await op1.locator('main[data-alert]').getAttribute('data-alert'))!;
    expect((await acked).command).toMatchObject({ type: 'alert.acknowledged', alertId });
    // every operator sees who took it; the alarm stops once taken
    await op2.locator(`tr[data-alert="${alertId}"][data-state="acknowledged"]`).waitFor();
    expect(await row(op2, 'sos').getByTestId('taken').textContent()).toBe(
      zh['queue.takenBy'].replace('{user}', 'op1'),
    );
    await expect.poll(() => op2.getByTestId('alarm-banner').count()).toBe(0);
    await expect.poll(() => op2.title()).toBe(zh['app.title']);

    await op1.getByLabel(zh['detail.outcome']).selectOption('ambulance');
    await op1.getByLabel(zh['detail.note'], { exact: true }).fill('120 已到场');
    await op1.getByRole('button', { name: zh['detail.resolve'], exact: true }).click();
    await op1.locator('main[data-state="resolved"]').waitFor();
    expect(await op1.getByTestId('detail-state').textContent()).toContain(zh['outcome.ambulance']);
    expect(await op1.getByTestId('timeline').textContent()).toContain('120 已到场');
    const timeline = (await op1.getByTestId('timeline').textContent()) ?? '';
    for (const s of [zh['action.raised'], zh['action.acknowledged'], zh['action.resolved'], 'op1'])
      expect(timeline).toContain(s);
    expect(timeline).toContain(zh['feedback.alert.received']);
    expect(timeline).toContain(zh['feedback.alert.acknowledged']);
    await expect.poll(() => row(op2, 'sos').count()).toBe(0);
    const admin = await apiSession(base, 'admin', ADMIN_PASSWORD);
    const { alert } = (await (await admin('GET', `/api/alerts/${alertId}`)).json()) as {
      alert: { state: string; outcome: string; acknowledgedBy: string; resolvedBy: string };
    };
    expect(alert).toMatchObject({
      state: 'resolved',
      outcome: 'ambulance',
      acknowledgedBy: 'op1',
      resolvedBy: 'op1',
    });
  });

  it('a forced door and an offline pendant appear as their own alert types', async () => {
    await op1.goto(`${base}/#/queue`);
    const door = await simDevice(gw, 'd-1', 'door-contact');
    devices.push(door);
    await door.forceDoor();
    await row(op1, 'door.forced').waitFor();
    expect(await row(op1, 'door.forced').textContent()).toContain(zh['type.door.forced']);

    const p2 = await simDevice(gw, 'p-2');
    p2.heartbeat();
    await expect.poll(() => gw.engine.states.peek('p-2')?.lastSeen ?? 0).toBeGreaterThan(0);
    await p2.crash();
    await expect
      .poll(
        async () => {
          gw.engine.supervisor.runOnce();
          return row(op1, 'device.offline').count();
        },
        { timeout: 20_000, interval: 500 },
      )
      .toBe(1);
    expect(await row(op1, 'device.offline').textContent()).toContain(zh['type.device.offline']);
    expect(await row(op1, 'device.offline').textContent()).toContain('p-2');
  });

  it('devices: offline first, filters by building, the door log; English is selectable', async () => {
    await op1.goto(`${base}/#/devices`);
    await op1.locator('tr[data-device="p-2"]').waitFor();
    expect(await op1.locator('tr[data-device="p-2"]').textContent()).toContain(zh['devices.offline']);
    expect(await op1.locator('tr[data-device]').first().getAttribute('data-device')).toBe('p-2');
    expect(await op1.locator('tr[data-device="p-1"]').textContent()).toContain(zh['devices.welfareOk']);
    await op1.getByText(zh['type.door.forced']).first().waitFor();
    await noSeriousViolations(op1);
    await screenshot(op1, 'devices');

    await op1.getByLabel(zh['devices.building']).fill('3');
    await op1.getByRole('button', { name: zh['devices.filter'] }).click();
    await expect.poll(() => op1.locator('tr[data-device="p-2"]').count()).toBe(0);
    expect(
      await op1.locator('tr[data-device]').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-device'))),
    ).toEqual(['d-1', 'p-1']);

    await op1.getByLabel(zh['lang.label']).selectOption('en');
    await op1.getByRole('link', { name: 'Alert queue' }).waitFor();
    expect(await op1.evaluate(() => document.documentElement.lang)).toBe('en');
    await op1.getByLabel('Language').selectOption('zh-CN');
    await op1.getByRole('link', { name: zh['nav.queue'] }).waitFor();
  });

  it('history search and the report, with CSV export', async () => {
    await op1.goto(`${base}/#/history`);
    await op1.getByTestId('report-total').waitFor();
    await op1.locator('tr[data-alert]').first().waitFor();
    const found = await op1.locator('tr[data-alert]').count();
    expect(await op1.getByTestId('report-total').textContent()).toBe(
      zh['report.total'].replace('{n}', String(found)),
    );
    const table =
      (await op1.locator('table', { has: op1.getByText(zh['report.byType']) }).textContent()) ?? '';
    for (const type of ['sos', 'door.forced', 'device.offline'] as const)
      expect(table).toContain(zh[`type.${type}`]);
    await noSeriousViolations(op1);
    await screenshot(op1, 'report');

    await op1.getByLabel(zh['history.outcome']).selectOption('ambulance');
    await op1.getByRole('button', { name: zh['history.search'] }).click();
    await expect.poll(() => op1.locator('tr[data-alert]').count()).toBe(1);
    const [download] = await Promise.all([
      op1.waitForEvent('download'),
      op1.getByRole('button', { name: zh['history.csv'] }).click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toContain(zh['history.raised']);
    expect(csv).toContain(zh['outcome.ambulance']);
    expect(csv).toContain('王秀英');
  });

  it('role refusals come from the API, not only the console', async () => {
    const op = await apiSession(base, 'op1', OP_PASSWORD);
    const sup = await apiSession(base, 'sup1', OP_PASSWORD);
    expect((await fetch(`${base}/api/alerts`)).status).toBe(401);
    expect((await op('GET', '/api/audit')).status).toBe(403);
    expect((await op('POST', '/api/devices', { id: 'x-1', site: 'site1', kind: 'pendant' })).status).toBe(
      403,
    );
    expect(
      (await op('POST', '/api/staff', { username: 'x', role: 'admin', password: OP_PASSWORD })).status,
    ).toBe(403);
    expect((await sup('POST', '/api/devices', { id: 'x-1', site: 'site1', kind: 'pendant' })).status).toBe(
      403,
    );
    const audit = (await (await sup('GET', '/api/audit?action=alert.acknowledge')).json()) as {
      entries: { actor: string }[];
    };
    expect(audit.entries.map((e) => e.actor)).toEqual(['op1']);
    const resolved = (await (await op('GET', '/api/alerts?state=resolved')).json()) as {
      alerts: { id: string }[];
    };
    const again = await op('POST', `/api/alerts/${resolved.alerts[0]!.id}/ack`);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('ALERT_STATE');
  });

  it('screens of the queue and the detail with a fresh critical alert', async () => {
    await op1.goto(`${base}/#/queue`);
    await devices[0]!.press();
    await row(op1, 'sos').waitFor();
    await op1.getByTestId('alarm-banner').waitFor();
    await screenshot(op1, 'queue');
    await row(op1, 'sos').getByRole('link', { name: zh['queue.open'] }).click();
    await op1.getByRole('heading', { name: zh['detail.resident'] }).waitFor();
    await noSeriousViolations(op1);
    await screenshot(op1, 'detail');
  });

  it('after a reload the sound is off and the console says so loudly; one click turns it on', async () => {
    await op2.reload();
    await op2.getByRole('heading', { name: zh['queue.title'] }).waitFor();
    await op2.getByTestId('sound-off').waitFor();
    expect(await op2.getByRole('button', { name: zh['sound.off'] }).count()).toBe(2);
    await op2.getByTestId('sound-off').click();
    await expect.poll(() => op2.getByTestId('sound-off').count()).toBe(0);
    expect(await op2.getByRole('button', { name: zh['sound.on'] }).count()).toBe(1);
  });

  it('usable at 1280×800 and on a tablet: no page scrolls sideways', async () => {
    const id = (await op1.locator('main[data-alert]').getAttribute('data-alert'))!;
    for (const viewport of [DESK, { width: 800, height: 1280 }, { width: 1024, height: 768 }]) {
      await op1.setViewportSize(viewport);
      for (const hash of ['#/queue', `#/alert/${id}`, '#/devices', '#/history']) {
        await op1.goto(`${base}/${hash}`);
        await op1.locator('main h1').first().waitFor();
        const overflow = await op1.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect({ viewport, hash, overflow }).toEqual({ viewport, hash, overflow: 0 });
        if (viewport.width === 800) await screenshot(op1, `tablet-${hash.split('/')[1]}`);
      }
    }
    await op1.setViewportSize(DESK);
  });

  it('an account disabled elsewhere goes back to sign-in', async () => {
    const admin = await apiSession(base, 'admin', ADMIN_PASSWORD);
    expect((await admin('PATCH', '/api/staff/op2', { disabled: true })).status).toBe(200);
    await op2.getByRole('heading', { name: zh['signin.title'] }).waitFor({ timeout: 20_000 });
    expect(await op2.getByRole('link', { name: zh['nav.queue'] }).count()).toBe(0);
  });
});
