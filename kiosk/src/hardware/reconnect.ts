// Keeps one device line open: opens it through its opener, hands it to the driver, and when it
// closes (unplugged, EIO) or cannot be opened, tries again with exponential backoff. The health
// registry hears about every connect and disconnect.
import type { DeviceName } from '../events.ts';
import type { HealthRegistry } from './health.ts';
import { errMessage, type HwLogger } from './log.ts';
import type { ByteTransport } from './transport/byte-transport.ts';

export interface BackoffOptions {
  initialMs: number; // first retry (default 250)
  maxMs: number; // ceiling (default 5000)
}
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 250, maxMs: 5000 };

export interface ReconnectorOptions {
  device: DeviceName;
  open: () => Promise<ByteTransport>;
  /** A fresh line is open: attach the driver to it. */
  attach: (t: ByteTransport) => void;
  /** The line is gone: the driver drops it (waiters fail, state resets). */
  detach: (err?: Error) => void;
  health: HealthRegistry;
  log: HwLogger;
  backoff?: BackoffOptions;
}

export class Reconnector {
  private transport: ByteTransport | undefined;
  private timer: NodeJS.Timeout | undefined;
  private delay: number;
  private running = false;
  private opening = false;
  /** Successful opens (1 = first connect; more = reconnects). */
  connects = 0;
  failedOpens = 0;

  constructor(private readonly o: ReconnectorOptions) {
    this.delay = (o.backoff ?? DEFAULT_BACKOFF).initialMs;
  }

  start(): Promise<void> {
    this.running = true;
    return this.tryOpen();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    const t = this.transport;
    this.transport = undefined;
    if (t) {
      this.o.detach();
      await t.close();
    }
  }

  get connected(): boolean {
    return this.transport !== undefined && !this.transport.closed;
  }

  private async tryOpen(): Promise<void> {
    if (!this.running || this.opening) return;
    this.opening = true;
    let t: ByteTransport;
    try {
      t = await this.o.open();
    } catch (err) {
      this.opening = false;
      this.failedOpens++;
      if (this.failedOpens === 1 || this.failedOpens % 20 === 0) {
        this.o.log.warn({ device: this.o.device, err, attempts: this.failedOpens }, 'cannot open device');
      }
      this.o.health.set(this.o.device, {
        connected: false,
        state: 'disconnected',
        lastError: errMessage(err),
      });
      this.schedule();
      return;
    }
    this.opening = false;
    if (!this.running) {
      await t.close();
      return;
    }
    this.transport = t;
    this.connects++;
    this.failedOpens = 0;
    this.delay = (this.o.backoff ?? DEFAULT_BACKOFF).initialMs;
    this.o.log.info(
      { device: this.o.device, line: t.description, connects: this.connects },
      'device connected',
    );
    t.onClose((err) => this.lost(t, err));
    this.o.health.set(this.o.device, { connected: true, state: 'ok', detail: undefined });
    this.o.attach(t);
  }

  private lost(t: ByteTransport, err?: Error): void {
    if (this.transport !== t) return;
    this.transport = undefined;
    this.o.detach(err);
    if (!this.running) return;
    this.o.log.warn({ device: this.o.device, err: err ?? 'closed' }, 'device disconnected');
    this.o.health.set(this.o.device, {
      connected: false,
      state: 'disconnected',
      detail: '设备已断开，正在重连 / device disconnected, reconnecting',
      lastError: err ? errMessage(err) : 'line closed',
    });
    void t.close();
    this.schedule();
  }

  private schedule(): void {
    if (!this.running) return;
    clearTimeout(this.timer);
    const backoff = this.o.backoff ?? DEFAULT_BACKOFF;
    const wait = this.delay;
    this.delay = Math.min(backoff.maxMs, this.delay * 2);
    this.timer = setTimeout(() => void this.tryOpen(), wait);
  }
}
