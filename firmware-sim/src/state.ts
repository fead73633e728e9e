// Where a running serial simulator can be reached, for `linli-sim ctl`: one small JSON file per
// device under $LINLI_SIM_STATE_DIR (default <tmp>/linli-sim). Written by the standalone
// simulators (CLI) and by a process that runs them in-process (the kiosk with 'simulated' devices).
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimError } from './errors.ts';

export interface SimState {
  pid: number;
  device: string;
  path?: string;
  controlUrl?: string;
  startedAt: string;
}

export const stateDir = (): string => process.env.LINLI_SIM_STATE_DIR ?? join(tmpdir(), 'linli-sim');

const fileOf = (device: string): string => join(stateDir(), `${device}.json`);

/**
 * Record where a running simulator can be reached. Returns the function that forgets it — only
 * while the file still describes this simulator (a newer one of the same device keeps its record).
 */
export function writeState(device: string, state: { path?: string; controlUrl?: string }): () => void {
  mkdirSync(stateDir(), { recursive: true });
  const file = fileOf(device);
  const record: SimState = { pid: process.pid, device, ...state, startedAt: new Date().toISOString() };
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(record));
  renameSync(tmp, file);
  return () => {
    try {
      const now = JSON.parse(readFileSync(file, 'utf8')) as SimState;
      if (now.pid === record.pid && now.controlUrl === record.controlUrl && now.path === record.path)
        rmSync(file, { force: true });
    } catch {
      // gone or unreadable: nothing of ours to remove
    }
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readState(device: string): SimState {
  const file = fileOf(device);
  let state: SimState;
  try {
    state = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new SimError(
      'SIM_CONTROL',
      `no running ${device} simulator found (${file}); start one or pass --url`,
    );
  }
  if (typeof state.pid === 'number' && !alive(state.pid))
    throw new SimError(
      'SIM_CONTROL',
      `no running ${device} simulator found: ${file} is left from process ${state.pid}, which has ended; start one or pass --url`,
    );
  return state;
}
