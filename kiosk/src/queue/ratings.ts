// Ratings (好差评): after a finished ticket the resident rates it once by the token of their QR
// code; the two lowest need a reason; they are listed for follow-up and marked when followed up.
import type { QueueContext } from './context.ts';
import { QueueError } from './errors.ts';
import { refuseState } from './transition.ts';
import type { Actor, PublicTicket } from './types.ts';
import { publicView, staffView } from './views.ts';

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

export class RatingService {
  constructor(private readonly ctx: QueueContext) {}

  /** The resident rates their finished ticket. */
  rate(token: string, rating: number, reason?: string, comment?: string): PublicTicket {
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
    const { ctx } = this;
    const { store } = ctx;
    const now = ctx.clock.now();
    const row = store.transaction(() => {
      const t = store.rowByToken(token);
      if (t.state !== 'done') refuseState(t, 'rate');
      if (!store.rate(t.id, rating, reason ?? null, comment ?? null, now))
        throw new QueueError('ALREADY_RATED', '已经评价过了，谢谢', 'already rated, thank you');
      store.recordEvent(t.id, 'rated', now, t.window_id, null, { rating });
      return store.row(t.id);
    });
    const view = publicView(ctx, row);
    ctx.bus.emit('ticket.rated', { ticket: view, rating, at: now });
    return view;
  }

  /** Ratings of 不满意 / 非常不满意 for follow-up, newest first. */
  badRatings(opts: { open?: boolean; limit?: number } = {}) {
    const { ctx } = this;
    return ctx.store.badRatings(opts.open ?? false, opts.limit ?? 200).map((found) => ({
      ...staffView(ctx, found),
      ratingText: RATING_TEXT[found.rating as number],
      reasonText: found.rating_reason ? RATING_REASON_TEXT[found.rating_reason] : null,
      followupAt: found.followup_at,
      followupBy: found.followup_by,
      followupNote: found.followup_note,
    }));
  }

  followUp(ticketId: string, note: string, actor: Actor): void {
    const { ctx } = this;
    const { store } = ctx;
    const now = ctx.clock.now();
    store.transaction(() => {
      const t = store.row(ticketId);
      if (t.rating === null || t.rating > 2) refuseState(t, 'follow up');
      store.followUp(t.id, now, actor.staffId, note);
      store.audit(now, actor, 'rating.follow-up', `ticket:${t.id}`, { note });
    });
  }
}
