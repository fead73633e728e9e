// Pseudo-terminal pairs clean up after themselves (issue #10, defect 19): socat ends with the
// process that started it, even on kill -9, and an older pair going away never removes the link
// a newer pair made at the same path.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPtyPair, type PtyPair } from '../src/serial/pty.ts';

let dir: string;
const pairs: PtyPair[] = [];
const owners: ChildProcess[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'linli-pty-'));
});
afterEach(async () => {
  for (const p of pairs.splice(0)) await p.stop();
  for (const o of owners.splice(0)) if (o.exitCode === null && o.signalCode === null) o.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('pty pairs', () => {
  it("an older pair's stop leaves the newer pair's link at the same path", async () => {
    const link = join(dir, 'idcard');
    const older = await createPtyPair({ link });
    pairs.push(older);
    const newer = await createPtyPair({ link });
    pairs.push(newer);
    expect(readlinkSync(link)).toBe(newer.ptsPath);
    await older.stop();
    expect(readlinkSync(link)).toBe(newer.ptsPath);
    await newer.stop();
    expect(existsSync(link)).toBe(false);
  });

  it('socat ends with the process that started it, even on kill -9', async () => {
    const link = join(dir, 'printer');
    const owner = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'helpers/pty-owner.ts'), link],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    owners.push(owner);
    const ready = await new Promise<string>((resolve, reject) => {
      let out = '';
      owner.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /READY ([\d,]+) (\S+)/.exec(out);
        if (m) resolve(m[1] as string);
      });
      owner.once('exit', (code) => reject(new Error(`owner exited (${code}): ${out}`)));
    });
    const children = ready.split(',').map(Number);
    expect(children.length).toBeGreaterThan(0);
    expect(children.every(running)).toBe(true);
    owner.kill('SIGKILL');
    try {
      await until(() => !children.some(running), 'socat to end after its owner was killed');
    } finally {
      for (const pid of children.filter(running)) process.kill(pid, 'SIGKILL'); // never leave an orphan behind
    }
    // A new simulator takes the (dangling) link over.
    const next = await createPtyPair({ link });
    pairs.push(next);
    expect(readlinkSync(link)).toBe(next.ptsPath);
  });

  it('refuses to replace a file that is not a link', async () => {
    const file = join(dir, 'not-a-link');
    writeFileSync(file, 'keep me');
    await expect(createPtyPair({ link: file })).rejects.toThrow(/not a symbolic link/);
  });
});
