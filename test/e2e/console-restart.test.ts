// The console survives the gateway's restart: while the gateway is down the queue stays on screen
// and says it may be stale; when the gateway is back (same data, same HTTP port) the console
// reconnects by itself, resyncs and shows the current state — including what changed meanwhile.
import type { SimDevice } from '@linli/firmware-sim';
import type { RunningGateway } from '@linli/gateway';
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
import { freePort, removeDir, tempDir } from './gateway-helpers.ts';

let gw: RunningGateway | undefined;
let dir: string;
let browser: Browser;
let page: Page;
const devices: SimDevice[] = [];

beforeAll(async () => {
  await ensureConsoleBuilt();
  dir = tempDir();
  provisionStation(dir);
  browser = await launchChromium();
});

afterAll(async () => {
  await Promise.all(devices.splice(0).map((d) => d.crash().catch(() => {})));
  await browser?.close();
  await gw?.stop();
  removeDir(dir);
});

describe('console across a gateway restart', () => {
  it('keeps showing the queue, says it is stale, then reconnects and shows the current state', async () => {
    const port = await freePort();
    gw = await startConsoleGateway(dir, port);
    const base = `http://127.0.0.1:${port}`;
    page = (await openConsole(browser, base)).page;
    await signIn(page, 'admin', ADMIN_PASSWORD);
    const pendant = await simDevice(gw, 'p-1');
    devices.push(pendant);
    await pendant.press();
    const sos = page.locator('tr[data-type="sos"]');
    await sos.waitFor();
    const alertId = (await sos.getAttribute('data-alert'))!;

    await pendant.crash();
    devices.length = 0;
    await gw.stop();
    gw = undefined;
    await page.getByTestId('stale').waitFor({ timeout: 20_000 });
    // never blank: the last known queue stays on screen
    expect(await sos.getAttribute('data-state')).toBe('raised');

    gw = await startConsoleGateway(dir, port);
    // meanwhile: another operator takes the alert, and a door is forced
    const admin = await apiSession(base, 'admin', ADMIN_PASSWORD);
    expect((await admin('POST', `/api/alerts/${alertId}/ack`)).status).toBe(200);
    const door = await simDevice(gw, 'd-1', 'door-contact');
    devices.push(door);
    await door.forceDoor();

    await page.locator(`tr[data-alert="${alertId}"][data-state="acknowledged"]`).waitFor({ timeout: 30_000 });
    await page.locator('tr[data-type="door.forced"]').waitFor();
    await expect.poll(() => page.getByTestId('stale').count(), { timeout: 15_000 }).toBe(0);
    expect(await page.locator(`tr[data-alert="${alertId}"]`).getByTestId('taken').textContent()).toBe(
      zh['queue.takenBy'].replace('{user}', 'admin'),
    );
  });
});
