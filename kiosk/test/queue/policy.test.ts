import { describe, expect, it } from 'vitest';
import { type Candidate, callOrder, nextStreak, type PolicyOptions } from '../../src/queue/policy.ts';

// Eight walk-ins arriving one minute apart: N1 N2 P1 N3 N4 N5 P2 N6 (P = priority).
const NOW = 100 * 60_000;
const arrivals: [string, boolean][] = [
  ['N1', false],
  ['N2', false],
  ['P1', true],
  ['N3', false],
  ['N4', false],
  ['N5', false],
  ['P2', true],
  ['N6', false],
];
const cands: Candidate[] = arrivals.map(([id, priority], i) => ({
  id,
  priority,
  orderAt: (60 + i) * 60_000,
  slotAt: null,
}));
const opts = (p: Partial<PolicyOptions>): PolicyOptions => ({
  policy: 'ratio',
  normalPerPriority: 3,
  priorityWeight: 3,
  ...p,
});
const ids = (cs: Candidate[]) => cs.map((c) => c.id);

describe('calling order policies (documented in docs/kiosk-queue.md)', () => {
  it('strict: every priority ticket first, each class by arrival', () => {
    expect(ids(callOrder(cands, NOW, opts({ policy: 'strict' })))).toEqual([
      'P1',
      'P2',
      'N1',
      'N2',
      'N3',
      'N4',
      'N5',
      'N6',
    ]);
  });

  it('ratio N=3: three normal, then one priority, repeating', () => {
    expect(ids(callOrder(cands, NOW, opts({ policy: 'ratio', normalPerPriority: 3 })))).toEqual([
      'N1',
      'N2',
      'N3',
      'P1',
      'N4',
      'N5',
      'N6',
      'P2',
    ]);
  });

  it('ratio N=2 continues from the window streak', () => {
    expect(ids(callOrder(cands, NOW, opts({ policy: 'ratio', normalPerPriority: 2 }), 2))).toEqual([
      'P1',
      'N1',
      'N2',
      'P2',
      'N3',
      'N4',
      'N5',
      'N6',
    ]);
  });

  it('ratio: when one class is empty the other is called', () => {
    const onlyP = cands.filter((c) => c.priority);
    expect(ids(callOrder(onlyP, NOW, opts({ policy: 'ratio' })))).toEqual(['P1', 'P2']);
  });

  it('weighted W=3: waited time × 3 for priority; a normal ticket waiting 3× longer goes first', () => {
    // Waits (min): N1 40, N2 39, P1 38→114, N3 37, N4 36, N5 35, P2 34→102, N6 33.
    expect(ids(callOrder(cands, NOW, opts({ policy: 'weighted', priorityWeight: 3 })))).toEqual([
      'P1',
      'P2',
      'N1',
      'N2',
      'N3',
      'N4',
      'N5',
      'N6',
    ]);
    const late: Candidate = { id: 'P3', priority: true, orderAt: NOW - 10 * 60_000, slotAt: null };
    // A priority resident who just arrived (waited 10 min → 30) goes after every normal ticket that waited longer than 30 min.
    expect(ids(callOrder([...cands, late], NOW, opts({ policy: 'weighted', priorityWeight: 3 })))).toEqual([
      'P1',
      'P2',
      'N1',
      'N2',
      'N3',
      'N4',
      'N5',
      'N6',
      'P3',
    ]);
  });

  it('due appointments first by slot; early ones held until nothing else waits', () => {
    const withAppts: Candidate[] = [
      ...cands,
      { id: 'A-due-late', priority: false, orderAt: NOW - 1, slotAt: NOW - 60_000 },
      { id: 'A-due-early', priority: false, orderAt: NOW - 2, slotAt: NOW - 120_000 },
      { id: 'A-future', priority: false, orderAt: NOW - 3, slotAt: NOW + 600_000 },
    ];
    const order = ids(callOrder(withAppts, NOW, opts({ policy: 'strict' })));
    expect(order[0]).toBe('A-due-early');
    expect(order[1]).toBe('A-due-late');
    expect(order.at(-1)).toBe('A-future');
  });

  it('streak: priority walk-in resets, normal adds one, appointments leave it', () => {
    expect(nextStreak({ id: 'x', priority: true, orderAt: 0, slotAt: null }, 3, NOW)).toBe(0);
    expect(nextStreak({ id: 'x', priority: false, orderAt: 0, slotAt: null }, 3, NOW)).toBe(4);
    expect(nextStreak({ id: 'x', priority: false, orderAt: 0, slotAt: NOW }, 3, NOW)).toBe(3);
  });
});
