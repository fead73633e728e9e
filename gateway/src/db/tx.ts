// A transaction with work to do once it has committed (bus events, MQTT publishes).
import type { Db } from './open.ts';

export class TxScope {
  private readonly effects: (() => void)[] = [];
  /** Run fn after the enclosing transaction commits (never if it rolls back). */
  after(fn: () => void): void {
    this.effects.push(fn);
  }
  /** Move this scope's effects into another (a savepoint that was released). */
  mergeInto(other: TxScope): void {
    for (const e of this.effects) other.after(e);
    this.effects.length = 0;
  }
  runEffects(onError: (err: unknown) => void = () => {}): void {
    for (const e of this.effects.splice(0)) {
      try {
        e();
      } catch (err) {
        onError(err);
      }
    }
  }
}

/** Run fn in one IMMEDIATE transaction, then its after-commit effects. */
export function runTx<T>(db: Db, fn: (tx: TxScope) => T): T {
  const tx = new TxScope();
  const result = db.transaction(() => fn(tx)).immediate();
  tx.runEffects((err) => process.emitWarning(`after-commit effect failed: ${(err as Error).message}`));
  return result;
}
