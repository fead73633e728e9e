// The resident screen's print state (kiosk/ui/state/print-state.ts): a job's "printed" event that
// arrives before the issue answer must still show "take your ticket" (issue #12's race).
import { describe, expect, it } from 'vitest';
import type { Issued } from '../../ui/api.ts';
import { printStateOf, RecentJobs } from '../../ui/state/print-state.ts';

const issued = (id: string, state?: string): Issued => ({
  ticket: { id } as Issued['ticket'],
  peopleAhead: 0,
  estimatedWaitMin: 0,
  print: state === undefined ? null : { state },
});

describe('print state of a ticket on screen', () => {
  it('follows the issue answer when no job event came first', () => {
    expect(printStateOf(issued('t1', 'queued'))).toBe('printing');
    expect(printStateOf(issued('t1', 'printed'))).toBe('printed');
    expect(printStateOf(issued('t1', 'held'))).toBe('photo');
    expect(printStateOf(issued('t1', 'failed'))).toBe('photo');
    expect(printStateOf(issued('t1'))).toBe('photo'); // no printer: photograph it
  });

  it('a "printed" event that beat the answer wins over the answer\'s "queued"', () => {
    const recent = new RecentJobs();
    recent.note('t1', 'printing');
    recent.note('t1', 'printed');
    expect(printStateOf(issued('t1', 'queued'), recent.of('t1'))).toBe('printed');
    expect(printStateOf(issued('t2', 'queued'), recent.of('t2'))).toBe('printing');
  });

  it('remembers a bounded number of tickets, newest kept, and forgets on clear', () => {
    const recent = new RecentJobs();
    for (let i = 0; i < 100; i++) recent.note(`t${i}`, 'printed');
    expect(recent.of('t0')).toBeUndefined();
    expect(recent.of('t99')).toBe('printed');
    expect(recent.of('t68')).toBe('printed');
    expect(recent.of('t67')).toBeUndefined();
    recent.clear();
    expect(recent.of('t99')).toBeUndefined();
  });
});
