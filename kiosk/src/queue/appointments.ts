// Appointments (预约): a booked slot with a code; checking in at the kiosk (scanner or typed code)
// issues a ticket that is called at its slot time ahead of walk-ins of the same service.
import { randomInt, randomUUID } from 'node:crypto';
import { checkIdNumber, hmacIdNumber, maskIdNumber, maskName } from '@linli/shared';
import type { AppointmentRow } from './appointment-repository.ts';
import type { QueueContext } from './context.ts';
import { QueueError } from './errors.ts';
import type { IssueRequest, IssueResult } from './issue.ts';
import { DAY_RE, HHMM_RE, localDay, zonedToUtc } from './time.ts';
import type { Actor, ResidentIdentity } from './types.ts';
import { followUrl, peopleAhead, publicView, staffView } from './views.ts';

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
/** Scanners may read 'LINLI-APPT:<code>' from a QR code or the bare code from a barcode. */
export function normaliseCode(scanned: string): string {
  return scanned
    .trim()
    .replace(/^LINLI-APPT:/i, '')
    .toUpperCase();
}

export type { AppointmentRow } from './appointment-repository.ts';

/** What appointments work with: the queue's context and its issuing (the engine has both). */
export interface AppointmentDeps {
  readonly context: QueueContext;
  issue(req: IssueRequest, actor?: Actor, inTx?: (ticketId: string) => void): IssueResult;
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
  private readonly ctx: QueueContext;

  constructor(
    private readonly deps: AppointmentDeps,
    private readonly idKey: string,
  ) {
    this.ctx = deps.context;
  }

