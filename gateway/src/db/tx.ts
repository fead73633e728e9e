// A transaction with work to do once it has committed (bus events, MQTT publishes) and
// in-memory changes to undo if it rolls back (device state kept beside the database).
import type { Db } from './open.ts';

export class TxScope {
  private readonly effects: (() => void)[] = [];
  private readonly undo: (() => void)[] = [];

  /** Run fn after the enclosing transaction commits (never if it rolls back). */
  after(fn: () => void): void {
    this.effects.push(fn);
  }

  /** Run fn if the enclosing transaction (or this savepoint) rolls back. */
  onRollback(fn: () => void): void {
    this.undo.push(fn);
  }

  /** Set obj[key] = value, restoring the previous value if the transaction rolls back. */
  set<T extends object, K extends keyof T>(obj: T, key: K, value: T[K]): void {
    const had = Object.hasOwn(obj, key);
    const prev = obj[key];
    if (had && prev === value) return;
    obj[key] = value;
    this.undo.push(() => {
      if (had) obj[key] = prev;
      else delete obj[key];
    });
  }

  /** Move this scope's effects and undo steps into another (a savepoint that was released). */
  mergeInto(other: TxScope): void {
    for (const e of this.effects) other.after(e);
    for (const u of this.undo) other.onRollback(u);
    this.effects.length = 0;
    this.undo.length = 0;
  }

  /** The transaction rolled back: undo the in-memory changes (newest first), drop the effects. */
  rollback(): void {
    for (const u of this.undo.splice(0).reverse()) u();
    this.effects.length = 0;
  }

  runEffects(onError: (err: unknown) => void = () => {}): void {
    this.undo.length = 0;
    for (const e of this.effects.splice(0)) {
      try {
        e();
      } catch (err) {
        onError(err);
      }
    }
  }
}

/** Run fn in one IMMEDIATE transaction, then its after-commit effects (or its undo steps). */
export function runTx<T>(db: Db, fn: (tx: TxScope) => T): T {
  const tx = new TxScope();
  let result: T;
  try {
    result = db.transaction(() => fn(tx)).immediate();
  } catch (err) {
    tx.rollback();
    throw err;
  }
  tx.runEffects((err) => process.emitWarning(`after-commit effect failed: ${(err as Error).message}`));
  return result;
}
