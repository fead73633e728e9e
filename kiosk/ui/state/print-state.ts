// What the ticket screen says about printing: printed, printing, or "photograph this". A print
// job's events arrive on the live stream and can beat the answer to the issue request (the job
// prints while the answer is on its way), so the newest state of recent jobs is remembered per
// ticket and consulted when the ticket appears.
import type { Issued } from '../api.ts';
import type { PrintState } from './types.ts';

/** How many recent print-job states are remembered (a job's event can beat the issue answer). */
const RECENT_JOBS = 32;

export function printStateOf(issued: Issued, recent?: string): PrintState {
  const state = recent ?? issued.print?.state;
  if (state === 'printed') return 'printed';
  if (!state || state === 'held' || state === 'failed') return 'photo';
  return 'printing';
}

/** Newest print-job state per ticket id, bounded: the stream may report a job before the ticket is on screen. */
export class RecentJobs {
  private readonly states = new Map<string, string>();
  note(ticketId: string, state: string): void {
    this.states.delete(ticketId);
    this.states.set(ticketId, state);
    if (this.states.size > RECENT_JOBS) this.states.delete(this.states.keys().next().value as string);
  }
  of(ticketId: string): string | undefined {
    return this.states.get(ticketId);
  }
  clear(): void {
    this.states.clear();
  }
}
