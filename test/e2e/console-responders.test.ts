// The responders screen of the alarm console (issue #15) in real headless Chromium against a real
// gateway (embedded aedes, SQLite, HTTP API serving the built console): an admin reaches a
// registered resident's responders from the Devices page, adds two with consent, reorders them,
// edits one, removes a third, changes the plan — each checked through the API; a refusal from the
// API is shown in words (an admin demoted meanwhile is signed out); a supervisor, coming from a
// pendant press's alert detail, sees the same list and plan read only and downloads the month's
// volunteer-hours CSV (parsed); axe-core on both. With UPDATE_SCREENS=1 the screenshot goes to docs/screens/console-responders.png.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningGateway } from '@linli/gateway';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  apiSession,
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
const SUP_PASSWORD = 'supervisor-password-1';
const RESIDENT = 'res-wang';
let gw: RunningGateway;
let dir: string;
let base: string;
let browser: Browser;
let admin: Page;
let sup: Page;

interface Listed {
  responders: {
    id: string;
    name: string;
    kind: string;
    order: number;
    hours: string | null;
    phone: string;
  }[];
  plan: { immediate: boolean; notes: string | null };
}
async function listed(): Promise<Listed> {
  const call = await apiSession(base, 'admin', ADMIN_PASSWORD);
  const res = await call('GET', `/api/residents/${RESIDENT}/responders`);
  expect(res.status).toBe(200);
  return (await res.json()) as Listed;
}
const names = async () => (await listed()).responders.map((r) => r.name);
const rows = (page: Page) => page.locator('tr[data-responder]');
const rowNames = (page: Page) => rows(page).locator('td:nth-child(3)').allTextContents();

async function addThroughForm(
  page: Page,
  r: { name: string; kind: string; phone: string; hours?: string; consentBy: string },
): Promise<void> {
  const form = page.getByRole('form', { name: zh['responders.add'] });
  await form.getByLabel(zh['responders.name']).fill(r.name);
  await form.getByLabel(zh['responders.kind']).selectOption(r.kind);
  await form.getByLabel(zh['responders.phone']).fill(r.phone);
  await form.getByLabel(zh['responders.hours']).fill(r.hours ?? '');
  await form.getByLabel(zh['responders.consentBy']).fill(r.consentBy);
  await form.getByRole('button', { name: zh['responders.addSubmit'] }).click();
  await page.getByText(zh['responders.added'].replace('{name}', r.name)).waitFor();
  // the form is empty again for the next one
  await expect.poll(() => form.getByLabel(zh['responders.name']).inputValue()).toBe('');
}

beforeAll(async () => {
  await ensureConsoleBuilt();
  dir = tempDir();
  provisionStation(dir);
  gw = await startConsoleGateway(dir);
  base = `http://127.0.0.1:${gw.ports.http}`;
  const call = await apiSession(base, 'admin', ADMIN_PASSWORD);
  const made = await call('POST', '/api/staff', {
    username: 'sup1',
    role: 'supervisor',
    password: SUP_PASSWORD,
  });
  expect(made.status).toBe(201);
  browser = await launchChromium();
  admin = (await openConsole(browser, base)).page;
  sup = (await openConsole(browser, base)).page;
});

afterAll(async () => {
  await browser?.close();
  await gw?.stop();
  removeDir(dir);
});

