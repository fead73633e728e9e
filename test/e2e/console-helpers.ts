// Shared by the console-*.test.ts browser tests: a real gateway (embedded aedes broker, SQLite,
// HTTP API serving the built console) on ephemeral ports, firmware-sim devices, headless Debian
// Chromium driven by playwright-core, and the console built first when missing or stale.
import { type SimDevice, startDevice } from '@linli/firmware-sim';
import { type RunningGateway, silentLogger, startGateway } from '@linli/gateway';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { strings as zh } from '../../gateway/ui/i18n/zh-CN.ts';
import { buildScreen } from '../../scripts/build-ui.ts';
import { HMAC_KEY, provision, secretOf } from './gateway-helpers.ts';
import { launch } from './ui-helpers.ts';

export { zh };
export const ADMIN_PASSWORD = 'e2e-console-admin-1';
export const DESK = { width: 1280, height: 800 };

export function ensureConsoleBuilt(): Promise<boolean> {
  return buildScreen('console', { ifStale: true });
}

/** A station's devices: a pendant for a resident living alone, a door contact, a second pendant. */
export function provisionStation(dir: string): void {
  provision(dir, (r) => {
    const res = r.createResident({
      id: 'res-wang',
      name: '王秀英',
      address: '幸福路 1 号 3-2-402',
      phone: '13800000000',
      livesAlone: true,
      emergencyContacts: [{ name: '王小明', phone: '13900000000', relation: '儿子' }],
    });
    const loc = { building: '3', unit: '2', room: '402', grid: 'G07' };
    r.provision({
      id: 'p-1',
      site: 'site1',
      kind: 'pendant',
      secret: secretOf('p-1'),
      residentId: res.id,
      location: loc,
    });
    r.provision({
      id: 'd-1',
      site: 'site1',
      kind: 'door-contact',
      secret: secretOf('d-1'),
      residentId: res.id,
      location: loc,
    });
    r.provision({
      id: 'p-2',
      site: 'site1',
      kind: 'pendant',
      secret: secretOf('p-2'),
      offlineTimeoutS: 2,
      location: { building: '5', unit: '1', room: '101', grid: 'G08' },
    });
  });
}

export function startConsoleGateway(dir: string, httpPort = 0): Promise<RunningGateway> {
  // the API reads its own `api` section of the config (keep-alive every second: a disabled
  // account's stream ends quickly)
  const config = {
    dataDir: dir,
    hmacKey: HMAC_KEY,
    mqtt: { port: 0, wsPort: -1, host: '127.0.0.1' },
    http: { port: httpPort, host: '127.0.0.1' },
    api: { sseKeepAliveS: 1 },
  };
  return startGateway({
    config,
    env: { LINLI_GW_ADMIN_PASSWORD: ADMIN_PASSWORD },
    log: silentLogger,
    print: () => {},
  });
}

export async function simDevice(
  gw: RunningGateway,
  id: string,
  kind: 'pendant' | 'door-contact' = 'pendant',
): Promise<SimDevice> {
  return startDevice({
    url: `mqtt://127.0.0.1:${gw.ports.mqtt}`,
    site: 'site1',
    id,
    secret: secretOf(id),
    kind,
    heartbeatIntervalS: 0,
  });
}

export function launchChromium(): Promise<Browser> {
  return launch({ autoplay: false });
}

/** A new browser context (its own cookies) at the desk size; axe needs bypassCSP. */
export async function openConsole(
  browser: Browser,
  base: string,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: DESK, bypassCSP: true, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${base}/`);
  return { context, page };
}

/** Sign in through the form (the click also allows the alarm sound). */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel(zh['signin.username']).fill(username);
  await page.getByLabel(zh['signin.password']).fill(password);
  await page.getByRole('button', { name: zh['signin.submit'] }).click();
  await page.getByRole('heading', { name: zh['queue.title'] }).waitFor();
}

/** Staff calls over the HTTP API with one account's session cookie. */
export async function apiSession(base: string, username: string, password: string) {
  const login = await fetch(`${base}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (login.status !== 200) throw new Error(`login ${username}: ${login.status}`);
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  return (method: string, path: string, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
}
