// The kiosk service as its own process (`kiosk/src/server.ts`, real hardware config from
// LINLI_KIOSK_*), for the end-to-end tests that kill it or read its logs; and a small HTTP client.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import { REPO } from './gateway-helpers.ts';

export interface KioskProcess {
  proc: ChildProcess;
  base: string;
  /** Everything it wrote to stdout and stderr (its logs). */
  output: () => string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Start `kiosk/src/server.ts` on 127.0.0.1:port and wait (bounded) until its health answers. */
export async function startKioskProcess(
  env: Record<string, string>,
  port: number,
  timeoutMs = 30_000,
): Promise<KioskProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'kiosk/src/server.ts')], {
    cwd: REPO,
    env: { ...process.env, ...env, LINLI_KIOSK_PORT: String(port), LINLI_KIOSK_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (b: Buffer) => {
    out += b.toString();
  });
  proc.stderr!.on('data', (b: Buffer) => {
    out += b.toString();
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`kiosk exited ${proc.exitCode}:\n${out}`);
    try {
      const res = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) return { proc, base, output: () => out };
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  proc.kill('SIGKILL');
  throw new Error(`kiosk not ready within ${timeoutMs} ms:\n${out}`);
}

export interface Answer {
  status: number;
  body: Record<string, unknown>;
  text: string;
}

/** One JSON request (10 s time-out). */
export async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  cookie?: string,
): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(cookie ? { cookie } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    // not JSON (CSV, metrics)
  }
  return { status: res.status, body: parsed, text };
}

/** Log in (kiosk: /api/auth/login, gateway: /api/login) and return the Cookie header value. */
export async function loginAt(
  base: string,
  path: string,
  username: string,
  password: string,
): Promise<string> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect(res.status, `login ${username}`).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}

/** Read a Server-Sent Events stream into memory until stop() (at most 4 MiB). */
export function captureStream(url: string, cookie?: string): { text: () => string; stop: () => void } {
  const ac = new AbortController();
  let text = '';
  void (async () => {
    try {
      const res = await fetch(url, { headers: cookie ? { cookie } : {}, signal: ac.signal });
      text += `HTTP ${res.status}\n`;
      const reader = res.body!.getReader();
      const dec = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (text.length < 4 * 1024 * 1024) text += dec.decode(value, { stream: true });
      }
    } catch {
      // stopped
    }
  })();
  return { text: () => text, stop: () => ac.abort() };
}
