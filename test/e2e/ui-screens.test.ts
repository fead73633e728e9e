// Every resident screen, in portrait (1080×1920) and landscape (1920×1080), reached through the
// real flows: axe-core finds no serious or critical violation; every text is ≥ 24 px (18 pt),
// every main action ≥ 40 px (30 pt), every touch target ≥ 60 × 60 CSS px; the ticket number has
// ≥ 7:1 contrast (axe's enhanced contrast rule). The phone page is checked on a 360 px phone too.
// With UPDATE_SCREENS=1 the screenshots are written to docs/screens/ (docs/kiosk-ui.md shows them).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeSerious,
  type Kiosk,
  LANDSCAPE,
  launch,
  measure,
  PHONE,
  PORTRAIT,
  Staff,
  startKiosk,
  stationNow,
} from './ui-helpers.ts';

const SHOTS = join(import.meta.dirname, '../../docs/screens');
const update = process.env.UPDATE_SCREENS === '1';
let kiosk: Kiosk;
let browser: Browser;
let page: Page;
const sim = () => kiosk.running.hardware.simulated;

beforeAll(async () => {
  kiosk = await startKiosk({ LINLI_KIOSK_PUBLIC_URL: 'http://192.168.1.20:8090' });
  browser = await launch();
  page = await browser.newPage({ viewport: LANDSCAPE, bypassCSP: true });
  if (update) mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await kiosk?.stop();
});

interface Finding {
  screen: string;
  what: string;
}

