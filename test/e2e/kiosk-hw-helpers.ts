// Shared by the kiosk-hw-* end-to-end tests: collect bus events and wait for them (bounded).
import { EventEmitter } from 'node:events';
import type { KioskBus, KioskEvents } from '@linli/kiosk/events.ts';

export class BusEvents {
  readonly all: { type: string; payload: unknown }[] = [];
  private readonly taken = new Map<string, number>();
  private readonly emitter = new EventEmitter();
  private readonly off: () => void;

  constructor(bus: KioskBus) {
    this.off = bus.onAny((type, payload) => {
      this.all.push({ type, payload });
      this.emitter.emit('event');
    });
  }

  of<K extends keyof KioskEvents>(type: K): KioskEvents[K][] {
    return this.all.filter((e) => e.type === type).map((e) => e.payload as KioskEvents[K]);
  }

  /** The next event of `type` matching `pred`, beyond those already taken by next(). */
  next<K extends keyof KioskEvents>(
    type: K,
    pred: (p: KioskEvents[K]) => boolean = () => true,
    timeoutMs = 15_000,
  ): Promise<KioskEvents[K]> {
    const key = String(type);
    const find = (): KioskEvents[K] | undefined => {
      const list = this.all.filter((e) => e.type === type);
      for (let i = this.taken.get(key) ?? 0; i < list.length; i++) {
        const p = list[i]!.payload as KioskEvents[K];
        if (pred(p)) {
          this.taken.set(key, i + 1);
          return p;
        }
      }
      return undefined;
    };
    const found = find();
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.emitter.off('event', check);
        reject(
          new Error(`no ${key} event within ${timeoutMs} ms; saw ${this.all.map((e) => e.type).join(', ')}`),
        );
      }, timeoutMs);
      const check = (): void => {
        const p = find();
        if (!p) return;
        clearTimeout(timer);
        this.emitter.off('event', check);
        resolve(p);
      };
      this.emitter.on('event', check);
    });
  }

  /** Wait until the simulated reader has seen `n` more find-card polls. */
  async waitPolls(sim: { received: { name: string }[] }, n: number, timeoutMs = 10_000): Promise<void> {
    const finds = (): number => sim.received.filter((c) => c.name === 'findCard').length;
    const target = finds() + n;
    await until(() => finds() >= target, `${n} more polls`, timeoutMs);
  }

  stop(): void {
    this.off();
  }
}

export async function until(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