  book(
    req: { serviceId: string; day: string; time: string; name?: string; idNumber?: string },
    actor: Actor,
  ): ReturnType<typeof appointmentView> {
    const ctx = this.ctx;
    const svc = ctx.services.get(req.serviceId);
    if (!svc.active)
      throw new QueueError('SERVICE_INACTIVE', `${svc.nameZh}暂停办理`, `${svc.nameEn} is not available`);
    const now = ctx.clock.now();
    const slotAt = this.checkBooking(req, svc, now);
    const id = randomUUID();
    const code = Array.from({ length: 10 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
    ctx.store.transaction(() => {
      ctx.appointments.insert({
        id,
        code,
        service_id: svc.id,
        slot_at: slotAt,
        name_masked: req.name ? maskName(req.name) : null,
        id_masked: req.idNumber ? maskIdNumber(req.idNumber) : null,
        id_hash: req.idNumber ? hmacIdNumber(this.idKey, req.idNumber) : null,
        created_at: now,
        created_by: actor.staffId,
      });
      ctx.store.audit(now, actor, 'appointment.book', `appointment:${id}`, { serviceId: svc.id, slotAt });
    });
    return appointmentView(this.get(id));
  }

  /**
   * Refuses impossible or useless bookings (issue #10 defect 17): a day that is not a calendar
   * day (2026-02-30), a time that is not HH:MM, a day in the past (earlier today is
   * allowed: staff may record a resident who is already here), an ID number that fails
   * the GB 11643 check, and an ID-required service booked without the number (it could never be
   * checked in). Returns the slot instant.
   */
  private checkBooking(
    req: { day: string; time: string; idNumber?: string },
    svc: { idRequired: boolean; nameZh: string; nameEn: string },
    now: number,
  ): number {
    const [year, month, date] = req.day.split('-').map(Number) as [number, number, number];
    const calendar = new Date(Date.UTC(year, month - 1, date));
    if (!DAY_RE.test(req.day) || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== date)
      throw new QueueError('VALIDATION', `没有这一天：${req.day}`, `not a calendar day: ${req.day}`, {
        field: 'day',
      });
    if (!HHMM_RE.test(req.time))
      throw new QueueError('VALIDATION', `时间须为时:分：${req.time}`, `time must be HH:MM: ${req.time}`, {
        field: 'time',
      });
    const slotAt = zonedToUtc(req.day, req.time, this.ctx.config.timeZone);
    if (req.day < localDay(now, this.ctx.config.timeZone))
      throw new QueueError('APPOINTMENT_PAST', `${req.day}已经过去了`, `${req.day} is in the past`, {
        field: 'day',
      });
    if (req.idNumber !== undefined) {
      const check = checkIdNumber(req.idNumber, { today: new Date(now) });
      if (!check.valid)
        throw new QueueError('ID_INVALID', '身份证号码有误，请核对', `invalid ID number: ${check.reason}`, {
          field: 'idNumber',
          reason: check.code,
        });
    } else if (svc.idRequired)
      throw new QueueError(
        'ID_REQUIRED',
        `${svc.nameZh}需要身份证号码才能预约`,
        `${svc.nameEn} needs the ID number to book`,
        { field: 'idNumber' },
      );
    return slotAt;
  }

  get(id: string): AppointmentRow {
    return this.ctx.appointments.get(id);
  }

  list(day: string) {
    const tz = this.ctx.config.timeZone;
    const from = zonedToUtc(day, '00:00', tz);
    return this.ctx.appointments
      .between(from, from + 36 * 3_600_000)
      .filter((found) => localDay(found.slot_at, tz) === day)
      .map(appointmentView);
  }

  cancel(id: string, actor: Actor) {
    const ctx = this.ctx;
    const now = ctx.clock.now();
    ctx.store.transaction(() => {
      const found = this.get(id);
      if (found.state !== 'booked' || !ctx.appointments.cancel(id))
        throw new QueueError('APPOINTMENT_USED', '这个预约不能再取消', `appointment is ${found.state}`);
      ctx.store.audit(now, actor, 'appointment.cancel', `appointment:${id}`);
    });
    return appointmentView(this.get(id));
  }

  /**
   * Check-in with the code: on the day, from `appointmentEarlyMin` before the slot. Late by more
   * than `appointmentGraceMin`, the ticket is a walk-in (no slot advantage). A second check-in
   * returns the open ticket. `card`: the ID card on the reader, if any (checked against the
   * booked number; it stands in for the number of a booking made without one).
   */
  checkIn(scanned: string, card?: ResidentIdentity): IssueResult & { late: boolean } {
    const ctx = this.ctx;
    const code = normaliseCode(scanned);
    if (!/^[A-Z0-9]{4,32}$/.test(code))
      throw new QueueError('APPOINTMENT_UNKNOWN', '无法识别的预约码', 'unreadable appointment code');
    const day = ctx.today();
    const now = ctx.clock.now();
    const r = ctx.appointments.byCode(code);
    if (!r) throw new QueueError('APPOINTMENT_UNKNOWN', '没有这个预约码', 'unknown appointment code');
    if (r.state === 'cancelled')
      throw new QueueError('APPOINTMENT_CANCELLED', '这个预约已取消', 'this appointment was cancelled');
    const slotDay = localDay(r.slot_at, ctx.config.timeZone);
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
      const t = r.ticket_id ? ctx.store.find(r.ticket_id) : undefined;
      if (t && ['waiting', 'called', 'serving'].includes(t.state)) {
        const ahead = peopleAhead(ctx, t);
        return {
          ticket: staffView(ctx, t),
          publicTicket: publicView(ctx, t),
          token: t.token,
          followUrl: followUrl(ctx, t.token),
          peopleAhead: ahead,
          estimatedWaitMin: ctx.waits.estimateWaitMin(t.service_id, ahead),
          reused: true,
          late: false,
        };
      }
      throw new QueueError('APPOINTMENT_USED', '这个预约已经使用过了', 'this appointment has been used');
    }
    const q = ctx.config.queue;
    if (now < r.slot_at - q.appointmentEarlyMin * 60_000)
      throw new QueueError(
        'APPOINTMENT_TOO_EARLY',
        `请在预约时间前${q.appointmentEarlyMin}分钟内签到`,
        `check in at most ${q.appointmentEarlyMin} min before the slot`,
      );
    const late = now > r.slot_at + q.appointmentGraceMin * 60_000;
    // Booked with the number: that identity, and a card on the reader must be the same person.
    // Booked without (older bookings of an ID-required service): the card on the reader.
    if (r.id_hash && card && card.idHash !== r.id_hash)
      throw new QueueError('ID_MISMATCH', '身份证与预约人不符', 'the ID card is not the booked person');
    const identity: ResidentIdentity | undefined = r.id_hash
      ? { idHash: r.id_hash, idMasked: r.id_masked ?? '', nameMasked: r.name_masked ?? '' }
      : card;
    const res = this.deps.issue(
      {
        serviceId: r.service_id,
        source: 'appointment',
        identity,
        slotAt: late ? null : r.slot_at,
        appointmentId: r.id,
      },
      undefined,
      (ticketId) => {
        if (!ctx.appointments.checkIn(r.id, ticketId))
          throw new QueueError('APPOINTMENT_USED', '这个预约已经使用过了', 'this appointment has been used');
      },
    );
    return { ...res, late };
  }
}
