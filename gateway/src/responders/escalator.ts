// Escalation to responders (issue #15), durable in SQLite: an SOS or fall of a resident with
// responders, still not acknowledged `afterS` after it was raised (at once for a resident whose
// plan says so), notifies the first available responder; each further `acceptS` without an
// acknowledgement notifies the next. It stops as soon as anyone (an operator, or a responder's
// "I'm going") acknowledges, or the alert ends. Each step is one row (UNIQUE alert+step and
// alert+responder): after a restart the due steps and unsent messages are taken up again and
// nobody is notified twice for a step. Messages go out through the notifier with retries; a
// message that keeps failing raises `gateway.notifier` and moves on to the next responder.
import { randomBytes } from 'node:crypto';
import type { AlertEngine } from '../alerts/engine.ts';
import type { GatewayBus } from '../bus.ts';
import type { GatewayConfig } from '../config.ts';
import type { Db } from '../db/open.ts';
import type { Logger } from '../ingest/refusals.ts';
import type { Clock } from '../supervision/clock.ts';
import type { AlertRecord, DeviceDirectory } from '../types.ts';
import { isAvailable } from './availability.ts';
import { recordHours } from './hours.ts';
import { signLink } from './link.ts';
import { messageText } from './message.ts';
import { backoffMs, type Notifier, type OutgoingMessage } from './notifier.ts';
import { ResponderStore } from './store.ts';

export const ESCALATED_TYPES = ['sos', 'fall'];

export interface EscalatorDeps {
  db: Db;
  alerts: AlertEngine;
  bus: GatewayBus;
  directory: DeviceDirectory;
  config: GatewayConfig['responders'];
  site: string;
  linkKey: Buffer;
  clock: Clock;
  log: Logger;
  notifier: Notifier | undefined;
}

interface EscalationRow {
  alert_id: string;
  resident_id: string;
  step: number;
}
interface PendingRow {
  id: string;
  alert_id: string;
  responder_id: string;
  attempts: number;
  link_expires_at: number;
  step: number;
}

export class ResponderEscalator {
  private readonly store: ResponderStore;
  private timer: NodeJS.Timeout | undefined;
  private woken = false;
  private readonly inFlight = new Set<string>();
  private baseUrl: string;
  private notifierFailing = false;
  private readonly s;
  private offBus: (() => void) | undefined;
  /** Messages handed to the notifier (for tests and the benchmark). */
  sent = 0;

  constructor(private readonly d: EscalatorDeps) {
    this.store = new ResponderStore(d.db, () => d.clock.now());
    this.baseUrl = d.config.publicUrl.replace(/\/+$/, '');
    const types = ESCALATED_TYPES.map((t) => `'${t}'`).join(', ');
    const db = d.db;
    this.s = {
      adopt: db.prepare(`SELECT a.id, a.resident_id, a.raised_at FROM alerts a
         WHERE a.state = 'raised' AND a.type IN (${types}) AND a.resident_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM responder_escalations e WHERE e.alert_id = a.id)
           AND EXISTS (SELECT 1 FROM responders r WHERE r.resident_id = a.resident_id AND r.active = 1)`),
      insertEscalation: db.prepare(
        'INSERT OR IGNORE INTO responder_escalations (alert_id, resident_id, step, next_at, created_at) VALUES (?, ?, 0, ?, ?)',
      ),
      due: db.prepare(
        'SELECT alert_id, resident_id, step FROM responder_escalations WHERE next_at IS NOT NULL AND next_at <= ? ORDER BY next_at',
      ),
      escalation: db.prepare(
        'SELECT alert_id, resident_id, step, next_at FROM responder_escalations WHERE alert_id = ?',
      ),
      done: db.prepare('UPDATE responder_escalations SET next_at = NULL, done_reason = ? WHERE alert_id = ?'),
      stepped: db.prepare(
        'UPDATE responder_escalations SET step = ?, next_at = ? WHERE alert_id = ? AND step = ?',
      ),
      dueNow: db.prepare(
        'UPDATE responder_escalations SET next_at = ? WHERE alert_id = ? AND next_at IS NOT NULL',
      ),
      notified: db.prepare('SELECT responder_id FROM responder_notifications WHERE alert_id = ?'),
      insertNotification: db.prepare(`INSERT INTO responder_notifications
        (id, alert_id, responder_id, step, created_at, link_expires_at, status, attempts, next_attempt_at)
        VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?)`),
      pending:
        db.prepare(`SELECT id, alert_id, responder_id, attempts, link_expires_at, step FROM responder_notifications
        WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT 100`),
      markSent: db.prepare(
        "UPDATE responder_notifications SET status = 'sent', sent_at = ?, attempts = attempts + 1, next_attempt_at = NULL, last_error = NULL WHERE id = ?",
      ),
      retry: db.prepare(
        'UPDATE responder_notifications SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?',
      ),
      failed: db.prepare(
        "UPDATE responder_notifications SET status = 'failed', attempts = ?, next_attempt_at = NULL, last_error = ? WHERE id = ?",
      ),
      // a message of an alert no longer raised is not worth sending any more
      drop: db.prepare(
        "UPDATE responder_notifications SET status = 'failed', next_attempt_at = NULL, last_error = ? WHERE id = ?",
      ),
    };
  }

