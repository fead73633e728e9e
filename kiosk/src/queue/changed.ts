// queue.changed on the kiosk bus: per service lengths and waits after every change, throttled so
// that a burst of changes costs one snapshot, not one each.
import type { KioskBus } from '../events.ts';
import type { QueueSnapshot } from './snapshot.ts';

export class ChangeFeed {
  private changedAt = -Infinity;
  private changedTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly bus: KioskBus,
    private readonly snapshot: () => QueueSnapshot,
    private readonly log: { error(obj: unknown, msg?: string): void } | undefined,
  ) {}

  /**
   * Publishes queue.changed: at once when none went out in the last 50 ms, else once at the end
   * of that interval, so a burst of issues costs one snapshot, not one each.
   */
  emit(): void {
    const since = performance.now() - this.changedAt;
    if (this.changedTimer) return;
    if (since >= 50) {
      this.publish();
      return;
    }
    this.changedTimer = setTimeout(() => {
      this.changedTimer = undefined;
      try {
        this.publish();
      } catch (err) {
        this.log?.error({ err }, 'queue.changed failed');
      }
    }, 50 - since);
  }

  /** Drops a pending publication (engine stop). */
  stop(): void {
    if (this.changedTimer) clearTimeout(this.changedTimer);
    this.changedTimer = undefined;
  }

  private publish(): void {
    this.changedAt = performance.now();
    const snap = this.snapshot();
    this.bus.emit('queue.changed', {
      day: snap.day,
      at: snap.at,
      services: snap.services.map((s) => ({
        serviceId: s.serviceId,
        waiting: s.waiting,
        priorityWaiting: s.priorityWaiting,
        estimatedWaitMin: s.estimatedWaitMin,
      })),
    });
  }
}
