// The admin and statistics screen (kiosk/admin-ui at /admin/) in headless Chromium against the
// real kiosk service and its simulators: the station head signs in, edits a service's hours and a
// window's services (seen through the API), reads the statistics of tickets issued, called,
// finished and rated through the API, downloads the CSV and parses it, follows up a bad rating,
// and finds every change in the audit log. A window clerk is told plainly the screen is not
// theirs, and the API refuses every admin route to them. axe-core on every page; with
// UPDATE_SCREENS=1 each page is photographed into docs/screens/ (1280×800).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeSerious, type Kiosk, launch, Staff, startKiosk } from './ui-helpers.ts';

const DESK = { width: 1280, height: 800 };
const SHOTS = join(import.meta.dirname, '../../docs/screens');
const update = process.env.UPDATE_SCREENS === '1';

let kiosk: Kiosk;
let browser: Browser;
let admin: Staff;
let clerk: Staff;

/** A browser context like a station PC's: desk size, the station's time zone, downloads allowed. */
const desk = (): Promise<BrowserContext> =>
  browser.newContext({
    viewport: DESK,
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
    bypassCSP: true, // axe-core is injected inline
  });

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto(`${kiosk.base}/admin/`);
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('button[type="submit"]').click();
}

async function open(page: Page, id: string, ready: string): Promise<void> {
  await page.getByTestId(`nav-${id}`).click();
  await page.getByTestId(ready).first().waitFor({ timeout: 15_000 });
}

