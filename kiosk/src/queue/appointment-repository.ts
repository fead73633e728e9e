// The appointments (预约) table: booking, reading, cancelling and checking in (each state change
// a compare-and-set), and the rollover's misses and purges.
import type { Db } from '../db/open.ts';
import { QueueError } from './errors.ts';
import { Statements } from './statements.ts';

export interface AppointmentRow {
  id: string;
  code: string;
  service_id: string;
  slot_at: number;
  name_masked: string | null;
  id_masked: string | null;
  id_hash: string | null;
  state: 'booked' | 'checked-in' | 'cancelled' | 'missed';
  ticket_id: string | null;
  created_at: number;
  created_by: number | null;
}

export type NewAppointment = Pick<
  AppointmentRow,
  | 'id'
  | 'code'
  | 'service_id'
  | 'slot_at'
  | 'name_masked'
  | 'id_masked'
  | 'id_hash'
  | 'created_at'
  | 'created_by'
>;

export class AppointmentRepository {
  private readonly statements: Statements;

  constructor(db: Db) {
    this.statements = new Statements(db);
  }

  private get sql() {
    return this.statements.sql;
  }

  insert(booking: NewAppointment): void {
    this.sql(
      `INSERT INTO appointments (id, code, service_id, slot_at, name_masked, id_masked, id_hash, state, created_at, created_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'booked', ?, ?)`,
    ).run(
      booking.id,
      booking.code,
      booking.service_id,
      booking.slot_at,
      booking.name_masked,
      booking.id_masked,
      booking.id_hash,
      booking.created_at,
      booking.created_by,
    );
  }

  get(id: string): AppointmentRow {
    const found = this.sql('SELECT * FROM appointments WHERE id = ?').get(id) as AppointmentRow | undefined;
    if (!found) throw new QueueError('APPOINTMENT_UNKNOWN', '没有这个预约', 'no such appointment');
    return found;
  }

  byCode(code: string): AppointmentRow | undefined {
    return this.sql('SELECT * FROM appointments WHERE code = ?').get(code) as AppointmentRow | undefined;
  }

  /** Appointments with slots in [from, to), by slot. */
  between(from: number, to: number): AppointmentRow[] {
    return this.sql('SELECT * FROM appointments WHERE slot_at >= ? AND slot_at < ? ORDER BY slot_at').all(
      from,
      to,
    ) as AppointmentRow[];
  }

  /** booked → cancelled; false when it was not booked. */
  cancel(id: string): boolean {
    return (
      this.sql(`UPDATE appointments SET state = 'cancelled' WHERE id = ? AND state = 'booked'`).run(id)
        .changes === 1
    );
  }

  /** booked → checked-in with its ticket; false when it was not booked. */
  checkIn(id: string, ticketId: string): boolean {
    return (
      this.sql(
        `UPDATE appointments SET state = 'checked-in', ticket_id = ? WHERE id = ? AND state = 'booked'`,
      ).run(ticketId, id).changes === 1
    );
  }

  /** Bookings with slots before `at` are missed; returns how many. */
  missBefore(at: number): number {
    return this.sql(`UPDATE appointments SET state = 'missed' WHERE state = 'booked' AND slot_at < ?`).run(at)
      .changes;
  }

  /** Personal fields of appointments with slots before `at` are purged; returns how many. */
  purgeBefore(at: number): number {
    return this.sql(
      `UPDATE appointments SET id_hash = NULL, id_masked = NULL, name_masked = NULL
       WHERE slot_at < ? AND (id_hash IS NOT NULL OR id_masked IS NOT NULL OR name_masked IS NOT NULL)`,
    ).run(at).changes;
  }
}
