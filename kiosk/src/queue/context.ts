// What the queue's services share (convention 13): the ticket store, the repositories, the clock,
// the configuration and the bus, plus the day (with its rollover) and the throttled change feed.
// The engine builds one and hands it to every service; no service sees the engine.
import type { KioskConfig } from '../config.ts';
import type { KioskBus } from '../events.ts';
import type { Hardware } from '../hardware/types.ts';
import type { AppointmentRepository } from './appointment-repository.ts';
import type { PolicyOptions } from './policy.ts';
import type { ServiceCatalogue } from './service-catalogue.ts';
import type { StationSettings } from './station-settings.ts';
import type { TicketStore } from './ticket-store.ts';
import type { Clock } from './time.ts';
import type { WaitEstimator } from './wait.ts';
import type { WindowRepository } from './window-repository.ts';

export interface QueueLog {
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

export interface QueueContext {
  readonly store: TicketStore;
  readonly services: ServiceCatalogue;
  readonly windows: WindowRepository;
  readonly appointments: AppointmentRepository;
  readonly waits: WaitEstimator;
  readonly clock: Clock;
  readonly config: KioskConfig;
  readonly bus: KioskBus;
  readonly hardware: Hardware | undefined;
  readonly log: QueueLog | undefined;
  /** Closed days and the saved calling policy. */
  readonly settings: StationSettings;
  /** The local day now; rolls the queue over first when the day has changed (rollover.ts). */
  today(): string;
  /** Publishes queue.changed, throttled (changed.ts). */
  changed(): void;
}

/** The calling policy from the configuration. */
export function policyOptions(config: KioskConfig): PolicyOptions {
  const queue = config.queue;
  return {
    policy: queue.policy,
    normalPerPriority: queue.normalPerPriority,
    priorityWeight: queue.priorityWeight,
  };
}