  get enabled(): boolean {
    return this.d.notifier !== undefined;
  }

  /** The base of links when no responders.publicUrl is configured (the API's own address). */
  setFallbackBaseUrl(url: string): void {
    if (this.baseUrl === '') this.baseUrl = url.replace(/\/+$/, '');
  }

  start(): void {
    if (!this.enabled) {
      this.d.log.warn(
        'responders: no notifier URL (LINLI_GW_RESPONDERS_NOTIFIER_URL); escalation to responders is off',
      );
      return;
    }
    this.offBus = this.d.bus.on('alert.changed', (a) => this.onAlert(a));
    this.timer = setInterval(() => this.tick(), this.d.config.checkIntervalS * 1000);
    this.timer.unref();
    this.wake();
  }

  stop(): void {
    this.offBus?.();
    this.offBus = undefined;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private onAlert(a: AlertRecord): void {
    if (a.state === 'resolved' || a.state === 'cancelled') {
      try {
        if (a.resolvedAt !== undefined) recordHours(this.d.db, a.id, a.resolvedAt);
      } catch (err) {
        this.d.log.error(
          {
            alertId: a.id,
            err,
          },
          'responders: volunteer hours not recorded',
        );
      }
    }
    if (ESCALATED_TYPES.includes(a.type)) this.wake();
  }

  /** Look at escalations on the next turn of the event loop (coalesced). */
  wake(): void {
    if (this.woken) return;
    this.woken = true;
    setImmediate(() => {
      this.woken = false;
      this.tick();
    });
  }

  /** Adopt new alerts, take due steps, send due messages. Never throws. */
  tick(): void {
    if (!this.enabled) return;
    try {
      this.adopt();
      for (const e of this.s.due.all(this.d.clock.now()) as EscalationRow[]) this.step(e);
      this.sendDue();
    } catch (err) {
      this.d.log.error({ err }, 'responders: escalation check failed');
    }
  }

  private adopt(): void {
    const now = this.d.clock.now();
    for (const a of this.s.adopt.all() as { id: string; resident_id: string; raised_at: number }[]) {
      const plan = this.store.plan(a.resident_id);
      const at = plan.immediate ? a.raised_at : a.raised_at + this.d.config.afterS * 1000;
      this.s.insertEscalation.run(a.id, a.resident_id, at, now);
    }
  }

  /** One due step of one escalation, in one transaction: stop, or notify the next responder. */
  private step(e: EscalationRow): void {
    const now = this.d.clock.now();
    const notified = this.d.db.transaction((): { name: string; kind: string } | 'exhausted' | undefined => {
      const a = this.d.alerts.repo.get(e.alert_id);
      if (a?.state !== 'raised') {
        this.s.done.run(a ? a.state : 'gone', e.alert_id);
        return undefined;
      }
      const already = new Set(
        (this.s.notified.all(e.alert_id) as { responder_id: string }[]).map((r) => r.responder_id),
      );
      const next = this.store
        .list(e.resident_id)
        .find((r) => r.active && !already.has(r.id) && isAvailable(r.hours, now, this.d.config.tzMinutes));
      if (!next) {
        this.s.done.run('exhausted', e.alert_id);
        return 'exhausted';
      }
      const step = e.step + 1;
      const changed = this.s.stepped.run(
        step,
        now + this.d.config.acceptS * 1000,
        e.alert_id,
        e.step,
      ).changes;
      if (changed === 0) return undefined; // taken by another tick
      const id = `msg-${randomBytes(8).toString('hex')}`;
      this.s.insertNotification.run(
        id,
        e.alert_id,
        next.id,
        step,
        now,
        now + this.d.config.linkTtlS * 1000,
        now,
      );
      return { name: next.name, kind: next.kind };
    })();
    if (notified === 'exhausted')
      this.note(e.alert_id, 'no further responder to notify (none left, or none available now)');
    else if (notified) this.note(e.alert_id, `responder notified: ${notified.name} (${notified.kind})`);
  }

  private note(alertId: string, text: string): void {
    try {
      this.d.alerts.addNote(alertId, 'system', text);
    } catch (err) {
      this.d.log.warn({ alertId, err }, 'responders: timeline note failed');
    }
  }

  private sendDue(): void {
    const now = this.d.clock.now();
    for (const n of this.s.pending.all(now) as PendingRow[]) {
      if (this.inFlight.has(n.id)) continue;
      const msg = this.message(n);
      if (!msg) {
        this.s.drop.run('the alert is no longer raised', n.id);
        continue;
      }
      this.inFlight.add(n.id);
      this.sent++;
      this.d.notifier!.send(msg).then(
        () => this.delivered(n),
        (err: Error) => this.failedAttempt(n, err),
      );
    }
  }

  private message(n: PendingRow): OutgoingMessage | undefined {
    const a = this.d.alerts.repo.get(n.alert_id);
    const r = this.store.get(n.responder_id);
    if (a?.state !== 'raised' || !r) return undefined;
    const resident = a.residentId ? this.d.directory.resident(a.residentId) : undefined;
    const device = a.deviceId ? this.d.directory.get(a.deviceId) : undefined;
    const token = signLink(this.d.linkKey, { alertId: a.id, responderId: r.id, exp: n.link_expires_at });
    const link = `${this.baseUrl}/responder/#${token}`;
    return {
      id: n.id,
      to: r.phone,
      alertId: a.id,
      responderId: r.id,
      link,
      text: messageText(resident?.name ?? '', device?.location ?? {}, a.type, link),
    };
  }

  private delivered(n: PendingRow): void {
    this.inFlight.delete(n.id);
    try {
      this.s.markSent.run(this.d.clock.now(), n.id);
      if (this.notifierFailing) {
        this.notifierFailing = false;
        this.d.alerts.restoreTechnical('gateway.notifier', 'the SMS gateway takes messages again');
      }
    } catch (err) {
      this.d.log.error({ id: n.id, err }, 'responders: delivery not recorded');
    }
  }

  private failedAttempt(n: PendingRow, err: Error): void {
    this.inFlight.delete(n.id);
    const attempts = n.attempts + 1;
    const reason = err.name === 'TimeoutError' ? 'timeout' : err.message.slice(0, 200);
    try {
      if (attempts > this.d.config.notifierRetries) {
        this.s.failed.run(attempts, reason, n.id);
        this.d.log.error({ id: n.id, attempts, reason }, 'responders: message failed after retries');
        this.notifierFailing = true;
        this.d.alerts.raiseTechnical('gateway.notifier', this.d.site, `SMS gateway failing: ${reason}`);
        this.s.dueNow.run(this.d.clock.now(), n.alert_id); // on to the next responder
        this.wake();
      } else {
        this.s.retry.run(attempts, this.d.clock.now() + backoffMs(attempts), reason, n.id);
        this.d.log.warn(
          {
            id: n.id,
            attempts,
            reason,
          },
          'responders: message not delivered, will retry',
        );
      }
    } catch (e) {
      this.d.log.error({ id: n.id, err: e }, 'responders: failure not recorded');
    }
  }
}
