// The calling order. Pure functions over the waiting tickets of the services a window serves.
//
// 1. Appointments that are due (slot time ≤ now) come first, by slot time then arrival.
// 2. Walk-ins (and appointment tickets checked in too late for their slot) in the policy order:
//    - 'strict':   every priority ticket before every normal one; each class by arrival.
//    - 'ratio':    N normal tickets, then one priority ticket, repeating; each class by arrival.
//                  The count of normal calls since the last priority call is kept per window
//                  (`streak`), so a priority resident waits for at most N normal calls at that
//                  window; when one class is empty the other is called.
//    - 'weighted': by waited time × weight, largest first (priority weight W, normal 1); equal
//                  scores by arrival. A normal ticket that has waited W times longer than a
//                  priority ticket goes before it, so nobody starves.
// 3. Appointment tickets checked in early, before their slot, are held back: they are called
//    only when nothing else waits (so a window is never idle), by slot time.
import type { QueuePolicy } from '../config.ts';

export interface Candidate {
  id: string;
  priority: boolean;
  orderAt: number; // arrival (or reactivation) — the ordering key
  slotAt: number | null; // appointment slot, or null for a walk-in
  tie?: number; // issue order (SQLite rowid) for equal times
}

export interface PolicyOptions {
  policy: QueuePolicy;
  normalPerPriority: number;
  priorityWeight: number;
}

const byOrder = (a: Candidate, b: Candidate) =>
  a.orderAt - b.orderAt || (a.tie ?? 0) - (b.tie ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const bySlot = (a: Candidate, b: Candidate) => (a.slotAt ?? 0) - (b.slotAt ?? 0) || byOrder(a, b);

/** Walk-ins only, in policy order, starting from a window's normal-call streak. */
export function orderWalkIns(
  walkIns: Candidate[],
  now: number,
  opts: PolicyOptions,
  streak = 0,
): Candidate[] {
  switch (opts.policy) {
    case 'strict': {
      return [
        ...walkIns.filter((c) => c.priority).sort(byOrder),
        ...walkIns.filter((c) => !c.priority).sort(byOrder),
      ];
    }
    case 'weighted': {
      const score = (c: Candidate) => (now - c.orderAt) * (c.priority ? opts.priorityWeight : 1);
      return [...walkIns].sort((a, b) => score(b) - score(a) || byOrder(a, b));
    }
    case 'ratio': {
      const pri = walkIns.filter((c) => c.priority).sort(byOrder);
      const nor = walkIns.filter((c) => !c.priority).sort(byOrder);
      const out: Candidate[] = [];
      let s = streak;
      let i = 0;
      let j = 0;
      while (i < pri.length || j < nor.length) {
        if (i < pri.length && (s >= opts.normalPerPriority || j >= nor.length)) {
          out.push(pri[i++] as Candidate);
          s = 0;
        } else {
          out.push(nor[j++] as Candidate);
          s++;
        }
      }
      return out;
    }
  }
}

/** The full calling order of the candidates at `now`. */
export function callOrder(cands: Candidate[], now: number, opts: PolicyOptions, streak = 0): Candidate[] {
  const due = cands.filter((c) => c.slotAt !== null && c.slotAt <= now).sort(bySlot);
  const early = cands.filter((c) => c.slotAt !== null && c.slotAt > now).sort(bySlot);
  const walkIns = cands.filter((c) => c.slotAt === null);
  return [...due, ...orderWalkIns(walkIns, now, opts, streak), ...early];
}

/** The window's streak after calling `c`: priority walk-ins reset it, normal walk-ins add one, appointments leave it. */
export function nextStreak(c: Candidate, streak: number, now: number): number {
  if (c.slotAt !== null && c.slotAt <= now) return streak;
  if (c.slotAt !== null) return streak;
  return c.priority ? 0 : streak + 1;
}
