export { MIGRATIONS_DIR, migrate, readMigrations, schemaVersion } from './migrate.ts';
export { type Db, openDb } from './open.ts';
