// The gateway's data directory at start: created 0700, everything in it made private (files
// 0600); each mode tightened is logged, a mode that cannot be tightened refuses the start.
import { octal, securePrivateTree } from '@linli/shared/service';
import type { Logger } from './ingest/refusals.ts';

export function checkDataDir(dir: string, log: Pick<Logger, 'warn'>): void {
  for (const fix of securePrivateTree(dir))
    log.warn(
      {
        path: fix.path,
        was: octal(fix.was),
        now: octal(fix.now),
      },
      'data file was readable by others; made private',
    );
}