async function check(page: Page, name: string): Promise<void> {
  const violations = await axeSerious(page);
  expect(violations, `${name}: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
  if (update) await page.screenshot({ path: join(SHOTS, `admin-${name}.png`) });
}

/** RFC 4180 rows (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

beforeAll(async () => {
  kiosk = await startKiosk();
  browser = await launch();
  admin = await new Staff(kiosk.base).login();
  await admin.call('POST', '/api/admin/staff', {
    username: 'wang',
    displayName: '王窗口',
    role: 'window',
    password: 'wang-pass-1',
  });
  clerk = new Staff(kiosk.base);
  await clerk.call('POST', '/api/auth/login', { username: 'wang', password: 'wang-pass-1' });
});

afterAll(async () => {
  await browser?.close();
  await kiosk?.stop();
});

describe('admin screen: roles', () => {
  it('a window clerk who signs in is told plainly the screen needs the administrator role', async () => {
    const ctx = await desk();
    const page = await ctx.newPage();
    await page.goto(`${kiosk.base}/admin/`);
    await page.locator('input[name="username"]').waitFor();
    await check(page, 'signin');
    await signIn(page, 'wang', 'wang-pass-1');
    const notice = page.getByTestId('no-role');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('没有管理员权限');
    expect(await notice.textContent()).toContain('王窗口');
    expect(await page.getByTestId('nav-services').count()).toBe(0);
    await check(page, 'no-role');
    await ctx.close();
  });

  it('the API refuses every admin route to a window clerk (403 FORBIDDEN) and to nobody signed in (401)', async () => {
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/admin/services'],
      ['POST', '/api/admin/services', { id: 'x', nameZh: 'x', nameEn: 'x', prefix: 'X', hours: {} }],
      ['PATCH', '/api/admin/services/legal', { dailyCap: 1 }],
      ['POST', '/api/admin/windows', { id: 9, name: '9' }],
      ['PATCH', '/api/admin/windows/1', { name: 'x' }],
      ['GET', '/api/admin/staff'],
      [
        'POST',
        '/api/admin/staff',
        { username: 'zz', displayName: 'z', role: 'admin', password: 'zz-pass-12' },
      ],
      ['PATCH', '/api/admin/staff/2', { role: 'admin' }],
      ['GET', '/api/admin/audit'],
      ['GET', '/api/admin/ratings/bad'],
      ['POST', '/api/admin/ratings/00000000-0000-0000-0000-000000000000/follow-up', { note: 'x' }],
      ['GET', '/api/admin/stats'],
      ['GET', '/api/admin/stats.csv'],
      ['GET', '/api/admin/refusals'],
      ['GET', '/api/admin/policy'],
      ['PATCH', '/api/admin/policy', { policy: 'strict' }],
      ['GET', '/api/admin/closed-days'],
      ['PUT', '/api/admin/closed-days/2026-12-25', { serviceIds: '*' }],
      ['DELETE', '/api/admin/closed-days/2026-12-25'],
    ];
    for (const [method, path, body] of routes) {
      for (const [who, cookie, status, code] of [
        ['clerk', (clerk as unknown as { cookie: string }).cookie, 403, 'FORBIDDEN'],
        ['nobody', '', 401, 'UNAUTHENTICATED'],
      ] as const) {
        const res = await fetch(`${kiosk.base}${path}`, {
          method,
          headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        expect(res.status, `${who} ${method} ${path}`).toBe(status);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
      }
    }
    // nothing changed behind the refusals
    const { staff } = await admin.call<{ staff: { username: string; role: string }[] }>(
      'GET',
      '/api/admin/staff',
    );
    expect(staff.find((s) => s.username === 'wang')?.role).toBe('window');
    expect(staff.some((s) => s.username === 'zz')).toBe(false);
  });
});

describe('admin screen: the station head at work', () => {
  let ctx: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    ctx = await desk();
    page = await ctx.newPage();
    await signIn(page, 'admin', 'e2e-admin-pass-1');
    await page.getByTestId('services-table').waitFor({ timeout: 15_000 });
  });
  afterAll(async () => ctx?.close());

  it("edits a service's hours (staggered, Sunday) — refused with a reason when wrong — seen in the public API", async () => {
    await page.getByTestId('edit-service-legal').click();
    const form = page.getByTestId('service-form');
    await form.waitFor();
    await page.getByTestId('preset-staggered').click();
    await page.getByTestId('hours-0').fill('10:00-12:00');
    await page.getByTestId('hours-1').fill('18:00-09:00');
    await page.getByTestId('save-service').click();
    const status = page.getByTestId('service-status');
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toContain('营业时间格式错误');
    expect(await status.getAttribute('role')).toBe('alert');
    await page.getByTestId('hours-1').fill('08:30-12:00, 13:30-19:00');
    await page.getByTestId('save-service').click();
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toBe('已保存');
    await check(page, 'services');

    const res = await fetch(`${kiosk.base}/api/services`);
    const legal = (
      (await res.json()) as { services: { id: string; hours: Record<string, string[]> }[] }
    ).services.find((s) => s.id === 'legal');
    expect(legal?.hours).toMatchObject({
      '0': ['10:00-12:00'],
      '1': ['08:30-12:00', '13:30-19:00'],
      '6': ['09:00-12:00'],
    });
    await expect
      .poll(() => page.getByTestId('service-row-legal').textContent(), { timeout: 10_000 })
      .toContain('13:30-19:00');
  });

  it('sets a closed day for one service and removes it; /api/services follows', async () => {
    const today = ((await (await fetch(`${kiosk.base}/api/health`)).json()) as { day: string }).day;
    const health = async () =>
      (
        (await (await fetch(`${kiosk.base}/api/services`)).json()) as {
          services: { id: string; closedToday: boolean }[];
        }
      ).services.find((s) => s.id === 'health')?.closedToday;
    expect(await health()).toBe(false);
    await page.getByTestId('closed-all').uncheck();
    await page.getByTestId('closed-service-health').check();
    await page.getByTestId('closed-form').locator('input:not([type])').fill('设备检修');
    await page.getByTestId('closed-form').locator('button[type="submit"]').click();
    await page.getByTestId(`closed-${today}`).waitFor({ timeout: 10_000 });
    expect(await page.getByTestId(`closed-${today}`).textContent()).toContain('医疗卫生与计生');
    expect(await health()).toBe(true);
    await page.getByTestId(`closed-${today}`).getByRole('button').click();
    await expect.poll(() => page.getByTestId(`closed-${today}`).count(), { timeout: 10_000 }).toBe(0);
    expect(await health()).toBe(false);
  });

  it("adds a service to a window; the clerk at that window then has that service's tickets", async () => {
    await open(page, 'windows', 'window-2');
    await page.getByTestId('window-2-service-legal').check();
    await page.getByTestId('save-window-2').click();
    await expect
      .poll(() => page.getByTestId('window-2-status').textContent(), { timeout: 10_000 })
      .toBe('已保存');
    await check(page, 'windows');
    const { windows } = await clerk.call<{ windows: { id: number; serviceIds: string[] }[] }>(
      'GET',
      '/api/windows',
    );
    expect(windows.find((w) => w.id === 2)?.serviceIds).toContain('legal');
    const issued = await fetch(`${kiosk.base}/api/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ serviceId: 'legal', identity: 'anonymous' }),
    }).then((r) => r.json() as Promise<{ ticket: { id: string } }>);
    const queue = await clerk.call<{ tickets: { id: string }[] }>('GET', '/api/windows/2/queue');
    expect(queue.tickets.map((t) => t.id)).toContain(issued.ticket.id);
    await admin.call('POST', `/api/tickets/${issued.ticket.id}/cancel`);
  });

  it('saves the calling policy, in force at once (/api/meta)', async () => {
    await open(page, 'policy', 'policy-form');
    await page.getByTestId('policy-weighted').check();
    await page.getByTestId('policy-form').locator('button[type="submit"]').click();
    await expect
      .poll(() => page.getByTestId('policy-status').textContent(), { timeout: 10_000 })
      .toBe('已保存');
    const meta = (await (await fetch(`${kiosk.base}/api/meta`)).json()) as { policy: string };
    expect(meta.policy).toBe('weighted');
    await check(page, 'policy');
  });

  it('creates a staff account, resets its password and disables it (each seen at sign-in)', async () => {
    const login = (password: string) =>
      fetch(`${kiosk.base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'zhao', password }),
      }).then((r) => r.status);
    await open(page, 'staff', 'new-staff');
    const form = page.getByTestId('new-staff');
    await form.locator('input[name="username"]').fill('zhao');
    await form.locator('input[name="displayName"]').fill('赵窗口');
    await form.locator('input[name="password"]').fill('zhao-pass-1');
    await form.locator('button[type="submit"]').click();
    await page.getByTestId('staff-zhao').waitFor({ timeout: 10_000 });
    expect(await login('zhao-pass-1')).toBe(200);

    await page.getByTestId('reset-zhao').click();
    await page.getByTestId('staff-zhao').locator('input[type="password"]').fill('zhao-new-pass-2');
    await page.getByTestId('staff-zhao').locator('button[type="submit"]').click();
    await expect
      .poll(() => page.getByTestId('staff-status').textContent(), { timeout: 10_000 })
      .toContain('密码已重置');
    expect(await login('zhao-pass-1')).toBe(401);
    expect(await login('zhao-new-pass-2')).toBe(200);

    await page.getByTestId('toggle-zhao').click();
    await expect.poll(() => page.getByTestId('toggle-zhao').textContent(), { timeout: 10_000 }).toBe('启用');
    expect(await login('zhao-new-pass-2')).toBe(401);
    await check(page, 'staff');
  });

  it('books an appointment for today from the appointments page', async () => {
    await open(page, 'appointments', 'appointments');
    const before = await page.getByTestId('appointments').locator('tbody tr').count();
    const form = page.getByTestId('book-form');
    await form.locator('select').selectOption('legal');
    await form.locator('input[type="time"]').fill('16:30');
    await form.locator('input[name="name"]').fill('张三丰');
    await form.locator('button[type="submit"]').click();
    await expect
      .poll(() => page.getByTestId('appointments').locator('tbody tr').count(), { timeout: 10_000 })
      .toBe(before + 1);
    const row = await page.getByTestId('appointments').locator('tbody tr').last().textContent();
    expect(row).toContain('16:30');
    expect(row).toContain('法律服务');
    expect(row).not.toContain('张三丰'); // only the masked name is kept
    await check(page, 'appointments');
  });

  it('tickets issued, called, finished and rated through the API show in the statistics; the CSV downloads and parses', async () => {
    // window 1 serves social-security; the admin works it
    await admin.call('POST', '/api/windows/1/sign-in');
    const done: { number: string; token: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${kiosk.base}/api/tickets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ serviceId: 'elderly-care', identity: 'anonymous' }),
      });
      const issued = (await r.json()) as { ticket: { number: string }; token: string };
      const { ticket } = await admin.call<{ ticket: { id: string } }>('POST', '/api/windows/1/call-next');
      if (i < 2) {
        await admin.call('POST', `/api/tickets/${ticket.id}/finish`, { outcome: 'resolved' });
        done.push({ number: issued.ticket.number, token: issued.token });
      } else {
        // a no-show needs the recalls first (noShowAfterRecalls, 2)
        await admin.call('POST', `/api/tickets/${ticket.id}/recall`);
        await admin.call('POST', `/api/tickets/${ticket.id}/recall`);
        await admin.call('POST', `/api/tickets/${ticket.id}/no-show`);
      }
    }
    const rate = (token: string, body: object) =>
      fetch(`${kiosk.base}/api/follow/${token}/rating`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await rate(done[0]!.token, { rating: 5 })).status).toBe(200);
    expect(
      (await rate(done[1]!.token, { rating: 1, reason: 'long-wait', comment: '等了"很久", 太慢' })).status,
    ).toBe(200);

    const api = await admin.call<{
      overall: { tickets: number; done: number; noShow: number };
      byService: { key: string; tickets: number; done: number; noShow: number }[];
    }>('GET', '/api/admin/stats');
    const care = api.byService.find((g) => g.key === 'elderly-care');
    expect(care).toMatchObject({ tickets: 3, done: 2, noShow: 1 });

    await open(page, 'stats', 'stats-overall');
    await expect
      .poll(() => page.getByTestId('figure-tickets').locator('dd').textContent(), { timeout: 10_000 })
      .toBe(String(api.overall.tickets));
    expect(await page.getByTestId('figure-done').locator('dd').textContent()).toBe(String(api.overall.done));
    expect(await page.getByTestId('figure-good-bad').locator('dd').textContent()).toBe('1 / 1');
    const row = page.getByTestId('stats-service').locator('tr[data-key="elderly-care"]');
    expect(await row.locator('td').nth(0).textContent()).toBe('3');
    expect(await row.locator('td').nth(1).textContent()).toBe('2');
    expect(await row.locator('td').nth(2).textContent()).toBe('1');
    await check(page, 'stats');

    for (const by of ['service', 'window', 'hour'] as const) {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId(`csv-${by}`).click(),
      ]);
      const path = await download.path();
      const raw = readFileSync(path!);
      expect([...raw.subarray(0, 3)], 'UTF-8 BOM').toEqual([0xef, 0xbb, 0xbf]);
      const text = raw.toString('utf8').slice(1);
      expect(download.suggestedFilename()).toMatch(new RegExp(`^linli-stats-${by}-\\d{4}-\\d{2}-\\d{2}-`));
      const rows = parseCsv(text);
      const shown = await page.getByTestId(`stats-${by}`).locator('tbody tr').count();
      if (by === 'hour')
        expect(rows).toHaveLength(25); // header + 24 hours
      else expect(rows.length, `${by} rows`).toBe(shown + 1);
      if (by === 'service') {
        expect(rows[0]?.slice(0, 4)).toEqual(['service', 'label', 'tickets', 'done']);
        const csvCare = rows.find((r) => r[0] === 'elderly-care');
        expect(csvCare?.slice(1, 5)).toEqual(['养老服务', '3', '2', '1']);
        expect(rows.every((r) => r.length === rows[0]?.length)).toBe(true);
      }
    }
  });

  it('the statistics of today follow the live stream: a ticket finished and rated shows without a reload', async () => {
    await open(page, 'stats', 'stats-overall');
    await page.getByTestId('stats-live').waitFor();
    expect(await page.getByTestId('stats-live').getAttribute('data-stale')).toBe('false');
    const figure = (id: string) => page.getByTestId(`figure-${id}`).locator('dd').textContent();
    const before = Number(await figure('tickets'));
    const doneBefore = Number(await figure('done'));
    const r = await fetch(`${kiosk.base}/api/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ serviceId: 'elderly-care', identity: 'anonymous' }),
    });
    const issued = (await r.json()) as { ticket: { id: string }; token: string };
    await expect.poll(() => figure('tickets'), { timeout: 15_000 }).toBe(String(before + 1));
    await admin.call('POST', '/api/windows/1/call', { ticketId: issued.ticket.id });
    await admin.call('POST', `/api/tickets/${issued.ticket.id}/finish`, { outcome: 'resolved' });
    await expect.poll(() => figure('done'), { timeout: 15_000 }).toBe(String(doneBefore + 1));
    const rated = await fetch(`${kiosk.base}/api/follow/${issued.token}/rating`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rating: 4 }),
    });
    expect(rated.status).toBe(200);
    await expect.poll(() => figure('good-bad'), { timeout: 15_000 }).toBe('2 / 1');
    const stats = await admin.call<{ overall: { tickets: number; done: number } }>('GET', '/api/admin/stats');
    expect(await figure('tickets')).toBe(String(stats.overall.tickets));
    expect(await figure('done')).toBe(String(stats.overall.done));
  });

  it('the bad rating is listed and marked followed up with a note', async () => {
    await open(page, 'ratings', 'bad-ratings');
    const number = (
      await admin.call<{ ratings: { number: string }[] }>('GET', '/api/admin/ratings/bad?open=1')
    ).ratings[0]!.number;
    const row = page.getByTestId(`rating-${number}`);
    expect(await row.textContent()).toContain('非常不满意');
    expect(await row.textContent()).toContain('等候时间过长');
    await check(page, 'ratings');
    await row.locator('textarea').fill('已电话回访，致歉并说明高峰时段');
    await row.getByRole('button').click();
    await expect
      .poll(() => page.getByTestId(`rating-${number}`).getByTestId('followed-up').textContent(), {
        timeout: 10_000,
      })
      .toContain('已电话回访');
    const open1 = await admin.call<{ ratings: unknown[] }>('GET', '/api/admin/ratings/bad?open=1');
    expect(open1.ratings).toHaveLength(0);
    const all = await admin.call<{ ratings: { followupNote: string; followupBy: number }[] }>(
      'GET',
      '/api/admin/ratings/bad',
    );
    expect(all.ratings[0]).toMatchObject({ followupNote: '已电话回访，致歉并说明高峰时段', followupBy: 1 });
  });

  it('the audit log shows the changes, filtered by action family and target', async () => {
    await open(page, 'audit', 'audit-table');
    await check(page, 'audit');
    await page.locator('select[name="action"]').selectOption('service');
    await page.getByTestId('audit-filter').click();
    // the table held every entry before the filter: wait until it shows the filtered ones only
    const rows = () => page.getByTestId('audit-table').locator('tbody tr').allTextContents();
    await expect
      .poll(
        async () => {
          const shown = await rows();
          return shown.length > 0 && shown.every((r) => r.includes('service.'));
        },
        { timeout: 10_000 },
      )
      .toBe(true);
    const services = await rows();
    expect(services.some((r) => r.includes('service.update') && r.includes('service:legal'))).toBe(true);
    // the refused save (bad hours) left no entry: one update of legal
    expect(services.filter((r) => r.includes('service:legal'))).toHaveLength(1);

    await page.locator('select[name="action"]').selectOption('');
    await page.locator('input[name="target"]').fill('window:2');
    await page.getByTestId('audit-filter').click();
    await expect
      .poll(() => page.getByTestId('audit-table').locator('tbody tr').allTextContents(), { timeout: 10_000 })
      .toEqual([expect.stringContaining('window.update')]);

    await page.locator('input[name="target"]').fill('');
    await page.locator('select[name="action"]').selectOption('rating');
    await page.getByTestId('audit-filter').click();
    await expect
      .poll(() => page.getByTestId('audit-table').locator('tbody tr').allTextContents(), { timeout: 10_000 })
      .toEqual([expect.stringContaining('已电话回访')]);
  });
});
