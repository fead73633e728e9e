/// <reference lib="dom" />
// The window console and the display board in headless Chromium (Debian's /usr/bin/chromium via
// playwright-core) against the real kiosk service: "call next" clicked in the console → the
// called number painted on the board (the next animation frame after it is in the DOM), p99
// over 100 calls — target ≤ 200 ms, aim ≤ 50 ms. Both pages in one browser on this machine (one
// clock). Baseline: ticket.called on the kiosk's bus in the same run (the click's request through
// the engine); the rest is the public live stream and the board's rendering. The board's speech
// cache is warmed first (a station's numbers repeat daily).
import { buildScreen } from '../scripts/build-ui.ts';
import { launch, Staff, startKiosk } from '../test/e2e/ui-helpers.ts';
import { percentile as pct } from './fleet.ts';
import type { BenchResult } from './types.ts';

const CALLS = 100;
const WARMUP = 5;

export async function run(): Promise<BenchResult[]> {
  await buildScreen('window');
  await buildScreen('board');
  const { running, base, stop } = await startKiosk();
  const browser = await launch();
  const ui: number[] = [];
  const bus: number[] = [];
  try {
    const staff = new Staff(base);
    await staff.login();
    await staff.call('POST', '/api/admin/staff', {
      username: 'clerk1',
      displayName: 'bench',
      role: 'window',
      password: 'clerk-pass-42',
    });
    // The board asks for each call's speech; a station's numbers repeat every day, so its speech
    // cache is warm after the first days: synthesize this run's call texts first, so the figure
    // is not the first-day espeak-ng run competing for the CPU with the next call.
    for (let n = 1; n <= CALLS + WARMUP; n++) {
      const text = `请B${String(n).padStart(3, '0')}号到1号窗口办理`;
      const res = await fetch(`${base}/api/speech?lang=zh-CN&text=${encodeURIComponent(text)}`);
      await res.arrayBuffer();
    }
    const board = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
    await board.goto(`${base}/board/`);
    await board.locator('main[data-ready=true]').waitFor();
    await board.evaluate(() => {
      const w = window as unknown as { seen: Record<string, number> };
      w.seen = {};
      new MutationObserver(() => {
        const n = document.querySelector('[data-testid=current]')?.getAttribute('data-number');
        if (n && w.seen[n] === undefined) {
          w.seen[n] = -1;
          requestAnimationFrame(() => {
            w.seen[n] = Date.now();
          });
        }
      }).observe(document.body, { childList: true, subtree: true, attributes: true });
    });
    const desk = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await desk.goto(`${base}/window/`);
    await desk.getByLabel('用户名').fill('clerk1');
    await desk.getByLabel('密码').fill('clerk-pass-42');
    await desk.getByRole('button', { name: '登录' }).click();
    await desk.locator('button[data-window="1"]').click();
    await desk.getByTestId('window-name').waitFor();
    const kbus = running.app.kiosk.bus;
    for (let i = 0; i < CALLS + WARMUP; i++) {
      const { ticket } = await staff.call<{ ticket: { number: string } }>('POST', '/api/staff/tickets', {
        serviceId: 'elderly-care',
      });
      await desk.locator(`[data-testid=queue] tr[data-number="${ticket.number}"]`).waitFor();
      await desk.locator('[data-testid=call-next]:not([disabled])').waitFor();
      let calledAt = 0;
      const off = kbus.on('ticket.called', () => {
        calledAt = Date.now();
      });
      const clickedAt = await desk.evaluate(() => {
        const t0 = Date.now();
        (document.querySelector('[data-testid=call-next]') as HTMLButtonElement).click();
        return t0;
      });
      await board.waitForFunction(
        (n) => ((window as unknown as { seen: Record<string, number> }).seen[n] ?? -1) > 0,
        ticket.number,
        { timeout: 10_000, polling: 'raf' },
      );
      const paintedAt = await board.evaluate(
        (n) => (window as unknown as { seen: Record<string, number> }).seen[n]!,
        ticket.number,
      );
      off();
      if (i >= WARMUP) {
        ui.push(paintedAt - clickedAt);
        bus.push(calledAt - clickedAt);
      }
      await desk.locator(`[data-testid=current][data-number="${ticket.number}"]`).waitFor();
      await desk.keyboard.press('f');
      await desk.getByTestId('current-none').waitFor();
    }
  } finally {
    await browser.close();
    await stop();
  }
  const s = [...ui].sort((a, b) => a - b);
  const b = [...bus].sort((a, b2) => a - b2);
  const part = ui.map((u, i) => u - bus[i]!).sort((x, y) => x - y);
  console.log(
    `call-next clicked → number painted on the board: p50 ${pct(s, 50)} ms, p99 ${pct(s, 99)} ms, max ${s.at(-1)} ms (target ≤ 200 ms, aim ≤ 50 ms); ticket.called on the bus p99 ${pct(b, 99)} ms; board part p99 ${pct(part, 99)} ms`,
  );
  return [
    {
      name: `window console "call next" clicked → number painted on the display board in Chromium p99 (${CALLS} calls)`,
      value: pct(s, 99),
      unit: 'ms',
      target: '≤ 200 ms (aim ≤ 50 ms)',
      pass: pct(s, 99) <= 200,
      baseline: `ticket.called on the kiosk bus in the same run: p99 ${pct(b, 99)} ms, p50 ${pct(b, 50)} ms`,
      detail: `p50 ${pct(s, 50)} ms, max ${s.at(-1)} ms; board part (painted − ticket.called) p50 ${pct(
        part,
        50,
      )} ms, p99 ${pct(part, 99)} ms; both pages in one Chromium; the board fetches each call's speech (cache warmed first)`,
    },
  ];
}