/** Checks the page as it is now in each viewport; returns what breaks the rules. */
async function check(
  p: Page,
  name: string,
  viewports = { portrait: PORTRAIT, landscape: LANDSCAPE },
): Promise<Finding[]> {
  const found: Finding[] = [];
  for (const [orientation, size] of Object.entries(viewports)) {
    await p.setViewportSize(size);
    const screen = `${name} (${orientation})`;
    for (const v of await axeSerious(p))
      found.push({
        screen,
        what: `axe ${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
      });
    const m = await measure(p);
    for (const t of m.texts)
      if (t.px < 24) found.push({ screen, what: `text ${t.px} px < 24 px: "${t.text}"` });
    for (const b of m.targets)
      if (b.w < 60 || b.h < 60)
        found.push({ screen, what: `target ${Math.round(b.w)}×${Math.round(b.h)} < 60×60: "${b.name}"` });
    const mains = await p.$$eval('button[data-size=main]', (els) =>
      els.map((e) => Number.parseFloat(getComputedStyle(e).fontSize)),
    );
    for (const px of mains) if (px < 40) found.push({ screen, what: `main action ${px} px < 40 px` });
    if (update) await p.screenshot({ path: join(SHOTS, `${name}-${orientation}.png`) });
  }
  return found;
}

/** The ticket number's contrast against its background: ≥ 7:1 (axe color-contrast-enhanced). */
async function numberContrast(p: Page, selector: string): Promise<string[]> {
  return p.evaluate(async (sel) => {
    const w = window as unknown as {
      axe: {
        run(
          ctx: unknown,
          opts: unknown,
        ): Promise<{ violations: { id: string }[]; incomplete: { id: string }[] }>;
      };
    };
    const r = await w.axe.run(
      { include: [sel] },
      { runOnly: { type: 'rule', values: ['color-contrast-enhanced'] } },
    );
    return [...r.violations, ...r.incomplete].map((v) => v.id);
  }, selector);
}

describe('every screen: axe, text sizes, touch targets (portrait and landscape)', () => {
  const findings: Finding[] = [];

  it('home, high contrast, larger text, Uyghur', async () => {
    await page.goto(`${kiosk.base}/`);
    await page.getByTestId('service-general').waitFor();
    findings.push(...(await check(page, 'home')));
    await page.getByTestId('contrast').click();
    findings.push(...(await check(page, 'home-high-contrast')));
    await page.getByTestId('contrast').click();
    await page.getByTestId('larger').click();
    findings.push(...(await check(page, 'home-larger-text')));
    await page.getByTestId('larger').click();
    await page.getByTestId('lang-en').click();
    findings.push(...(await check(page, 'home-english')));
    await page.getByTestId('lang-ug').click();
    findings.push(...(await check(page, 'home-uyghur')));
    await page.getByTestId('lang-zh-CN').click();
  });

  it('greeting, ticket (printing → take it), need card', async () => {
    sim().idcard!.place('li-92');
    await page.getByTestId('priority').waitFor({ timeout: 15_000 });
    findings.push(...(await check(page, 'greeting')));
    await page.getByTestId('service-social-security').click();
    await page.getByTestId('ticket-number').waitFor();
    await expect
      .poll(() => page.getByTestId('print-state').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('printed');
    findings.push(...(await check(page, 'ticket')));
    expect(await numberContrast(page, '[data-testid=ticket-number]')).toEqual([]);
    sim().idcard!.remove();
    await page.getByTestId('ticket-done').click();
    await page.getByTestId('service-household').click();
    await page.getByTestId('need-card').waitFor();
    findings.push(...(await check(page, 'need-card')));
    await page.getByTestId('home').click();
  });

  it('printer out of paper: the ticket to photograph with its QR code', async () => {
    sim().printer!.setStatus({ paperOut: true });
    await page.getByTestId('printer-broken').waitFor({ timeout: 20_000 });
    findings.push(...(await check(page, 'home-printer-out')));
    await page.getByTestId('service-general').click();
    await page.getByTestId('print-photo').waitFor({ timeout: 15_000 });
    findings.push(...(await check(page, 'ticket-photograph')));
    expect(await numberContrast(page, '[data-testid=ticket-number]')).toEqual([]);
    sim().printer!.setStatus({ paperOut: false });
    await page.getByTestId('ticket-done').click();
  });

  it('card problems, reader out of order, appointment scan, rating scan, continue?', async () => {
    sim().idcard!.setFault({ name: 'read-failure' });
    sim().idcard!.place('wang-86');
    await page.getByTestId('problem-cardUnreadable').waitFor({ timeout: 15_000 });
    findings.push(...(await check(page, 'card-unreadable')));
    sim().idcard!.remove();
    sim().idcard!.setFault(null);
    await page.getByTestId('problem-back').click();
    sim().idcard!.place('chen-expired');
    await page.getByTestId('problem-cardExpired').waitFor({ timeout: 15_000 });
    findings.push(...(await check(page, 'card-expired')));
    sim().idcard!.remove();
    await page.getByTestId('problem-back').click();

    sim().idcard!.setFault('silent');
    await page.getByTestId('reader-broken').waitFor({ timeout: 20_000 });
    findings.push(...(await check(page, 'home-reader-broken')));
    sim().idcard!.setFault(null);
    await page.getByTestId('card-cue').waitFor({ timeout: 20_000 });

    await page.getByTestId('appointment').click();
    findings.push(...(await check(page, 'scan-appointment')));
    const staff = await new Staff(kiosk.base).login();
    const { day, time } = stationNow(10);
    const { appointment } = await staff.call<{ appointment: { code: string } }>('POST', '/api/appointments', {
      serviceId: 'legal',
      day,
      time: time < '00:10' ? '23:59' : time,
    });
    sim().scanner!.scan(appointment.code);
    await page.getByTestId('ticket').waitFor({ timeout: 15_000 });
    findings.push(...(await check(page, 'ticket-appointment')));
    await page.getByTestId('ticket-done').click();
    await page.getByTestId('rate').click();
    findings.push(...(await check(page, 'scan-rate')));
    await page.getByTestId('home').click();

    // The continue screen, on a page whose idle time is short.
    const idle = await browser.newPage({ viewport: LANDSCAPE, bypassCSP: true });
    await idle.goto(`${kiosk.base}/?idle=1&warn=60`);
    await idle.getByTestId('lang-en').click();
    await idle.getByTestId('continue').waitFor({ timeout: 10_000 });
    findings.push(...(await check(idle, 'continue')));
    await idle.close();
  });

  it('rating at the kiosk and the phone page (waiting, called, rating)', async () => {
    const res = await fetch(`${kiosk.base}/api/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ serviceId: 'employment', identity: 'anonymous' }),
    });
    const issued = (await res.json()) as { ticket: { id: string }; token: string; followUrl: string };
    const phone = await browser.newPage({ viewport: PHONE, isMobile: true, hasTouch: true, bypassCSP: true });
    await phone.goto(`${kiosk.base}/follow/${issued.token}`);
    await phone.getByTestId('follow-ahead').waitFor();
    const views = { phone: PHONE, portrait: PORTRAIT, landscape: LANDSCAPE };
    findings.push(...(await check(phone, 'phone-waiting', views)));
    const staff = await new Staff(kiosk.base).login();
    await staff.call('POST', '/api/windows/2/call', { ticketId: issued.ticket.id });
    await phone.getByTestId('follow-called').waitFor({ timeout: 15_000 });
    findings.push(...(await check(phone, 'phone-called', views)));
    await staff.call('POST', `/api/tickets/${issued.ticket.id}/finish`, { outcome: 'resolved' });
    await phone.getByTestId('rate-5').waitFor({ timeout: 15_000 });
    findings.push(...(await check(phone, 'phone-rating', views)));
    await phone.close();

    await page.getByTestId('rate').click();
    await page.getByTestId('scan-rate').waitFor();
    sim().scanner!.scan(issued.followUrl);
    await page.getByTestId('rate-1').waitFor({ timeout: 15_000 });
    findings.push(...(await check(page, 'rating')));
    await page.getByTestId('rate-1').click();
    findings.push(...(await check(page, 'rating-reasons')));
    await page.getByTestId('reason-attitude').click();
    await page.getByTestId('rating-thanks').waitFor();
    findings.push(...(await check(page, 'rating-thanks')));
  });

  it('found nothing against the rules', () => {
    expect(findings).toEqual([]);
  });
});
