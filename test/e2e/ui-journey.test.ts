// The whole journey of issue #12 in headless Chromium against the real kiosk service and the
// simulators on pseudo-terminals: a card on the simulated reader → greeting with the masked
// name → pick a service → the simulated printer prints the ticket → staff call it → the phone
// page shows the call → finish → the resident scans the ticket's QR at the kiosk and rates →
// the rating is stored.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Kiosk, LANDSCAPE, launch, PHONE, Staff, startKiosk } from './ui-helpers.ts';

let kiosk: Kiosk;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  kiosk = await startKiosk({ LINLI_KIOSK_PUBLIC_URL: 'http://kiosk.test' });
  browser = await launch();
  page = await browser.newPage({ viewport: LANDSCAPE });
  await page.goto(`${kiosk.base}/`);
  await page.getByTestId('service-social-security').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await kiosk?.stop();
});

describe('resident journey on the kiosk and the phone', () => {
  it('card → greeting → ticket printed → called on the phone → finished → rated at the kiosk', async () => {
    const sim = kiosk.running.hardware.simulated;
    sim.idcard!.place('li-92'); // 李德明, 92: priority
    await expect
      .poll(() => page.getByTestId('greeting').textContent(), { timeout: 15_000 })
      .toContain('李*明');
    expect(await page.content()).not.toContain('李德明');
    await page.getByTestId('priority').waitFor();

    const printed = sim.printer!.nextTicket(20_000);
    await page.getByTestId('service-social-security').click();
    const number = (await page.getByTestId('ticket-number').textContent())?.trim();
    expect(number).toMatch(/^A\d{3}$/);
    await page.getByTestId('ticket-priority').waitFor();
    const ticket = await printed;
    expect(ticket.text).toContain(number!);
    expect(ticket.text).toContain('社会保障');
    expect(ticket.text).toContain('优先');
    expect(ticket.qr).toHaveLength(1);
    const followUrl = ticket.qr[0]!;
    expect(followUrl).toMatch(/^http:\/\/kiosk\.test\/follow\/[A-Za-z0-9_-]{24}$/);
    // "take your ticket" once the print job reports printed — also when the job's "printed" event
    // reached the screen before the answer to the issue request (the screen remembers recent jobs).
    await expect
      .poll(() => page.getByTestId('print-state').getAttribute('data-state', { timeout: 1000 }), {
        timeout: 20_000,
      })
      .toBe('printed');
    sim.idcard!.remove();

    // The phone opens the QR code's page (here on the kiosk service's real address).
    const phone = await browser.newPage({ viewport: PHONE, hasTouch: true, isMobile: true });
    const token = followUrl.split('/').pop()!;
    await phone.goto(`${kiosk.base}/follow/${token}`);
    expect((await phone.getByTestId('follow-number').textContent())?.trim()).toBe(number);
    await phone.getByTestId('follow-ahead').waitFor();

    const staff = await new Staff(kiosk.base).login();
    const { tickets } = await staff.call<{ tickets: { id: string; number: string }[] }>(
      'GET',
      '/api/tickets?state=waiting',
    );
    const mine = tickets.find((t) => t.number === number)!;
    await staff.call('POST', '/api/windows/1/call', { ticketId: mine.id });
    await phone.getByTestId('follow-called').waitFor({ timeout: 15_000 });
    expect(await phone.getByTestId('follow-called').textContent()).toContain('1');

    await staff.call('POST', `/api/tickets/${mine.id}/finish`, { outcome: 'resolved' });
    await phone.getByTestId('follow-done').waitFor({ timeout: 15_000 });

    // Back at the kiosk: 评价服务 → scan the ticket → five faces → 不满意 asks why → stored.
    await page.getByTestId('ticket-done').click();
    await page.getByTestId('rate').click();
    await page.getByTestId('scan-rate').waitFor();
    sim.scanner!.scan(followUrl);
    await page.getByTestId('rate-2').click({ timeout: 15_000 });
    await page.getByTestId('reason-long-wait').click();
    await page.getByTestId('rating-thanks').waitFor();
    const stored = await staff.call<{ ticket: { rating: number; ratingReason?: string } }>(
      'GET',
      `/api/tickets/${mine.id}`,
    );
    expect(stored.ticket.rating).toBe(2);

    // The phone page now says it was rated instead of offering the faces again.
    await phone.reload();
    await phone.getByTestId('follow-done').waitFor();
    expect(await phone.getByTestId('rate-5').count()).toBe(0);
    await phone.close();
  });
});
