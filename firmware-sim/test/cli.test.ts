// The CLI: help for every device, a running idcard simulator driven with `ctl`.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/run.ts';

const BIN = fileURLToPath(new URL('../bin/linli-sim.mjs', import.meta.url));

function captureStdout(): { text: () => string; restore: () => void } {
  let buf = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    buf += chunk.toString();
    return true;
  });
  return { text: () => buf, restore: () => spy.mockRestore() };
}

describe('linli-sim CLI', () => {
  it('prints help for every device and refuses unknown ones', async () => {
    for (const dev of ['idcard', 'printer', 'scanner', 'fleet', 'zigbee', 'scenario', 'load', 'all', 'ctl']) {
      const cap = captureStdout();
      try {
        expect(await main([dev, '--help'])).toBe(0);
      } finally {
        cap.restore();
      }
      expect(cap.text(), dev).toContain(`linli-sim ${dev}`);
    }
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['toaster'])).toBe(2);
    } finally {
      err.mockRestore();
    }
    await expect(main(['idcard', '--bogus'])).rejects.toThrow(/Unknown option/);
  });

  describe('a running idcard simulator (bin/linli-sim.mjs)', () => {
    let child: ChildProcess;
    let stateDir: string;
    let stdout = '';
    beforeAll(async () => {
      stateDir = mkdtempSync(join(tmpdir(), 'linli-sim-state-'));
      process.env.LINLI_SIM_STATE_DIR = stateDir;
      child = spawn(process.execPath, [BIN, 'idcard', '--card', 'wang-86', '--log-level', 'warn'], {
        env: { ...process.env, LINLI_SIM_STATE_DIR: stateDir },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start: ${stdout}`)), 15_000);
        child.stdout!.on('data', (c: Buffer) => {
          stdout += c.toString();
          if (stdout.includes('residents:')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
    }, 20_000);
    afterAll(async () => {
      delete process.env.LINLI_SIM_STATE_DIR;
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(stateDir, { recursive: true, force: true });
    });

    it('prints the pty path and control endpoint; ctl places cards and injects faults', async () => {
      expect(stdout).toMatch(/idcard reader: \/dev\/pts\/\d+/);
      expect(stdout).toMatch(/control: http:\/\/127\.0\.0\.1:\d+/);
      const run = async (...args: string[]): Promise<{ code: number; json: Record<string, unknown> }> => {
        const cap = captureStdout();
        try {
          const code = await main(['ctl', ...args]);
          return { code, json: JSON.parse(cap.text()) };
        } finally {
          cap.restore();
        }
      };
      expect((await run('idcard', 'state')).json).toMatchObject({ card: { key: 'wang-86' } });
      expect((await run('idcard', 'place', 'tw-permit')).json).toMatchObject({ card: { key: 'tw-permit' } });
      expect((await run('idcard', 'fault', 'noise', '--count', '1')).json).toMatchObject({
        fault: { name: 'noise', count: 1 },
      });
      expect((await run('idcard', 'remove')).code).toBe(0);
      const bad = await run('idcard', 'place', 'nobody');
      expect(bad.code).toBe(1);
      await expect(main(['ctl', 'printer', 'state'])).rejects.toThrow(/no running printer simulator/);
    });
  });
});