describe('console: neighbour responders', () => {
  it('an admin adds, reorders, edits, removes responders and changes the plan; the API has it', async () => {
    await signIn(admin, 'admin', ADMIN_PASSWORD);
    await admin.evaluate(() => {
      window.location.hash = '#/devices';
    });
    await admin.locator('tr[data-device="p-1"]').getByRole('link', { name: '王秀英' }).click();
    await admin.getByRole('heading', { name: zh['responders.title'].replace('{name}', '王秀英') }).waitFor();
    await admin.getByText(zh['responders.none']).waitFor();

    await addThroughForm(admin, {
      name: '李志愿',
      kind: 'volunteer',
      phone: '13700000001',
      hours: '08:00-20:00',
      consentBy: '李志愿本人',
    });
    await addThroughForm(admin, {
      name: '王小明',
      kind: 'family',
      phone: '13900000000',
      consentBy: '王小明本人',
    });
    await addThroughForm(admin, {
      name: '赵网格',
      kind: 'grid-worker',
      phone: '13600000003',
      consentBy: '赵网格',
    });
    expect(await names()).toEqual(['李志愿', '王小明', '赵网格']);
    const first = (await listed()).responders[0]!;
    expect(first).toMatchObject({ kind: 'volunteer', phone: '13700000001', hours: '08:00-20:00' });
    expect(await rows(admin).first().textContent()).toContain('李志愿本人');

    // remove the third (confirmed in the dialog)
    admin.once('dialog', (d) => void d.accept());
    await rows(admin)
      .filter({ hasText: '赵网格' })
      .getByRole('button', { name: zh['responders.remove'] })
      .click();
    await expect.poll(names).toEqual(['李志愿', '王小明']);

    // the family member first
    await admin.getByRole('button', { name: zh['responders.up'].replace('{name}', '王小明') }).click();
    await expect.poll(names).toEqual(['王小明', '李志愿']);
    await expect.poll(() => rowNames(admin)).toEqual(['王小明', '李志愿']);

    // the volunteer's hours now wrap midnight
    await rows(admin)
      .filter({ hasText: '李志愿' })
      .getByRole('button', { name: zh['responders.editButton'] })
      .click();
    const edit = admin.getByRole('form', { name: zh['responders.edit'].replace('{name}', '李志愿') });
    await edit.getByLabel(zh['responders.hours']).fill('20:00-08:00');
    await edit.getByRole('button', { name: zh['responders.save'] }).click();
    await admin.getByText(zh['responders.saved'], { exact: true }).waitFor();
    await expect
      .poll(async () => (await listed()).responders.find((r) => r.name === '李志愿')?.hours)
      .toBe('20:00-08:00');

    // the plan
    await admin.getByLabel(zh['responders.immediate']).check();
    await admin.getByLabel(zh['responders.notes']).fill('备用钥匙在 401 邻居家；每天服降压药');
    await admin.getByRole('button', { name: zh['responders.savePlan'] }).click();
    await admin.getByText(zh['responders.planSaved']).waitFor();
    expect((await listed()).plan).toMatchObject({
      immediate: true,
      notes: '备用钥匙在 401 邻居家；每天服降压药',
    });

    expect(await axeSerious(admin)).toEqual([]);
    if (update) {
      mkdirSync(join(REPO, 'docs/screens'), { recursive: true });
      await admin.evaluate(() => window.scrollTo(0, 0));
      await admin.screenshot({ path: join(REPO, 'docs/screens/console-responders.png') });
    }
  });

  it("the API's refusal is shown in words", async () => {
    // someone else removes the volunteer while the admin edits them
    const victim = (await listed()).responders.find((r) => r.name === '李志愿')!;
    await rows(admin)
      .filter({ hasText: '李志愿' })
      .getByRole('button', { name: zh['responders.editButton'] })
      .click();
    const call = await apiSession(base, 'admin', ADMIN_PASSWORD);
    expect((await call('DELETE', `/api/residents/${RESIDENT}/responders/${victim.id}`)).status).toBe(204);
    const edit = admin.getByRole('form', { name: zh['responders.edit'].replace('{name}', '李志愿') });
    await edit.getByRole('button', { name: zh['responders.save'] }).click();
    await expect.poll(() => admin.getByRole('alert').textContent()).toBe(zh['responders.error.notFound']);
    await expect.poll(() => rowNames(admin)).toEqual(['王小明']);
    // put the volunteer back for the supervisor's view
    const back = await call('POST', `/api/residents/${RESIDENT}/responders`, {
      name: '李志愿',
      kind: 'volunteer',
      phone: '13700000001',
      order: 20,
      hours: '20:00-08:00',
      consent: { givenBy: '李志愿本人', at: Date.now() },
    });
    expect(back.status).toBe(201);
    // and without consent the API refuses
    const noConsent = await call('POST', `/api/residents/${RESIDENT}/responders`, {
      name: '无同意',
      kind: 'volunteer',
      phone: '13700000009',
      order: 30,
    });
    expect(noConsent.status).toBe(400);
  });

  it('an admin demoted while the screen is open is signed out before changing anything', async () => {
    const call = await apiSession(base, 'admin', ADMIN_PASSWORD);
    const made = await call('POST', '/api/staff', {
      username: 'admin2',
      role: 'admin',
      password: SUP_PASSWORD,
    });
    expect(made.status).toBe(201);
    const { page, context } = await openConsole(browser, base);
    try {
      await signIn(page, 'admin2', SUP_PASSWORD);
      await page.evaluate((id) => {
        window.location.hash = `#/responders/${id}`;
      }, RESIDENT);
      await page.getByRole('button', { name: zh['responders.savePlan'] }).waitFor();
      expect((await call('PATCH', '/api/staff/admin2', { role: 'supervisor' })).status).toBe(200);
      // the console's live stream ends with the changed account: back to the sign-in form
      await page.getByRole('button', { name: zh['signin.submit'] }).waitFor();
      expect((await listed()).plan.immediate).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('a supervisor sees them read only, is refused changes, and downloads the volunteer hours', async () => {
    const volunteer = (await listed()).responders.find((r) => r.name === '李志愿')!;
    // one recorded answer this month, so the CSV has a row to parse
    const db = new Database(join(dir, 'gateway.db'));
    const now = Date.now();
    db.pragma('busy_timeout = 5000');
    db.prepare(
      `INSERT INTO volunteer_hours (alert_id, responder_id, responder_name, resident_id, start_at, end_at, minutes, rule)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run('al-e2e-1', volunteer.id, '李志愿', RESIDENT, now - 45 * 60_000, now, 45, 'going-to-resolved');
    db.close();

    await signIn(sup, 'sup1', SUP_PASSWORD);
    // from the alert: the resident's press, the detail, the link in the resident block
    const pendant = await simDevice(gw, 'p-1');
    try {
      await pendant.press();
      const sos = sup.locator('tr[data-type="sos"]');
      await sos.waitFor();
      await sos.getByRole('link', { name: zh['queue.open'] }).click();
      await sup.getByRole('heading', { name: zh['detail.resident'] }).waitFor();
      await sup.getByRole('link', { name: zh['responders.open'] }).click();
    } finally {
      await pendant.crash().catch(() => {});
    }
    await sup.getByRole('heading', { name: zh['responders.title'].replace('{name}', '王秀英') }).waitFor();
    await expect.poll(() => rowNames(sup)).toEqual(['王小明', '李志愿']);
    await sup.getByText(zh['responders.hintReadOnly']).waitFor();
    expect(await sup.getByRole('button', { name: zh['responders.editButton'] }).count()).toBe(0);
    expect(await sup.getByRole('button', { name: zh['responders.savePlan'] }).count()).toBe(0);
    expect(await sup.getByRole('form', { name: zh['responders.add'] }).count()).toBe(0);
    expect(await sup.locator('main').textContent()).toContain('备用钥匙在 401 邻居家');
    expect(await axeSerious(sup)).toEqual([]);

    const call = await apiSession(base, 'sup1', SUP_PASSWORD);
    expect(
      (await call('PUT', `/api/residents/${RESIDENT}/responders/plan`, { immediate: false })).status,
    ).toBe(403);

    const month = await sup.getByLabel(zh['responders.month']).inputValue();
    const [download] = await Promise.all([
      sup.waitForEvent('download'),
      sup.getByRole('link', { name: zh['responders.download'].replace('{month}', month) }).click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8').replace(/^\ufeff/, '');
    const lines = csv
      .trim()
      .split('\r\n')
      .map((l) => l.split(','));
    expect(lines[0]).toEqual([
      'responder_id',
      'responder',
      'alert_id',
      'resident_id',
      'start',
      'end',
      'minutes',
      'rule',
    ]);
    expect(lines.slice(1)).toHaveLength(1);
    expect(lines[1]).toMatchObject({ 0: volunteer.id, 1: '李志愿', 2: 'al-e2e-1', 3: RESIDENT, 6: '45' });
  });
});
