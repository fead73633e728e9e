// The other paths of issue #12 in headless Chromium against the real kiosk service and the
// simulators: printer out of paper and offline (the ticket stays on screen with the QR code),
// unreadable and expired cards, a reader out of order, an anonymous ticket, an appointment
// checked in by scanning its code, and the other card types.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Kiosk, LANDSCAPE, launch, Staff, startKiosk, stationNow } from './ui-helpers.ts';

let kiosk: Kiosk;
let browser: Browser;
let page: Page;
const sim = () => kiosk.running.hardware.simulated;

beforeAll(async () => {
  kiosk = await startKiosk();
  browser = await launch();
});

beforeEach(async () => {
  page = await browser.newPage({ viewport: LANDSCAPE });
  await page.goto(`${kiosk.base}/`);
  await page.getByTestId('service-social-security').waitFor();
});

afterEach(async () => {
  sim().idcard!.remove();
  sim().idcard!.setFault(null);
  sim().printer!.setStatus({ paperOut: false, offline: false });
  await page.close();
});

afterAll(async () => {
  await browser?.close();
  await kiosk?.stop();
});

async function printerState(want: 'ok' | 'error'): Promise<void> {
  await expect
    .poll(
      async () => {
        const r = (await (await fetch(`${kiosk.base}/api/hardware/health`)).json()) as {
          devices: { device: string; state: string }[];
        };
        return r.devices.find((d) => d.device === 'printer')?.state;
      },
      { timeout: 20_000 },
    )
    .toBe(want);
}

describe('printer cannot print: the ticket stays on screen, never a dead end', () => {
  for (const [what, status] of [
    ['out of paper', { paperOut: true }],
    ['offline', { offline: true }],
  ] as const) {
    it(`printer ${what}: number large, "please photograph this", QR code to the phone page`, async () => {
      sim().printer!.setStatus(status);
      await printerState('error');
      await page.getByTestId('printer-broken').waitFor();
      await page.getByTestId('service-general').click();
      await page.getByTestId('print-photo').waitFor({ timeout: 15_000 });
      expect(await page.getByTestId('print-photo').textContent()).toContain('请用手机拍下这个号码');
      expect(await page.getByTestId('ticket-number').textContent()).toMatch(/^J\d{3}$/);
      const qr = page.getByRole('img', { name: '查看排队进度的二维码' });
      expect(await qr.count()).toBe(1);
      expect((await qr.boundingBox())!.width).toBeGreaterThanOrEqual(250);
    });
  }
});

describe('card problems in words a resident understands', () => {
  it('unreadable card: "place it again" with the card animation, no code', async () => {
    sim().idcard!.setFault({ name: 'read-failure' });
    sim().idcard!.place('wang-86');
    await page.getByTestId('problem-cardUnreadable').waitFor({ timeout: 15_000 });
    const text = (await page.getByTestId('problem').textContent()) ?? '';
    expect(text).toContain('证件没有读出来');
    expect(text).not.toMatch(/READ_|SW|0x|41/);
    await page.getByTestId('card-cue').waitFor();
  });

  it('expired card: says so and what to do', async () => {
    sim().idcard!.place('chen-expired');
    await page.getByTestId('problem-cardExpired').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('problem').textContent()).toContain('这张证件已过期');
  });

  it('reader out of order: home says so and to call staff; services without a card still work', async () => {
    sim().idcard!.setFault('silent');
    await page.getByTestId('reader-broken').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('reader-broken').textContent()).toContain('请找工作人员帮忙');
    expect(await page.getByTestId('card-cue').count()).toBe(0);
    sim().idcard!.setFault(null);
    await page.getByTestId('card-cue').waitFor({ timeout: 20_000 });
  });

  it('foreign permanent resident card and a Hong Kong residence permit are greeted like an ID card', async () => {
    // foreign-2023 (the 2023 card with an 18-digit number) cannot be encoded by the reader simulator yet.
    // The expired card of an earlier test may still lie on the reader. Lift each card as a person
    // would and give the reader a few polls (300 ms each) to see it empty: a card swapped within
    // one poll looks like the same card staying, and is not read again (this made the test flaky).
    sim().idcard!.remove();
    for (const key of ['foreign-2017', 'hk-permit']) {
      await page.waitForTimeout(1000);
      sim().idcard!.place(key);
      await page.getByTestId('greeting').waitFor({ timeout: 15_000 });
      const greeting = (await page.getByTestId('greeting').textContent()) ?? '';
      expect(greeting).toContain('*');
      sim().idcard!.remove();
      await page.getByTestId('home').click();
      await page.getByTestId('card-cue').waitFor();
    }
  });

  it('a card swapped for another within one poll is read again (the simulated reader reports serials)', async () => {
    sim().idcard!.place('wang-86');
    await page.getByTestId('greeting').waitFor({ timeout: 15_000 });
    const first = (await page.getByTestId('greeting').textContent()) ?? '';
    sim().idcard!.place('hk-permit'); // no lift in between
    await expect
      .poll(async () => (await page.getByTestId('greeting').textContent()) ?? '', { timeout: 15_000 })
      .not.toBe(first);
  });
});

/** Staff book an employment appointment for about now; the resident scans its code at the kiosk. */
async function scanNewAppointment(): Promise<void> {
  const staff = await new Staff(kiosk.base).login();
  const { day, time } = stationNow(10);
  const { appointment } = await staff.call<{ appointment: { code: string } }>('POST', '/api/appointments', {
    serviceId: 'employment',
    day,
    time: time < '00:10' ? '23:59' : time,
  });
  await page.getByTestId('appointment').click();
  await page.getByTestId('scan-appointment').waitFor();
  sim().scanner!.scan(`LINLI-APPT:${appointment.code}`);
}

describe('without a card', () => {
  it('anonymous ticket for a service that allows it; a service that needs a card asks for it', async () => {
    await page.getByTestId('service-social-security').click();
    await page.getByTestId('need-card').waitFor();
    await page.getByTestId('home').click();
    await page.getByTestId('service-legal').click();
    expect(await page.getByTestId('ticket-number').textContent()).toMatch(/^H\d{3}$/);
    expect(await page.getByTestId('ticket-priority').count()).toBe(0);
  });

  it('appointment check-in by scanning the appointment code', async () => {
    await scanNewAppointment();
    await page.getByTestId('ticket').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('ticket').textContent()).toContain('预约已签到');
    expect(await page.getByTestId('ticket-number').textContent()).toMatch(/^E\d{3}$/);
  });

  it('appointment check-in with the printer out of paper: the ticket stays on screen with the QR code', async () => {
    sim().printer!.setStatus({ paperOut: true });
    await printerState('error');
    await scanNewAppointment();
    await page.getByTestId('print-photo').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('ticket').textContent()).toContain('预约已签到');
    const qr = page.getByRole('img', { name: '查看排队进度的二维码' });
    expect(await qr.count()).toBe(1);
  });

  it('an unknown appointment code is refused in words', async () => {
    await page.getByTestId('appointment').click();
    await page.getByTestId('scan-appointment').waitFor();
    sim().scanner!.scan('LINLI-APPT:ZZZZZZZZZZ');
    await page.getByTestId('problem-scanUnknown').waitFor({ timeout: 15_000 });
  });
});
