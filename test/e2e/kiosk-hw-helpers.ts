// Shared by the kiosk-hw-* end-to-end tests: the kiosk tests' event collector, with the longer
// time-outs of end-to-end runs, and a wait for reader polls.
import type { KioskEvents } from '@linli/kiosk/events.ts';
import { Events, until as untilWithin } from '../../kiosk/test/hardware/helpers.ts';

export class BusEvents extends Events {
  /** The earliest event of `type` matching `pred` that next() has not returned yet. */
  override next<K extends keyof KioskEvents>(
    type: K,
    pred: (p: KioskEvents[K]) => boolean = () => true,
    timeoutMs = 15_000,
  ): Promise<KioskEvents[K]> {
    return super.next(type, pred, timeoutMs);
  }

  /** Wait until the simulated reader has seen `n` more find-card polls. */
  async waitPolls(sim: { received: { name: string }[] }, n: number, timeoutMs = 10_000): Promise<void> {
    const finds = (): number => sim.received.filter((c) => c.name === 'findCard').length;
    const target = finds() + n;
    await until(() => finds() >= target, `${n} more polls`, timeoutMs);
  }
}

export const until = (cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> =>
  untilWithin(cond, what, timeoutMs);
