// Shared by the ui-*.test.ts browser tests: the whole kiosk as `tsx kiosk/src/server.ts` runs it
// (kiosk/src/server.ts main(): simulated reader, printer and scanner on pseudo-terminals, the
// queue, the API and the built UI on an ephemeral port), headless Debian Chromium driven by
// playwright-core, axe-core, and the staff actions of the journey (sign in, call, finish).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

type Main = Awaited<ReturnType<typeof import('../../kiosk/src/server.ts').main>>;

export interface Kiosk {
  base: string;
  running: Main;
  dir: string;
  stop(): Promise<void>;
}

export async function startKiosk(env: Record<string, string> = {}): Promise<Kiosk> {
  const dir = mkdtempSync(join(tmpdir(), 'linli-ui-e2e-'));
  Object.assign(process.env, {
    LINLI_KIOSK_DATA_DIR: dir,
    LINLI_KIOSK_PORT: '0',
    LINLI_KIOSK_ENFORCE_HOURS: 'false',
    LINLI_KIOSK_ADMIN_PASSWORD: 'e2e-admin-pass-1',
    LINLI_KIOSK_LOG_LEVEL: 'silent',
    LINLI_KIOSK_IDCARD: 'simulated',
    LINLI_KIOSK_PRINTER: 'simulated',
    LINLI_KIOSK_SCANNER: 'simulated',
    ...env,
  });
  const { main } = await import('../../kiosk/src/server.ts');
  const running = await main();
  const base = `http://127.0.0.1:${(running.app.server.address() as AddressInfo).port}`;
  return {
    base,
    running,
    dir,
    async stop() {
      await running.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium, headless, as root, with no traffic of its own to the (closed) network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The browser of every screen test and benchmark. `autoplay`: sound may start without a tap
 *  (the resident kiosk's spoken prompts); the alarm console tests keep the browser's rule, since
 *  the console must ask for the click that allows sound. */
export function launch(opts: { autoplay?: boolean } = { autoplay: true }): Promise<Browser> {
  const args = opts.autoplay
    ? [...CHROMIUM_ARGS, '--autoplay-policy=no-user-gesture-required']
    : CHROMIUM_ARGS;
  return chromium.launch({ executablePath: '/usr/bin/chromium', args });
}

export const PORTRAIT = { width: 1080, height: 1920 };
export const LANDSCAPE = { width: 1920, height: 1080 };
export const PHONE = { width: 360, height: 740 };

const AXE = readFileSync(join(import.meta.dirname, '../../node_modules/axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's serious and critical violations on the page as it is now (WCAG 2.x A/AA rules). The page needs `bypassCSP: true` (axe is injected inline; the pages' CSP forbids that). */
export async function axeSerious(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => {
    const w = window as unknown as {
      axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: AxeViolation[] }> };
    };
    const r = await w.axe.run(document, {
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
      },
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Staff actions over the API with the admin's session. */
export class Staff {
  private cookie = '';
  constructor(private readonly base: string) {}

  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { cookie: this.cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0]!;
    const json = (await res.json()) as T;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  async login(): Promise<this> {
    await this.call('POST', '/api/auth/login', { username: 'admin', password: 'e2e-admin-pass-1' });
    return this;
  }
}

/** The local day and a time a few minutes from now at the station (Asia/Shanghai). */
export function stationNow(offsetMin = 0): { day: string; time: string } {
  const d = new Date(Date.now() + offsetMin * 60_000 + 8 * 3600_000);
  const iso = d.toISOString();
  return { day: iso.slice(0, 10), time: iso.slice(11, 16) };
}

/** Every visible element's smallest text size, and every interactive element's box, for the size rules. */
export async function measure(page: Page): Promise<{
  texts: { text: string; px: number }[];
  targets: { name: string; w: number; h: number }[];
}> {
  return page.evaluate(() => {
    const texts: { text: string; px: number }[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      const text = (n.textContent ?? '').trim();
      if (!el || !text) continue;
      const r = el.getBoundingClientRect();
      const cs = getComputedStyle(el);
      if (r.width === 0 || r.height === 0 || cs.visibility === 'hidden' || el.closest('.visually-hidden'))
        continue;
      texts.push({ text: text.slice(0, 40), px: Number.parseFloat(cs.fontSize) });
    }
    const targets = [...document.querySelectorAll('button, a[href], input, select, [role="button"]')].map(
      (el) => {
        const r = el.getBoundingClientRect();
        return { name: (el.textContent ?? '').trim().slice(0, 40), w: r.width, h: r.height };
      },
    );
    return { texts, targets };
  });
}
