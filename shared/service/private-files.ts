// Service data is private: data directories 0700, files 0600 at most (databases with their WAL
// and SHM files, keys, spools), on every service. Checked at start: a looser mode is fixed and
// reported (the caller logs it), and a mode that cannot be fixed refuses the start loudly.
import { chmodSync, closeSync, lstatSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** A path whose mode was tightened: `was` and `now` are the permission bits. */
export interface ModeFix {
  path: string;
  was: number;
  now: number;
}

export class PrivateFileError extends Error {
  readonly code = 'DATA_PERMISSIONS';
  constructor(
    readonly path: string,
    readonly mode: number,
    cause: unknown,
  ) {
    super(
      `${path} is readable by others (mode ${octal(mode)}) and cannot be made private: ${(cause as Error)?.message ?? cause}; ` +
        'fix its owner or mode (chmod go-rwx) before starting',
      { cause },
    );
  }
}

export const octal = (mode: number) => `0${(mode & 0o777).toString(8)}`;

/** Tighten one path (no group/other bits); returns the fix, or undefined when it was private. */
function tighten(path: string, isDir: boolean): ModeFix | undefined {
  const mode = lstatSync(path).mode & 0o777;
  if ((mode & 0o077) === 0) return undefined;
  const now = isDir ? mode & ~0o077 & 0o777 : mode & ~0o077 & 0o666;
  try {
    chmodSync(path, now);
  } catch (err) {
    throw new PrivateFileError(path, mode, err);
  }
  return { path, was: mode, now };
}

/** Create `dir` (0700) when missing, then make it and everything under it private: directories
 *  lose their group and other bits, files too (symbolic links are left alone). */
export function securePrivateTree(dir: string): ModeFix[] {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const fixes: ModeFix[] = [];
  const walk = (path: string) => {
    const fix = tighten(path, true);
    if (fix) fixes.push(fix);
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) {
        const f = tighten(child, false);
        if (f) fixes.push(f);
      }
    }
  };
  walk(dir);
  return fixes;
}

/** Before SQLite opens `file`: its directory exists (0700 when created) and the file exists with
 *  mode 0600, so that the -wal and -shm files SQLite creates take the same private mode. */
export function preparePrivateFile(file: string): ModeFix[] {
  mkdirSync(dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  return securePrivatePaths([file, `${file}-wal`, `${file}-shm`]);
}

/** Tighten these files when they exist. */
export function securePrivatePaths(files: readonly string[]): ModeFix[] {
  const fixes: ModeFix[] = [];
  for (const file of files) {
    let isDir: boolean;
    try {
      isDir = lstatSync(file).isDirectory();
    } catch {
      continue; // not there
    }
    const fix = tighten(file, isDir);
    if (fix) fixes.push(fix);
  }
  return fixes;
}

/** Files created by this process from now on are private (umask 077); for a service's entry point. */
export function privateUmask(): void {
  process.umask(0o077);
}
