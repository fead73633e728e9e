// A pseudo-terminal pair made by socat: the simulator opens one end, the kiosk (or a test) the other.
import { type ChildProcess, spawn } from 'node:child_process';
import { SimError } from '../errors.ts';

export interface PtyPair {
  /** The end the simulator opens. */
  simPath: string;
  /** The end the kiosk opens (a stable symlink when `link` was given, else /dev/pts/N). */
  path: string;
  /** The real /dev/pts/N of the kiosk end. */
  ptsPath: string;
  stop(): Promise<void>;
}

export interface PtyOptions {
  /** Create a symlink at this path for the kiosk end (e.g. /tmp/linli-idcard). */
  link?: string;
  /** socat binary (default 'socat' on PATH). */
  socat?: string;
  timeoutMs?: number;
}

/** Spawn `socat -d -d pty,raw,echo=0 pty,raw,echo=0` and wait for both PTY paths. */
export function createPtyPair(opts: PtyOptions = {}): Promise<PtyPair> {
  const kioskEnd = opts.link ? `pty,raw,echo=0,link=${opts.link}` : 'pty,raw,echo=0';
  const child = spawn(opts.socat ?? 'socat', ['-d', '-d', 'pty,raw,echo=0', kioskEnd], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const timeoutMs = opts.timeoutMs ?? 5000;
  return new Promise<PtyPair>((resolve, reject) => {
    const paths: string[] = [];
    let stderr = '';
    let settled = false;
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGTERM');
      reject(err);
    };
    const timer = setTimeout(
      () => fail(new SimError('SIM_PTY', `socat gave no PTY paths within ${timeoutMs} ms: ${stderr.trim()}`)),
      timeoutMs,
    );
    child.on('error', (err) =>
      fail(new SimError('SIM_PTY', `cannot start socat (is it installed?): ${err.message}`, { cause: err })),
    );
    child.on('exit', (code) => fail(new SimError('SIM_PTY', `socat exited (${code}): ${stderr.trim()}`)));
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      if (settled) return;
      stderr += chunk;
      for (const m of chunk.matchAll(/PTY is (\S+)/g)) paths.push(m[1]!);
      if (paths.length >= 2 && stderr.includes('starting data transfer loop')) {
        settled = true;
        clearTimeout(timer);
        child.stderr!.resume(); // keep draining so socat never blocks on stderr
        const [simPath, ptsPath] = paths as [string, string];
        resolve({ simPath, ptsPath, path: opts.link ?? ptsPath, stop: () => stopChild(child) });
      }
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL');
    }, 2000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
