// State files for `linli-sim ctl`: a newer simulator's record survives an older one's cleanup, and
// a record left by a process that has ended is reported as such.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readState, writeState } from '../src/state.ts';

let dir: string;
const saved = process.env.LINLI_SIM_STATE_DIR;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'linli-sim-state-'));
  process.env.LINLI_SIM_STATE_DIR = dir;
});
afterEach(() => {
  if (saved === undefined) delete process.env.LINLI_SIM_STATE_DIR;
  else process.env.LINLI_SIM_STATE_DIR = saved;
  rmSync(dir, { recursive: true, force: true });
});

describe('simulator state files', () => {
  it('forgetting an older simulator leaves the newer one of the same device recorded', () => {
    const forgetOld = writeState('idcard', { path: '/dev/pts/1', controlUrl: 'http://127.0.0.1:1' });
    const forgetNew = writeState('idcard', { path: '/dev/pts/2', controlUrl: 'http://127.0.0.1:2' });
    forgetOld();
    expect(readState('idcard')).toMatchObject({ pid: process.pid, controlUrl: 'http://127.0.0.1:2' });
    forgetNew();
    expect(() => readState('idcard')).toThrow(/no running idcard simulator found/);
  });

  it('a record left by a process that has ended is refused with the reason', () => {
    // pid 2^22 + 1 is above Linux's pid_max limit, so no such process runs.
    const file = join(dir, 'printer.json');
    writeFileSync(
      file,
      JSON.stringify({ pid: 4_194_305, device: 'printer', controlUrl: 'http://127.0.0.1:9' }),
    );
    expect(() => readState('printer')).toThrow(/left from process 4194305, which has ended/);
    expect(JSON.parse(readFileSync(file, 'utf8')).pid).toBe(4_194_305);
  });
});
