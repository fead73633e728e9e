// What the engine hands its parts beyond its public API (issue.ts, calling.ts, serving.ts,
// windows.ts): kept off the QueueEngine class so that splitting it did not widen its API.
export interface EngineInternals {
  readonly log: { error(obj: unknown, msg?: string): void } | undefined;
  /** Publishes queue.changed, throttled (changed.ts). */
  changed(): void;
  /** Drops the cached median service time of a service after a ticket of it finished (wait.ts). */
  forgetAverage(serviceId: string): void;
}
