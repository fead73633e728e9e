// Prepared statements cached by their text, over one database connection (the store and the
// repositories each keep one).
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open.ts';

export type Sql = (sql: string) => Statement<unknown[]>;

export class Statements {
  private readonly cache = new Map<string, Statement<unknown[]>>();

  constructor(readonly db: Db) {}

  /** A prepared statement, cached by its text. */
  readonly sql: Sql = (text) => {
    let statement = this.cache.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.cache.set(text, statement);
    }
    return statement;
  };

  /** Runs `work` in one BEGIN IMMEDIATE transaction (a savepoint when already inside one). */
  immediate<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }
}
