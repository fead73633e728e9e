// 'simulated' devices: the firmware-sim reader, printer and scanner on pseudo-terminals. The
// kiosk then opens their paths exactly as it would open real ports.
import type { DeviceName } from '../events.ts';

/** What the kiosk needs of a started simulator (the firmware-sim handles have more). */
export interface SimHandle {
  path: string;
  stop(): Promise<void>;
}

export type SimStarter = (device: DeviceName) => Promise<SimHandle>;

/** Options passed to each simulator (see @linli/firmware-sim). */
export interface SimulatorOptions {
  idcard?: Record<string, unknown>;
  printer?: Record<string, unknown>;
  scanner?: Record<string, unknown>;
}

type Starter = (opts?: Record<string, unknown>) => Promise<SimHandle>;

/** Start one firmware-sim device (loaded on first use: production images need not ship it). */
export function firmwareSimStarter(opts: SimulatorOptions = {}): SimStarter {
  return async (device) => {
    const name = '@linli/firmware-sim';
    const sim = (await import(name)) as Record<string, Starter | undefined>;
    const fn = {
      idcard: sim.startIdCardReader,
      printer: sim.startPrinter,
      scanner: sim.startSerialScanner,
    }[device];
    if (!fn) throw new Error(`@linli/firmware-sim has no simulator for ${device}`);
    // A re-finding reader shows 'card.removed' when the card is lifted (see idcard/reader.ts).
    const defaults: Record<string, unknown> = device === 'idcard' ? { refindAfterRead: true } : {};
    return fn({ ...defaults, ...opts[device] });
  };
}
