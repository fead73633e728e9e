// Whether the database takes writes. A commit that fails for lack of space (SQLITE_FULL), a
// read-only file or an I/O error marks the store not writable: nothing of that batch is stored,
// so nothing of it is acknowledged (the broker sends no PUBACK and the device retries). The
// change is logged once, counted, exposed as a metric and on /healthz; the next commit that
// succeeds — a device's retry, a heartbeat — marks the store writable again by itself.
import type { Metrics } from '../metrics.ts';
import type { Logger } from './refusals.ts';

export type StoreProblem = 'disk-full' | 'read-only' | 'io-error' | 'busy' | 'error';

export interface StoreStatus {
  writable: boolean;
  /** Why not, while not writable. */
  problem?: StoreProblem;
  /** The SQLite error code of the last failure (SQLITE_FULL, …). */
  code?: string;
  /** Since when (epoch ms), while not writable. */
  since?: number;
  /** Commits failed since it stopped taking writes. */
  failures?: number;
}

/** The kind of trouble an error from a commit means. */
export function storeProblemOf(err: unknown): { problem: StoreProblem; code: string } {
  const code = String((err as { code?: unknown })?.code ?? (err as Error)?.name ?? 'unknown');
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return { problem: 'disk-full', code };
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES' || code === 'EPERM')
    return { problem: 'read-only', code };
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO' || code.startsWith('SQLITE_CANTOPEN'))
    return { problem: 'io-error', code };
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return { problem: 'busy', code };
  return { problem: 'error', code };
}

export class StoreHealth {
  private down: Required<Omit<StoreStatus, 'writable'>> | undefined;

  constructor(
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** A commit failed: nothing of it is stored. */
  failed(err: unknown): void {
    const { problem, code } = storeProblemOf(err);
    this.metrics.storeFailures.inc({ problem });
    if (this.down) {
      this.down.failures++;
      this.down.problem = problem;
      this.down.code = code;
      return;
    }
    this.down = { problem, code, since: this.now(), failures: 1 };
    this.log.error(
      {
        problem,
        code,
        err,
      },
      `database not writable (${problem}): new events are refused, not acknowledged`,
    );
  }

  /** A commit succeeded. */
  succeeded(): void {
    if (!this.down) return;
    const { problem, since, failures } = this.down;
    this.down = undefined;
    this.log.info(
      {
        problem,
        downMs: this.now() - since,
        failedCommits: failures,
      },
      'database writable again',
    );
  }

  get writable(): boolean {
    return this.down === undefined;
  }

  status(): StoreStatus {
    return this.down ? { writable: false, ...this.down } : { writable: true };
  }
}
