// Appointments (预约): a booked slot with a code; checking in at the kiosk (scanner or typed code)
// issues a ticket that is called at its slot time ahead of walk-ins of the same service.
import { randomInt, randomUUID } from 'node:crypto';
import { hmacIdNumber, maskIdNumber, maskName } from '@linli/shared';
import { writeAudit } from './audit.ts';
import type { IssueResult, QueueEngine } from './engine.ts';
import { QueueError } from './errors.ts';
import { localDay, zonedToUtc } from './time.ts';
import type { Actor, ResidentIdentity, TicketRow } from './types.ts';

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
/** Scanners may read 'LINLI-APPT:<code>' from a QR code or the bare code from a barcode. */
export function normaliseCode(scanned: string): string {
  return scanned
    .trim()
    .replace(/^LINLI-APPT:/i, '')
    .toUpperCase();
}

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

export function appointmentView(r: AppointmentRow) {
  return {
    id: r.id,
    code: r.code,
    serviceId: r.service_id,
    slotAt: r.slot_at,
    nameMasked: r.name_masked,
    idMasked: r.id_masked,
    state: r.state,
    ticketId: r.ticket_id,
    createdAt: r.created_at,
  };
}

export class Appointments {
  constructor(
    private readonly engine: QueueEngine,
    private readonly idKey: string,
  ) {}

  book(
    req: { serviceId: string; day: string; time: string; name?: string; idNumber?: string },
    actor: Actor,
  ): ReturnType<typeof appointmentView> {
    const e = this.engine;
    const svc = e.service(req.serviceId);
    if (!svc.active)
      throw new QueueError('SERVICE_INACTIVE', `${svc.nameZh}暂停办理`, `${svc.nameEn} is not available`);
    const slotAt = zonedToUtc(req.day, req.time, e.config.timeZone);
    const now = e.clock.now();
    const id = randomUUID();
    const code = Array.from({ length: 10 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
    e.db
      .transaction(() => {
        e.db
          .prepare(
            `INSERT INTO appointments (id, code, service_id, slot_at, name_masked, id_masked, id_hash, state, created_at, created_by)
             VALUES (?, ?, ?, ?, ?, ?, ?, 'booked', ?, ?)`,
          )
          .run(
            id,
            code,
            svc.id,
            slotAt,
            req.name ? maskName(req.name) : null,
            req.idNumber ? maskIdNumber(req.idNumber) : null,
            req.idNumber ? hmacIdNumber(this.idKey, req.idNumber) : null,
            now,
            actor.staffId,
          );
        writeAudit(e.db, now, actor, 'appointment.book', `appointment:${id}`, { serviceId: svc.id, slotAt });
      })
      .immediate();
    return appointmentView(this.get(id));
  }

  get(id: string): AppointmentRow {
    const r = this.engine.db.prepare('SELECT * FROM appointments WHERE id = ?').get(id) as
      | AppointmentRow
      | undefined;
    if (!r) throw new QueueError('APPOINTMENT_UNKNOWN', '没有这个预约', 'no such appointment');
    return r;
  }

  list(day: string) {
    const tz = this.engine.config.timeZone;
    const from = zonedToUtc(day, '00:00', tz);
    const rows = this.engine.db
      .prepare('SELECT * FROM appointments WHERE slot_at >= ? AND slot_at < ? ORDER BY slot_at')
      .all(from, from + 36 * 3_600_000) as AppointmentRow[];
    return rows.filter((r) => localDay(r.slot_at, tz) === day).map(appointmentView);
  }

  cancel(id: string, actor: Actor) {
    const e = this.engine;
    const now = e.clock.now();
    e.db
      .transaction(() => {
        const r = this.get(id);
        if (r.state !== 'booked')
          throw new QueueError('APPOINTMENT_USED', '这个预约不能再取消', `appointment is ${r.state}`);
        e.db.prepare(`UPDATE appointments SET state = 'cancelled' WHERE id = ?`).run(id);
        writeAudit(e.db, now, actor, 'appointment.cancel', `appointment:${id}`);
      })
      .immediate();
    return appointmentView(this.get(id));
  }

  /**
   * Check-in with the code: on the day, from `appointmentEarlyMin` before the slot. Late by more
   * than `appointmentGraceMin`, the ticket is a walk-in (no slot advantage). A second check-in
   * returns the open ticket.
   */
  checkIn(scanned: string): IssueResult & { late: boolean } {
    const e = this.engine;
    const code = normaliseCode(scanned);
    if (!/^[A-Z0-9]{4,32}$/.test(code))
      throw new QueueError('APPOINTMENT_UNKNOWN', '无法识别的预约码', 'unreadable appointment code');
    const day = e.today();
    const now = e.clock.now();
    const r = e.db.prepare('SELECT * FROM appointments WHERE code = ?').get(code) as
      | AppointmentRow
      | undefined;
    if (!r) throw new QueueError('APPOINTMENT_UNKNOWN', '没有这个预约码', 'unknown appointment code');
    if (r.state === 'cancelled')
      throw new QueueError('APPOINTMENT_CANCELLED', '这个预约已取消', 'this appointment was cancelled');
    const slotDay = localDay(r.slot_at, e.config.timeZone);
    if (r.state === 'missed' || slotDay !== day)
      throw new QueueError(
        'APPOINTMENT_OTHER_DAY',
        `预约日期是${slotDay}，不是今天`,
        `the appointment is on ${slotDay}, not today`,
        {
          day: slotDay,
        },
      );
    if (r.state === 'checked-in') {
      const t = r.ticket_id
        ? (e.db.prepare('SELECT * FROM tickets WHERE id = ?').get(r.ticket_id) as TicketRow)
        : undefined;
      if (t && ['waiting', 'called', 'serving'].includes(t.state)) {
        const ahead = e.peopleAhead(t);
        return {
          ticket: e.staffView(t),
          publicTicket: e.publicView(t),
          token: t.token,
          followUrl: e.followUrl(t.token),
          peopleAhead: ahead,
          estimatedWaitMin: e.estimateWaitMin(t.service_id, ahead),
          reused: true,
          late: false,
        };
      }
      throw new QueueError('APPOINTMENT_USED', '这个预约已经使用过了', 'this appointment has been used');
    }
    const q = e.config.queue;
    if (now < r.slot_at - q.appointmentEarlyMin * 60_000)
      throw new QueueError(
        'APPOINTMENT_TOO_EARLY',
        `请在预约时间前${q.appointmentEarlyMin}分钟内签到`,
        `check in at most ${q.appointmentEarlyMin} min before the slot`,
      );
    const late = now > r.slot_at + q.appointmentGraceMin * 60_000;
    const identity: ResidentIdentity | undefined = r.id_hash
      ? { idHash: r.id_hash, idMasked: r.id_masked ?? '', nameMasked: r.name_masked ?? '' }
      : undefined;
    const res = e.issue(
      {
        serviceId: r.service_id,
        source: 'appointment',
        identity,
        slotAt: late ? null : r.slot_at,
        appointmentId: r.id,
      },
      undefined,
      (ticketId) => {
        const changed = e.db
          .prepare(
            `UPDATE appointments SET state = 'checked-in', ticket_id = ? WHERE id = ? AND state = 'booked'`,
          )
          .run(ticketId, r.id).changes;
        if (changed !== 1)
          throw new QueueError('APPOINTMENT_USED', '这个预约已经使用过了', 'this appointment has been used');
      },
    );
    return { ...res, late };
  }
}
