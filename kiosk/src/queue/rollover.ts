// The day rollover: when the local day changes, yesterday's open tickets expire, past bookings
// are missed, personal fields older than the retention period are purged and the windows' call
// streaks restart. One BEGIN IMMEDIATE transaction, safe between processes sharing the file.
import type { QueueEngine } from './engine.ts';
import { zonedToUtc } from './time.ts';

export interface RolloverResult {
  expired: number;
  missed: number;
  purged: number;
  /** The stored day was another one (this process or another rolled the day over now). */
  changed: boolean;
}

export function closeDay(e: QueueEngine, day: string, now: number): RolloverResult {
  const dayStart = zonedToUtc(day, '00:00', e.config.timeZone);
  return e.db
    .transaction(() => {
      const stored = e.stmt("SELECT value FROM meta WHERE key = 'day'").get() as
        | { value: string }
        | undefined;
      const expired = e
        .stmt(
          `UPDATE tickets SET state = 'expired', finished_at = ? WHERE day < ? AND state IN ('waiting', 'called', 'serving')`,
        )
        .run(now, day).changes;
      const missed = e
        .stmt(`UPDATE appointments SET state = 'missed' WHERE state = 'booked' AND slot_at < ?`)
        .run(dayStart).changes;
      // Personal fields of old tickets and appointments are purged after the retention period.
      const cutoff = shiftDay(day, -e.config.retentionDays);
      const purged =
        e
          .stmt(
            `UPDATE tickets SET id_hash = NULL, id_masked = NULL, name_masked = NULL, rating_comment = NULL
             WHERE day < ? AND (id_hash IS NOT NULL OR id_masked IS NOT NULL OR name_masked IS NOT NULL OR rating_comment IS NOT NULL)`,
          )
          .run(cutoff).changes +
        e
          .stmt(
            `UPDATE appointments SET id_hash = NULL, id_masked = NULL, name_masked = NULL
             WHERE slot_at < ? AND (id_hash IS NOT NULL OR id_masked IS NOT NULL OR name_masked IS NOT NULL)`,
          )
          .run(zonedToUtc(cutoff, '00:00', e.config.timeZone)).changes;
      if (stored?.value !== day) {
        e.stmt('UPDATE windows SET normal_streak = 0').run();
        e.stmt(
          "INSERT INTO meta (key, value) VALUES ('day', ?) ON CONFLICT(key) DO UPDATE SET value = ?",
        ).run(day, day);
      }
      return { expired, missed, purged, changed: stored?.value !== day };
    })
    .immediate();
}

/** The local day `days` after (or before) a YYYY-MM-DD day. */
export function shiftDay(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}
