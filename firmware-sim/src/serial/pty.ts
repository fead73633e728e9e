// A pseudo-terminal pair made by socat: the simulator opens one end, the kiosk (or a test) the other.
//
// Cleanup (issue #10, defect 19). socat is started under `setpriv --pdeathsig TERM` where
// util-linux's setpriv exists, so it ends with the process that started it, even on kill -9 —
// no orphan keeps holding the pty. The stable link is made and removed here, not by socat: it is
// replaced atomically by a newer pair, and removed only while it still points to this pair's pty,
// so an older pair (or an orphan socat) going away never removes a newer simulator's link.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { lstatSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { SimError } from '../errors.ts';

export interface PtyPair {
  /** The end the simulator opens. */
  simPath: string;
  /** The end the kiosk opens (a stable symlink when `link` was given, else /dev/pts/N). */
  path: string;
  /** The real /dev/pts/N of the kiosk end. */
  ptsPath: string;
  /** socat's process id. */
  pid: number | undefined;
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
  if (opts.link) {
    try {
      checkLinkPath(opts.link);
    } catch (err) {
      return Promise.reject(err);
    }
  }
  const socatArgs = [opts.socat ?? 'socat', '-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0'];
  const [cmd, ...args] = hasSetpriv() ? ['setpriv', '--pdeathsig', 'TERM', ...socatArgs] : socatArgs;
  const child = spawn(cmd as string, args, { stdio: ['ignore', 'ignore', 'pipe'] });
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
        const link = opts.link;
        if (link) {
          try {
            placeLink(link, ptsPath);
          } catch (err) {
            settled = false;
            fail(new SimError('SIM_PTY', `cannot link ${link}: ${(err as Error).message}`, { cause: err }));
            return;
          }
        }
        resolve({
          simPath,
          ptsPath,
          path: link ?? ptsPath,
          pid: child.pid,
          stop: async () => {
            await stopChild(child);
            if (link) removeLinkIfOurs(link, ptsPath);
          },
        });
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

let setprivAvailable: boolean | undefined;
/** util-linux setpriv with --pdeathsig (Linux); elsewhere socat is started as it is. */
function hasSetpriv(): boolean {
  setprivAvailable ??=
    spawnSync('setpriv', ['--help'], { stdio: 'pipe' }).stdout?.includes('--pdeathsig') ?? false;
  return setprivAvailable;
}

/** The link path may be a symlink (ours from before, or dangling) or free — never a real file. */
function checkLinkPath(link: string): void {
  try {
    if (!lstatSync(link).isSymbolicLink())
      throw new SimError('SIM_PTY', `${link} exists and is not a symbolic link; not replacing it`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** Point `link` at `target`, replacing an older link atomically. */
function placeLink(link: string, target: string): void {
  checkLinkPath(link);
  const tmp = `${link}.${process.pid}.${Date.now()}.tmp`;
  symlinkSync(target, tmp);
  try {
    renameSync(tmp, link);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Remove `link` only while it still points to this pair's pty (a newer pair may own it now). */
function removeLinkIfOurs(link: string, target: string): void {
  try {
    if (readlinkSync(link) === target) rmSync(link, { force: true });
  } catch {
    // already gone or not a link: nothing of ours
  }
}
