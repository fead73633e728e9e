// The real kiosk service in this process for the screen benches (kiosk-ui, staff-screens): a temp
// data dir, an OS-chosen port, hours not enforced, the simulated reader, printer and scanner,
// logs off, and the bench admin. stop() ends the service and removes the data dir.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BENCH_ADMIN_PASSWORD = 'bench-admin-pass-1';

export type RunningKiosk = Awaited<ReturnType<typeof import('../kiosk/src/server.ts').main>>;

export interface BenchKiosk {
  running: RunningKiosk;
  /** http://127.0.0.1:<port> */
  base: string;
  stop(): Promise<void>;
}

/** Starts the kiosk service (its `main`, configured through LINLI_KIOSK_* as in production). */
export async function startBenchKiosk(name: string, env: Record<string, string> = {}): Promise<BenchKiosk> {
  const dir = mkdtempSync(join(tmpdir(), `linli-bench-${name}-`));
  Object.assign(process.env, {
    LINLI_KIOSK_DATA_DIR: dir,
    LINLI_KIOSK_PORT: '0',
    LINLI_KIOSK_ENFORCE_HOURS: 'false',
    LINLI_KIOSK_ADMIN_PASSWORD: BENCH_ADMIN_PASSWORD,
    LINLI_KIOSK_LOG_LEVEL: 'silent',
    LINLI_KIOSK_IDCARD: 'simulated',
    LINLI_KIOSK_PRINTER: 'simulated',
    LINLI_KIOSK_SCANNER: 'simulated',
    ...env,
  });
  const { main } = await import('../kiosk/src/server.ts');
  const running = await main();
  return {
    running,
    base: `http://127.0.0.1:${(running.app.server.address() as AddressInfo).port}`,
    async stop() {
      await running.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
