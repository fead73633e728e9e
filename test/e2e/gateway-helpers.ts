// Shared helpers for the gateway end-to-end tests: a gateway in this process on a temp data
// directory with the real SQLite registry, or a gateway child process (`tsx gateway/src/server.ts`).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate, openDb, type RunningGateway, silentLogger, startGateway } from '@linli/gateway';
import type { DeepPartial, GatewayConfig } from '@linli/gateway/config.ts';
import { openRegistry, type Registry } from '@linli/gateway/registry/index.ts';
import type { Clock } from '@linli/gateway/supervision/clock.ts';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const HMAC_KEY = 'e2e-test-hmac-key-0123456789';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'linli-gw-e2e-'));
}

export function secretOf(id: string): string {
  return `secret-of-${id}-0123456789`;
}

/** Provision devices (and residents) straight into a gateway database before it starts. */
export function provision(dataDir: string, fill: (registry: Registry) => void, dbFile = 'gateway.db'): void {
  const db = openDb(join(dataDir, dbFile));
  migrate(db);
  const registry = openRegistry(db, { secretKey: HMAC_KEY });
  fill(registry);
  db.close();
}

export async function startTestGateway(
  dataDir: string,
  config: DeepPartial<GatewayConfig> = {},
  clock?: Clock,
): Promise<RunningGateway> {
  return startGateway({
    config: {
      ...config,
      dataDir,
      hmacKey: HMAC_KEY,
      mqtt: { port: 0, wsPort: -1, host: '127.0.0.1', ...config.mqtt },
      http: { port: -1 },
    } as DeepPartial<GatewayConfig>,
    env: {},
    log: silentLogger,
    noHttp: true,
    ...(clock ? { clock } : {}),
  });
}

export { freePort } from '@linli/shared/service';

export interface GatewayChild {
  proc: ChildProcess;
  ready: Record<string, unknown>;
  output: () => string;
}

/** Spawn `node --import tsx gateway/src/server.ts` and wait for its ready line. */
export function spawnGateway(env: Record<string, string>, timeoutMs = 30_000): Promise<GatewayChild> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'gateway/src/server.ts')], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`gateway not ready within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /linli-gateway ready (\{.*\})/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, ready: JSON.parse(m[1]!) as Record<string, unknown>, output: () => out });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (b: Buffer) => {
      out += b.toString();
    });
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited (${code ?? signal}) before ready:\n${out}`));
    });
  });
}

export function killed(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => proc.once('exit', () => resolve()));
}

export function removeDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}
