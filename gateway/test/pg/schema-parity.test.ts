// The center's tables have two schemas: the SQLite file's (db/migrations/*.sql, a station and a
// center without PostgreSQL) and the shared PostgreSQL database's (db/pg-migrations/*.sql). The
// same store code (center/rows.ts, auth/, alerts/repo.ts) reads both, so they must agree: a fresh
// SQLite file and a fresh PostgreSQL database are migrated and every PostgreSQL table is compared
// with its SQLite twin: the same columns, types that map (INTEGER ↔ integer/bigint, TEXT ↔ text,
// BLOB ↔ bytea, REAL ↔ double precision), the same NOT NULL, default and primary key. Every time column
// (epoch milliseconds) is BIGINT in PostgreSQL: a 32-bit INTEGER would overflow. The deliberate
// differences are listed below, each with its reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratePg, openPg, type PgPool } from '../../src/db/pg.ts';
import { type RunningPostgres, startPostgres } from '../helpers/postgres.ts';
import { openTestDb, type TestDb } from '../registry/db-helper.ts';

interface Column {
  type: string;
  /** the default as written, undefined when none (a PostgreSQL serial's nextval() counts as none) */
  default: string | undefined;
  notNull: boolean;
  primaryKey: boolean;
}
type Schema = Map<string, Map<string, Column>>;

/** Tables only in PostgreSQL, and why. */
const PG_ONLY_TABLES: Record<string, string> = {
  login_failures:
    "failed staff logins counted across a center's instances (center/pg/login-counts.ts); on one instance the login limiter counts in memory",
};

/** Columns only in PostgreSQL ("table.column"), and why. */
const PG_ONLY_COLUMNS: Record<string, string> = {
  'alerts.origin':
    'the center instance whose own SQLite engine raised a technical alert mirrored into the shared table (center/pg/store.ts mirror): only that instance changes it',
  'audit_log.origin': 'the instance a line was copied from (center/pg/audit.ts)',
  'audit_log.local_id': "the line's id in that instance's SQLite audit_log: a repeated copy inserts nothing",
};

/** Columns of a table PostgreSQL has that are only in SQLite ("table.column"), and why. */
const SQLITE_ONLY_COLUMNS: Record<string, string> = {};

/** Columns whose SQLite and PostgreSQL types differ on purpose, and why. */
const TYPE_EXCEPTIONS: Record<string, string> = {};

/** What a SQLite declared type may be in PostgreSQL. */
const TYPE_MAP: Record<string, string[]> = {
  INTEGER: ['integer', 'bigint'],
  TEXT: ['text'],
  BLOB: ['bytea'],
  REAL: ['double precision'],
};

/** Epoch-millisecond columns: `at`, `*_at`, `last_seen`, `ts`. */
const isTime = (column: string) => /^(at|ts|last_seen)$|_at$/.test(column);

let pg: RunningPostgres;
let pool: PgPool;
let sqlite: TestDb;
let pgSchema: Schema;
let sqliteSchema: Schema;

async function readPg(): Promise<Schema> {
  const { rows } = await pool.query<{
    table_name: string;
    column_name: string;
    data_type: string;
    is_nullable: string;
    column_default: string | null;
  }>(
    `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name <> 'schema_migrations' ORDER BY table_name, ordinal_position`,
  );
  const keys = await pool.query<{ table_name: string; column_name: string }>(
    `SELECT k.table_name, k.column_name FROM information_schema.table_constraints c
      JOIN information_schema.key_column_usage k ON k.constraint_name = c.constraint_name AND k.table_schema = c.table_schema
      WHERE c.constraint_type = 'PRIMARY KEY' AND c.table_schema = 'public'`,
  );
  const primary = new Set(keys.rows.map((k) => `${k.table_name}.${k.column_name}`));
  const schema: Schema = new Map();
  for (const r of rows) {
    if (!schema.has(r.table_name)) schema.set(r.table_name, new Map());
    schema.get(r.table_name)!.set(r.column_name, {
      type: r.data_type,
      default:
        r.column_default === null || r.column_default.startsWith('nextval(') ? undefined : r.column_default,
      notNull: r.is_nullable === 'NO',
      primaryKey: primary.has(`${r.table_name}.${r.column_name}`),
    });
  }
  return schema;
}

