// The day rollover: when the local day changes, yesterday's open tickets expire, past bookings
// are missed, personal fields older than the retention period are purged and the windows' call
// streaks restart. One BEGIN IMMEDIATE transaction, safe between processes sharing the file.
import type { KioskConfig } from '../config.ts';
import type { KioskBus } from '../events.ts';
import type { AppointmentRepository } from './appointment-repository.ts';
import type { MetaRepository } from './meta-repository.ts';
import type { TicketStore } from './ticket-store.ts';
import { type Clock, localParts, zonedToUtc } from './time.ts';
import type { WindowRepository } from './window-repository.ts';

export interface RolloverResult {
  expired: number;
  missed: number;
  purged: number;
  /** The stored day was another one (this process or another rolled the day over now). */
  changed: boolean;
}

export interface DayParts {
  store: TicketStore;
  appointments: AppointmentRepository;
  windows: WindowRepository;
  meta: MetaRepository;
  clock: Clock;
  config: KioskConfig;
  bus: KioskBus;
  /** Publishes queue.changed (changed.ts). */
  changed(): void;
}

/** Knows the local day and rolls the queue over when it changes. */
export class DayKeeper {
  private day = '';

  constructor(private readonly parts: DayParts) {}

  /** The local day now; rolls the queue over first when the day has changed since last seen. */
  today(): string {
    const now = this.parts.clock.now();
    const day = localParts(now, this.parts.config.timeZone).day;
    if (day !== this.day) this.rollover(day, now);
    return day;
  }

  private rollover(day: string, now: number): void {
    const result = closeDay(this.parts, day, now);
    const first = this.day === '';
    this.day = day;
    if (result.changed || result.expired > 0 || !first) {
      this.parts.bus.emit('queue.rollover', {
        day,
        expired: result.expired,
        missedAppointments: result.missed,
        at: now,
      });
      this.parts.changed();
    }
  }
}

export function closeDay(parts: DayParts, day: string, now: number): RolloverResult {
  const { store, appointments, windows, meta, config } = parts;
  const dayStart = zonedToUtc(day, '00:00', config.timeZone);
  return store.transaction(() => {
    const stored = meta.get('day');
    const expired = store.expireBefore(day, now);
    const missed = appointments.missBefore(dayStart);
    // Personal fields of old tickets and appointments are purged after the retention period.
    const cutoff = shiftDay(day, -config.retentionDays);
    const purged =
      store.purgeBefore(cutoff) + appointments.purgeBefore(zonedToUtc(cutoff, '00:00', config.timeZone));
    if (stored !== day) {
      windows.resetStreaks();
      meta.set('day', day);
    }
    return { expired, missed, purged, changed: stored !== day };
  });
}

/** The local day `days` after (or before) a YYYY-MM-DD day. */
export function shiftDay(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}
