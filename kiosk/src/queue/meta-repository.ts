// The meta table: small named values shared by the processes using the database (the queue day).
import type { Db } from '../db/open.ts';
import { Statements } from './statements.ts';

export class MetaRepository {
  private readonly statements: Statements;

  constructor(db: Db) {
    this.statements = new Statements(db);
  }

  get(key: string): string | undefined {
    const found = this.statements.sql('SELECT value FROM meta WHERE key = ?').get(key) as
      | { value: string }
      | undefined;
    return found?.value;
  }

  set(key: string, value: string): void {
    this.statements
      .sql(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      )
      .run(key, value);
  }
}
