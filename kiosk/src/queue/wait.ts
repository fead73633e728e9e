// Estimated waits: the median service time of a service's recent tickets, spread over the
// windows that can serve it.
import type { QueueEngine } from './engine.ts';

export class WaitEstimator {
  private readonly avgCache = new Map<string, { at: number; seconds: number }>();

  constructor(private readonly e: QueueEngine) {}

  /** Median service time of the last 20 finished tickets of the service (30 days), else its expected time. */
  averageServiceS(serviceId: string): number {
    const e = this.e;
    const now = e.clock.now();
    const cached = this.avgCache.get(serviceId);
    if (cached && now - cached.at < 60_000) return cached.seconds;
    const rows = e
      .stmt(
        `SELECT finished_at - started_at AS d FROM tickets WHERE service_id = ? AND state = 'done'
         AND started_at IS NOT NULL AND finished_at > ? ORDER BY finished_at DESC LIMIT 20`,
      )
      .all(serviceId, now - 30 * 86_400_000) as { d: number }[];
    let seconds: number;
    if (rows.length >= 3) {
      const d = rows.map((x) => x.d).sort((a, b) => a - b);
      seconds = Math.max(30, Math.round((d[Math.floor((d.length - 1) / 2)] as number) / 1000));
    } else {
      const row = e.stmt('SELECT expected_service_s FROM services WHERE id = ?').get(serviceId) as
        | { expected_service_s: number }
        | undefined;
      seconds = row?.expected_service_s ?? 600;
    }
    this.avgCache.set(serviceId, { at: now, seconds });
    return seconds;
  }

  /** Forgets the cached median of a service (one of its tickets just finished). */
  forget(serviceId: string): void {
    this.avgCache.delete(serviceId);
  }

  estimateWaitMin(serviceId: string, ahead: number): number {
    return Math.ceil((ahead * this.e.averageServiceS(serviceId)) / this.windowsFor(serviceId) / 60);
  }

  /** Windows that can serve the service: staffed ones, else all active ones, at least one. */
  private windowsFor(serviceId: string): number {
    const row = this.e
      .stmt(
        `SELECT COUNT(*) AS all_n, SUM(w.staff_id IS NOT NULL) AS staffed FROM windows w
       JOIN window_services ws ON ws.window_id = w.id WHERE ws.service_id = ? AND w.active = 1`,
      )
      .get(serviceId) as { all_n: number; staffed: number | null };
    return Math.max(1, row.staffed || row.all_n);
  }
}