function readSqlite(tables: string[]): Schema {
  const schema: Schema = new Map();
  for (const table of tables) {
    const info = sqlite.db.prepare(`PRAGMA table_info(${JSON.stringify(table)})`).all() as {
      name: string;
      type: string;
      notnull: number;
      pk: number;
      dflt_value: string | null;
    }[];
    if (info.length === 0) continue;
    schema.set(
      table,
      new Map(
        info.map((c) => [
          c.name,
          // SQLite lets a PRIMARY KEY column be NULL unless it says NOT NULL, except an INTEGER
          // PRIMARY KEY (the rowid); the stores never write NULL keys, so a key counts as NOT NULL
          {
            type: c.type.toUpperCase(),
            default: c.dflt_value ?? undefined,
            notNull: c.notnull === 1 || c.pk > 0,
            primaryKey: c.pk > 0,
          },
        ]),
      ),
    );
  }
  return schema;
}

beforeAll(async () => {
  pg = await startPostgres();
  pool = await openPg(await pg.newDatabase(), { max: 2 });
  await migratePg(pool);
  sqlite = openTestDb();
  pgSchema = await readPg();
  sqliteSchema = readSqlite([...pgSchema.keys()]);
});

afterAll(async () => {
  await pool?.end();
  sqlite?.close();
  await pg?.stop();
});

describe("the center's PostgreSQL schema agrees with the SQLite one", () => {
  it('has the tables the center keeps in PostgreSQL', () => {
    // what the center shares today (center/pg/*): a new shared table joins this list
    expect([...pgSchema.keys()].sort()).toEqual(
      expect.arrayContaining([
        'alert_history',
        'alerts',
        'audit_log',
        'center_action_requests',
        'center_alert_context',
        'center_devices',
        'center_revisions',
        'center_station_links',
        'center_stations',
        'staff',
        'staff_sessions',
      ]),
    );
  });

  it('every PostgreSQL table has a SQLite twin, or a reason not to', () => {
    const missing = [...pgSchema.keys()].filter((t) => !sqliteSchema.has(t) && !(t in PG_ONLY_TABLES));
    expect(missing).toEqual([]);
  });

  it('the same columns on both sides, apart from the listed ones', () => {
    const differences: string[] = [];
    for (const [table, pgColumns] of pgSchema) {
      const sqliteColumns = sqliteSchema.get(table);
      if (!sqliteColumns) continue;
      for (const column of pgColumns.keys())
        if (!sqliteColumns.has(column) && !(`${table}.${column}` in PG_ONLY_COLUMNS))
          differences.push(`${table}.${column}: only in PostgreSQL`);
      for (const column of sqliteColumns.keys())
        if (!pgColumns.has(column) && !(`${table}.${column}` in SQLITE_ONLY_COLUMNS))
          differences.push(`${table}.${column}: only in SQLite`);
    }
    expect(differences).toEqual([]);
  });

  it('the listed differences are still there (a list cannot go stale)', () => {
    for (const name of Object.keys(PG_ONLY_COLUMNS)) {
      const [table, column] = name.split('.') as [string, string];
      expect(pgSchema.get(table)?.has(column), name).toBe(true);
      expect(sqliteSchema.get(table)?.has(column), name).toBe(false);
    }
    for (const name of Object.keys(SQLITE_ONLY_COLUMNS)) {
      const [table, column] = name.split('.') as [string, string];
      expect(sqliteSchema.get(table)?.has(column), name).toBe(true);
      expect(pgSchema.get(table)?.has(column), name).toBe(false);
    }
    for (const table of Object.keys(PG_ONLY_TABLES)) {
      expect(pgSchema.has(table), table).toBe(true);
      expect(sqliteSchema.has(table), table).toBe(false);
    }
  });

  it('types that map, the same NOT NULL, default and primary key; times are BIGINT', () => {
    const differences: string[] = [];
    for (const [table, pgColumns] of pgSchema) {
      const sqliteColumns = sqliteSchema.get(table);
      for (const [column, p] of pgColumns) {
        const name = `${table}.${column}`;
        if (isTime(column) && p.type !== 'bigint')
          differences.push(`${name}: a time as ${p.type}, not bigint`);
        const s = sqliteColumns?.get(column);
        if (!s) continue;
        if (!(TYPE_MAP[s.type] ?? []).includes(p.type) && !(name in TYPE_EXCEPTIONS))
          differences.push(`${name}: SQLite ${s.type}, PostgreSQL ${p.type}`);
        if (s.notNull !== p.notNull)
          differences.push(`${name}: NOT NULL in ${s.notNull ? 'SQLite' : 'PostgreSQL'} only`);
        if (s.default !== p.default)
          differences.push(
            `${name}: default ${s.default ?? 'none'} in SQLite, ${p.default ?? 'none'} in PostgreSQL`,
          );
        if (s.primaryKey !== p.primaryKey)
          differences.push(`${name}: primary key in ${s.primaryKey ? 'SQLite' : 'PostgreSQL'} only`);
      }
    }
    expect(differences).toEqual([]);
  });
});
