// A center operator's action request (docs/center-link.md), applied once per actionId through
// the alert engine exactly as a station operator's (the pressing device hears
// alert.acknowledged), in one transaction with its dedupe row and its action-result outbox row.
// A repeated request whose result has already left is answered again with the recorded result.
import type { AlertEngine } from '../alerts/engine.ts';
import type { Db } from '../db/open.ts';
import { runTx, type TxScope } from '../db/tx.ts';
import type { Metrics } from '../metrics.ts';
import type { Clock } from '../supervision/clock.ts';
import type { ActionRequest, ActionResultMessage } from './messages.ts';

export interface ActionOutcome {
  applied: boolean;
  rev?: number;
  reason?: string;
  duplicate: boolean;
}

interface Recorded {
  applied: number;
  rev: number | null;
  reason: string | null;
}

const CLOSED = new Set(['resolved', 'cancelled']);

/** Why an action cannot apply to an alert in this state (undefined: it can). */
function refusal(action: ActionRequest['action'], state: string | undefined): string | undefined {
  if (state === undefined) return 'ALERT_NOT_FOUND';
  if (action === 'note') return undefined;
  if (CLOSED.has(state)) return 'ALREADY_RESOLVED';
  if (action === 'acknowledge' && state === 'acknowledged') return 'ALREADY_ACKNOWLEDGED';
  return undefined;
}

export class CenterActions {
  private readonly s;

  constructor(
    private readonly db: Db,
    private readonly alerts: AlertEngine,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
    private readonly site: string,
    /** Queue the action-result message in the outbox (inside the transaction). */
    private readonly enqueue: (tx: TxScope, m: ActionResultMessage) => void,
    private readonly pending: (actionId: string) => boolean,
  ) {
    this.s = {
      get: db.prepare('SELECT applied, rev, reason FROM center_actions WHERE action_id = ?'),
      insert: db.prepare(
        'INSERT INTO center_actions (action_id, alert_id, action, by, applied, rev, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
    };
  }

  apply(req: ActionRequest): ActionOutcome {
    const by = req.by.startsWith('center:') ? req.by : `center:${req.by}`;
    const out = runTx(this.db, (tx) => {
      const seen = this.s.get.get(req.actionId) as Recorded | undefined;
      if (seen) {
        const o: ActionOutcome = { applied: seen.applied === 1, duplicate: true };
        if (seen.rev !== null) o.rev = seen.rev;
        if (seen.reason !== null) o.reason = seen.reason;
        if (!this.pending(req.actionId)) this.enqueue(tx, this.result(req, o));
        return o;
      }
      const reason = refusal(req.action, this.alerts.repo.get(req.alertId)?.state);
      const o: ActionOutcome = { applied: reason === undefined, duplicate: false };
      if (reason !== undefined) o.reason = reason;
      else if (req.action === 'acknowledge') o.rev = this.alerts.acknowledgeTx(tx, req.alertId, by).rev;
      else if (req.action === 'resolve')
        o.rev = this.alerts.resolveTx(tx, req.alertId, by, req.outcome ?? 'resolved-by-center', req.note).rev;
      else o.rev = this.alerts.addNoteTx(tx, req.alertId, by, req.note ?? '').rev;
      this.s.insert.run(
        req.actionId,
        req.alertId,
        req.action,
        by,
        o.applied ? 1 : 0,
        o.rev ?? null,
        o.reason ?? null,
        this.clock.now(),
      );
      this.enqueue(tx, this.result(req, o));
      return o;
    });
    this.metrics.centerActions.inc({
      result: out.duplicate ? 'duplicate' : out.applied ? 'applied' : 'refused',
    });
    return out;
  }

  private result(req: ActionRequest, o: ActionOutcome): ActionResultMessage {
    const m: ActionResultMessage = {
      v: 1,
      kind: 'action-result',
      site: this.site,
      actionId: req.actionId,
      alertId: req.alertId,
      applied: o.applied,
    };
    if (o.rev !== undefined) m.rev = o.rev;
    if (o.reason !== undefined) m.reason = o.reason;
    return m;
  }
}
