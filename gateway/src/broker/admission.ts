// Connection admission for a reconnect storm. After a power cut thousands of devices send their
// CONNECT at once; handed to aedes as they arrive, one event-loop turn can start thousands of
// logins (credential checks, sessions, CONNACKs), and an SOS from a device already back waits
// behind them all (seconds). Here at most `maxInFlight` CONNECTs are being processed at once,
// from the complete CONNECT packet to its CONNACK (or the connection's end), and at most
// `perTurn` are started per event-loop turn; the rest wait in a FIFO, costing nothing but the
// socket. Publishes of connected devices are never queued, so they go first.
//
// A slot is taken only once the whole CONNECT has arrived (broker/mqtt5.ts peekConnect): a
// client that sends a CONNECT slowly waits outside and holds no slot. A slot whose CONNACK never
// comes is released after `slotTimeoutMs` anyway, so admission can never stall.

export interface AdmissionOptions {
  maxInFlight: number;
  perTurn: number;
  slotTimeoutMs: number;
}

export const DEFAULT_ADMISSION: AdmissionOptions = { maxInFlight: 64, perTurn: 32, slotTimeoutMs: 5_000 };

type Start = (release: () => void) => void;

export class ConnectAdmission {
  private waiting: { start: Start | undefined }[] = [];
  private head = 0;
  private inFlight = 0;
  private startedThisTurn = 0;
  private drainScheduled: NodeJS.Immediate | undefined;
  /** CONNECTs admitted so far, and how many of them had to wait. */
  admitted = 0;
  queued = 0;

  constructor(private readonly o: AdmissionOptions = DEFAULT_ADMISSION) {}

  /** CONNECTs waiting for a slot now. */
  get depth(): number {
    return this.waiting.length - this.head;
  }

  /** Call start(release) when a slot is free (now, when one is); release() when its CONNACK
   *  went out or the connection ended (idempotent). Returns a cancel for a connection that
   *  ends while waiting. */
  enter(start: Start): () => void {
    if (this.depth === 0 && this.inFlight < this.o.maxInFlight && this.startedThisTurn < this.o.perTurn) {
      this.run(start);
      return () => {};
    }
    this.queued++;
    const entry: { start: Start | undefined } = { start };
    this.waiting.push(entry);
    this.schedule();
    return () => {
      entry.start = undefined;
    };
  }

  private run(start: Start): void {
    this.inFlight++;
    this.startedThisTurn++;
    this.admitted++;
    this.schedule(); // resets the per-turn count next turn
    let released = false;
    const timer = setTimeout(() => release(), this.o.slotTimeoutMs);
    timer.unref();
    const release = () => {
      if (released) return;
      released = true;
      clearTimeout(timer);
      this.inFlight--;
      if (this.depth > 0) this.schedule();
    };
    start(release);
  }

  private schedule(): void {
    this.drainScheduled ??= setImmediate(() => this.drain());
  }

  private drain(): void {
    this.drainScheduled = undefined;
    this.startedThisTurn = 0;
    while (this.head < this.waiting.length && this.inFlight < this.o.maxInFlight) {
      if (this.startedThisTurn >= this.o.perTurn) {
        this.schedule();
        break;
      }
      const { start } = this.waiting[this.head++]!;
      if (start) this.run(start);
    }
    if (this.head === this.waiting.length) {
      this.waiting = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
  }

  /** Forget everything waiting (the broker is closing). */
  clear(): void {
    this.waiting = [];
    this.head = 0;
    if (this.drainScheduled) clearImmediate(this.drainScheduled);
    this.drainScheduled = undefined;
  }
}
