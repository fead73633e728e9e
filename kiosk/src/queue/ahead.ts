// Reading the queue order from SQL without loading every waiting ticket: the head of each class
// (call-next) and the number of tickets ahead of one (the resident's display). Both are tested
// equal to callOrder() over all waiting tickets (kiosk/test/queue/ahead.test.ts).
import type { Statement } from 'better-sqlite3';
import type { KioskConfig } from '../config.ts';
import { type Candidate, callOrder, type PolicyOptions } from './policy.ts';
import type { TicketRow } from './types.ts';

export type Sql = (sql: string) => Statement<unknown[]>;

const HEAD_SQL = {
  due: 'slot_at IS NOT NULL AND slot_at <= @now ORDER BY slot_at, order_at, rowid',
  early: 'slot_at > @now ORDER BY slot_at, order_at, rowid',
  priority: "slot_at IS NULL AND priority_class != 'normal' ORDER BY order_at, rowid",
  normal: "slot_at IS NULL AND priority_class = 'normal' ORDER BY order_at, rowid",
};

/**
 * The head of each class (due appointments, early appointments, priority and normal walk-ins)
 * over the given services. Within a class every policy orders by time, so the policy's first
 * pick over all waiting tickets is always one of these heads.
 */
export function classHeads(
  sql: Sql,
  serviceIds: string[],
  day: string,
  now: number,
  policy: PolicyOptions,
): Candidate[] {
  const out: Candidate[] = [];
  for (const where of Object.values(HEAD_SQL)) {
    let best: Candidate | undefined;
    for (const serviceId of serviceIds) {
      const r = sql(
        `SELECT rowid AS tie, id, priority_class, order_at, slot_at FROM tickets
         WHERE service_id = @serviceId AND day = @day AND state = 'waiting' AND ${where} LIMIT 1`,
      ).get({ serviceId, day, now }) as
        | { tie: number; id: string; priority_class: string; order_at: number; slot_at: number | null }
        | undefined;
      if (!r) continue;
      const c: Candidate = {
        id: r.id,
        priority: r.priority_class !== 'normal',
        orderAt: r.order_at,
        slotAt: r.slot_at,
        tie: r.tie,
      };
      if (!best || callOrder([best, c], now, policy)[0] === c) best = c;
    }
    if (best) out.push(best);
  }
  return out;
}

type WaitingClass = 'appointment' | 'priority' | 'normal';

/**
 * Waiting tickets of the same service called before this one, in the policy's order (for a
 * 'ratio' queue counted from a fresh streak). The result equals the ticket's index in
 * callOrder() over all waiting tickets (tested). A whole class is counted from waiting_counts
 * (kept by triggers, migration 005) and what lies before a ticket as the class minus what lies
 * from it on, so a new ticket at the end of a long queue costs a few index probes, not scans.
 */
export function countAhead(sql: Sql, r: TicketRow, now: number, q: KioskConfig['queue']): number {
  if (r.state !== 'waiting') return 0;
  const tie = (sql('SELECT rowid AS tie FROM tickets WHERE id = ?').get(r.id) as { tie: number }).tie;
  const p = { serviceId: r.service_id, day: r.day, now, o: r.order_at, tie, slot: r.slot_at ?? 0 };
  const count = (where: string, extra: Record<string, number> = {}) =>
    (
      sql(
        `SELECT COUNT(*) AS n FROM tickets WHERE service_id = @serviceId AND day = @day AND state = 'waiting' AND ${where}`,
      ).get({ ...p, ...extra }) as { n: number }
    ).n;
  const total = (cls: WaitingClass) =>
    (
      sql('SELECT n FROM waiting_counts WHERE service_id = ? AND day = ? AND class = ?').get(
        r.service_id,
        r.day,
        cls,
      ) as { n: number } | undefined
    )?.n ?? 0;
  // Every count is an index range scan: `before` is split into its two sargable halves.
  const before = (cond: string, extra: Record<string, number> = {}) =>
    count(`${cond} AND order_at < @o`, extra) + count(`${cond} AND order_at = @o AND rowid < @tie`, extra);
  // A walk-in class before this ticket: the class minus the tickets from this one on.
  const walkInBefore = (cls: WaitingClass, cond: string) =>
    total(cls) - count(`${cond} AND order_at > @o`) - count(`${cond} AND order_at = @o AND rowid >= @tie`);
  const due = total('appointment') - count('slot_at > @now');
  if (r.slot_at !== null && r.slot_at <= now)
    return count('slot_at IS NOT NULL AND slot_at < @slot') + before('slot_at = @slot');
  const priC = "slot_at IS NULL AND priority_class != 'normal'";
  const norC = "slot_at IS NULL AND priority_class = 'normal'";
  const pri = total('priority');
  const nor = total('normal');
  if (r.slot_at !== null)
    return due + pri + nor + count('slot_at > @now AND slot_at < @slot') + before('slot_at = @slot');
  const isPri = r.priority_class !== 'normal';
  const sameBefore = isPri ? walkInBefore('priority', priC) : walkInBefore('normal', norC);
  switch (q.policy) {
    case 'strict':
      return due + sameBefore + (isPri ? 0 : pri);
    case 'ratio':
      return (
        due +
        sameBefore +
        (isPri
          ? Math.min(nor, (sameBefore + 1) * q.normalPerPriority)
          : Math.min(pri, Math.floor(sameBefore / q.normalPerPriority)))
      );
    case 'weighted': {
      // The other class goes first when (now − order_at) × w > my score, i.e. order_at < now − score / w.
      const score = (now - r.order_at) * (isPri ? q.priorityWeight : 1);
      const w = isPri ? 1 : q.priorityWeight;
      const thr = now - score / w;
      const other = isPri ? norC : priC;
      const otherTotal = isPri ? nor : pri;
      let ahead = due + sameBefore + otherTotal - count(`${other} AND order_at >= @thr`, { thr });
      if (Number.isInteger(thr)) {
        // Equal scores: arrival order, then issue order.
        ahead +=
          thr < r.order_at
            ? count(`${other} AND order_at = @thr`, { thr })
            : thr === r.order_at
              ? count(`${other} AND order_at = @thr AND rowid < @tie`, { thr })
              : 0;
      }
      return ahead;
    }
  }
}
