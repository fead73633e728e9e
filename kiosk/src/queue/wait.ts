// Estimated waits: the median service time of a service's recent tickets, spread over the
// windows that can serve it.
import type { ServiceCatalogue } from './service-catalogue.ts';
import type { TicketStore } from './ticket-store.ts';
import type { Clock } from './time.ts';
import type { WindowRepository } from './window-repository.ts';

export class WaitEstimator {
  private readonly avgCache = new Map<string, { at: number; seconds: number }>();

  constructor(
    private readonly store: TicketStore,
    private readonly windows: WindowRepository,
    private readonly services: ServiceCatalogue,
    private readonly clock: Clock,
  ) {}

  /** Median service time of the last 20 finished tickets of the service (30 days), else its expected time. */
  averageServiceS(serviceId: string): number {
    const now = this.clock.now();
    const cached = this.avgCache.get(serviceId);
    if (cached && now - cached.at < 60_000) return cached.seconds;
    const durations = this.store.serviceDurations(serviceId, now - 30 * 86_400_000, 20);
    let seconds: number;
    if (durations.length >= 3) {
      const sorted = durations.sort((a, b) => a - b);
      seconds = Math.max(30, Math.round((sorted[Math.floor((sorted.length - 1) / 2)] as number) / 1000));
    } else {
      seconds = this.services.expectedServiceS(serviceId) ?? 600;
    }
    this.avgCache.set(serviceId, { at: now, seconds });
    return seconds;
  }

  /** Forgets the cached median of a service (one of its tickets just finished). */
  forget(serviceId: string): void {
    this.avgCache.delete(serviceId);
  }

  estimateWaitMin(serviceId: string, ahead: number): number {
    return Math.ceil((ahead * this.averageServiceS(serviceId)) / this.windowsFor(serviceId) / 60);
  }

  /** Windows that can serve the service: staffed ones, else all active ones, at least one. */
  private windowsFor(serviceId: string): number {
    const serving = this.windows.serving(serviceId);
    return Math.max(1, serving.staffed || serving.all);
  }
}
