// A closed service says so on its button (in words, not colour alone) and, when tapped, tells
// when it is open — with opening hours enforced as in a station.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Kiosk, LANDSCAPE, launch, Staff, startKiosk } from './ui-helpers.ts';

let kiosk: Kiosk;
let browser: Browser;

beforeAll(async () => {
  kiosk = await startKiosk({ LINLI_KIOSK_ENFORCE_HOURS: 'true' });
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await kiosk?.stop();
});

describe('closed services', () => {
  it('a service closed all week says "closed today" and, tapped, says it is not open now', async () => {
    const staff = await new Staff(kiosk.base).login();
    const closed = Object.fromEntries(['0', '1', '2', '3', '4', '5', '6'].map((d) => [d, []]));
    await staff.call('PATCH', '/api/admin/services/legal', { hours: closed });
    const page = await browser.newPage({ viewport: LANDSCAPE });
    await page.goto(`${kiosk.base}/`);
    const button = page.getByTestId('service-legal');
    await button.waitFor();
    expect(await button.getAttribute('data-open')).toBe('false');
    expect(await button.textContent()).toContain('今天不办理');
    await button.click();
    await page.getByTestId('problem-serviceClosed').waitFor();
    expect(await page.getByTestId('problem').textContent()).toContain('“法律服务”现在不办理');
    await page.close();
  });
});
