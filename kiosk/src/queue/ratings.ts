// Ratings (好差评): after a finished ticket the resident rates it once by the token of their QR
// code; the two lowest need a reason; they are listed for follow-up and marked when followed up.
import { writeAudit } from './audit.ts';
import type { QueueEngine } from './engine.ts';
import { QueueError } from './errors.ts';
import type { Actor, PublicTicket, TicketRow } from './types.ts';

export const RATING_REASONS = [
  'long-wait',
  'attitude',
  'slow',
  'unclear',
  'repeat-visits',
  'environment',
  'other',
];
export const RATING_REASON_TEXT: Record<string, string> = {
  'long-wait': '等候时间过长',
  attitude: '服务态度不好',
  slow: '办理效率低',
  unclear: '政策解释不清楚',
  'repeat-visits': '需要多次跑腿',
  environment: '大厅环境或设施不便',
  other: '其他',
};
export const RATING_TEXT: Record<number, string> = {
  5: '非常满意',
  4: '满意',
  3: '基本满意',
  2: '不满意',
  1: '非常不满意',
};

export function rateTicket(
  e: QueueEngine,
  token: string,
  rating: number,
  reason?: string,
  comment?: string,
): PublicTicket {
  if (!Number.isInteger(rating) || rating < 1 || rating > 5)
    throw new QueueError('VALIDATION', '评价须为1到5', 'rating must be 1..5');
  if (rating <= 2 && (!reason || !RATING_REASONS.includes(reason)))
    throw new QueueError('REASON_REQUIRED', '请选择不满意的原因', 'choose a reason for a low rating', {
      reasons: RATING_REASONS,
    });
  if (reason !== undefined && !RATING_REASONS.includes(reason))
    throw new QueueError('VALIDATION', '未知的原因', `unknown reason: ${reason}`, {
      reasons: RATING_REASONS,
    });
  const now = e.clock.now();
  const row = e.db
    .transaction(() => {
      const t = e.rowByToken(token);
      if (t.state !== 'done') e.refuseState(t, 'rate');
      if (t.rating !== null)
        throw new QueueError('ALREADY_RATED', '已经评价过了，谢谢', 'already rated, thank you');
      e.db
        .prepare(
          'UPDATE tickets SET rating = ?, rating_reason = ?, rating_comment = ?, rated_at = ? WHERE id = ?',
        )
        .run(rating, reason ?? null, comment ?? null, now, t.id);
      e.recordEvent(t.id, 'rated', now, t.window_id, null, { rating });
      return e.row(t.id);
    })
    .immediate();
  const view = e.publicView(row);
  e.bus.emit('ticket.rated', { ticket: view, rating, at: now });
  return view;
}

/** Ratings of 不满意 / 非常不满意 for follow-up, newest first. */
export function listBadRatings(e: QueueEngine, opts: { open?: boolean; limit?: number } = {}) {
  const rows = e.db
    .prepare(
      `SELECT * FROM tickets WHERE rating IS NOT NULL AND rating <= 2 AND (? = 0 OR followup_at IS NULL)
       ORDER BY rated_at DESC LIMIT ?`,
    )
    .all(opts.open ? 1 : 0, opts.limit ?? 200) as TicketRow[];
  return rows.map((r) => ({
    ...e.staffView(r),
    ratingText: RATING_TEXT[r.rating as number],
    reasonText: r.rating_reason ? RATING_REASON_TEXT[r.rating_reason] : null,
    followupAt: r.followup_at,
    followupBy: r.followup_by,
    followupNote: r.followup_note,
  }));
}

export function followUpRating(e: QueueEngine, ticketId: string, note: string, actor: Actor): void {
  const now = e.clock.now();
  e.db
    .transaction(() => {
      const t = e.row(ticketId);
      if (t.rating === null || t.rating > 2) e.refuseState(t, 'follow up');
      e.db
        .prepare('UPDATE tickets SET followup_at = ?, followup_by = ?, followup_note = ? WHERE id = ?')
        .run(now, actor.staffId, note, t.id);
      writeAudit(e.db, now, actor, 'rating.follow-up', `ticket:${t.id}`, { note });
    })
    .immediate();
}
