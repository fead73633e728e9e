// Commands to devices (alert.received / alert.acknowledged / alert.resolved): written to
// cmd_queue in the same transaction as the alert change, published (QoS 1, never retained)
// after commit, marked delivered when the device (or the external broker) acknowledges, and
// resent when a device subscribes again after a gateway restart.
//
// Reconnect storm (docs/gateway.md): a delivery mark is not worth an fsync of its own on the event
// loop; marks are written in the next group commit (several per transaction), and a mark lost
// to a crash only means the command is sent once more (delivery is at least once anyway). Every
// device's cmd SUBSCRIBE asks for its pending commands; the devices that may have some are
// kept in memory (cmd_queue is written by this process only), so the 10,000 subscribes of a
// storm cost a Set lookup, and only the few with pending commands a query.
import type { CommandType } from '@linli/shared';
import type { Db } from '../db/open.ts';
import type { TxScope } from '../db/tx.ts';
import { topics } from '../ingest/protocol.ts';
import type { Metrics } from '../metrics.ts';
import type { Clock } from '../supervision/clock.ts';

export interface QueuedCommand {
  id: number;
  deviceId: string;
  topic: string;
  payload: string;
  createdAt: number;
}

/** The transport publishes a command; onDelivered when the receiver acknowledged it. */
export interface CommandSender {
  sendCommand(cmd: QueuedCommand, onDelivered: () => void): void;
}

/** Pending commands older than this are not resent: stale feedback means nothing to a resident. */
export const COMMAND_TTL_MS = 10 * 60_000;

/** Delivery marks wait this long for company before their commit. */
const MARK_DELAY_MS = 200;

/** Where delivery marks are written: the engine's group committer. */
export interface MarkCommitter {
  submit<T>(work: (tx: TxScope) => T): Promise<T>;
}

export class Feedback {
  private sender: CommandSender | undefined;
  /** Command ids handed to the transport in this process (its session queue holds them). */
  private readonly handedOver = new Map<number, number>(); // id → created at
  private readonly s;
  /** Devices that may have pending commands (a superset: pruned when a lookup finds none). */
  private readonly mayHavePending = new Set<string>();
  /** Delivered command ids not yet written, and when each was delivered. */
  private marks: { id: number; at: number }[] = [];

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
    private readonly committer: MarkCommitter,
    private readonly onMarkError: (err: unknown) => void = () => {},
  ) {
    this.s = {
      insert: db.prepare('INSERT INTO cmd_queue (device_id, topic, payload, created_at) VALUES (?, ?, ?, ?)'),
      delivered: db.prepare('UPDATE cmd_queue SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL'),
      pending: db.prepare(
        'SELECT id, device_id AS deviceId, topic, payload, created_at AS createdAt FROM cmd_queue WHERE device_id = ? AND delivered_at IS NULL AND created_at >= ? ORDER BY id',
      ),
    };
    const devices = db
      .prepare('SELECT DISTINCT device_id AS d FROM cmd_queue WHERE delivered_at IS NULL AND created_at >= ?')
      .all(clock.now() - COMMAND_TTL_MS) as { d: string }[];
    for (const { d } of devices) this.mayHavePending.add(d);
  }

  setSender(sender: CommandSender | undefined): void {
    this.sender = sender;
  }

  /** Queue a command inside the caller's transaction; it is published after commit. `by`: who
   *  acknowledged (a staff username or responder:<id>), for alert.acknowledged. */
  queue(tx: TxScope, site: string, deviceId: string, type: CommandType, alertId?: string, by?: string): void {
    const now = this.clock.now();
    const topic = topics.cmd(site, deviceId);
    const body: { type: CommandType; alertId?: string; by?: string; ts: number } = { type, ts: now };
    if (alertId !== undefined) body.alertId = alertId;
    if (by !== undefined) body.by = by.slice(0, 64);
    const payload = JSON.stringify(body);
    const id = Number(this.s.insert.run(deviceId, topic, payload, now).lastInsertRowid);
    this.mayHavePending.add(deviceId); // kept if the transaction rolls back: a superset is fine
    tx.after(() => this.publish({ id, deviceId, topic, payload, createdAt: now }, type));
  }

  private publish(cmd: QueuedCommand, type: string): void {
    if (!this.sender) return; // stays pending; resent when the device subscribes
    this.prune();
    this.handedOver.set(cmd.id, cmd.createdAt);
    this.metrics.commandsSent.inc({ type });
    this.sender.sendCommand(cmd, () => {
      this.handedOver.delete(cmd.id);
      this.markDelivered(cmd.id);
    });
  }

  /** Write a delivery mark with a group commit at most MARK_DELAY_MS later (the marks of that
   *  time in one unit; during a storm of presses a commit, not an fsync per acknowledgement). */
  private markDelivered(id: number): void {
    this.marks.push({ id, at: this.clock.now() });
    if (this.marks.length > 1) return; // a write is already scheduled
    let taken: { id: number; at: number }[] | undefined;
    // idempotent: the committer may run a unit twice (its slow path after a failed batch)
    const write = () => {
      taken ??= this.takeMarks();
      for (const m of taken) this.s.delivered.run(m.at, m.id);
    };
    setTimeout(() => {
      this.committer.submit(write).catch((err: unknown) => {
        taken ??= this.takeMarks(); // not written (store failing or closed): sent again one day
        this.onMarkError(err);
      });
    }, MARK_DELAY_MS).unref();
  }

  private takeMarks(): { id: number; at: number }[] {
    const m = this.marks;
    this.marks = [];
    return m;
  }

  /** Forget hand-overs older than the command TTL (the device never took them). */
  private prune(): void {
    if (this.handedOver.size < 1000) return;
    const oldest = this.clock.now() - COMMAND_TTL_MS;
    for (const [id, at] of this.handedOver) if (at < oldest) this.handedOver.delete(id);
  }

  /** External broker: hand every pending command of a previous process to the broker's session queue. */
  resendAll(): number {
    const ids = this.db
      .prepare('SELECT DISTINCT device_id AS d FROM cmd_queue WHERE delivered_at IS NULL AND created_at >= ?')
      .all(this.clock.now() - COMMAND_TTL_MS) as { d: string }[];
    let n = 0;
    for (const { d } of ids) n += this.resendPending(d);
    return n;
  }

  /** A device (re)subscribed to its cmd topic: resend what a previous process left pending. */
  resendPending(deviceId: string): number {
    if (!this.mayHavePending.has(deviceId)) return 0;
    const rows = this.s.pending.all(deviceId, this.clock.now() - COMMAND_TTL_MS) as QueuedCommand[];
    if (rows.length === 0) this.mayHavePending.delete(deviceId);
    let n = 0;
    for (const r of rows) {
      if (this.handedOver.has(r.id)) continue;
      n++;
      this.publish(r, (JSON.parse(r.payload) as { type: string }).type);
    }
    return n;
  }
}
