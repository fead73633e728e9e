// The services (业务) table: the list from a 2-second cache (edits in this process invalidate it
// at once), and the admin's inserts and updates.
import type { Db } from '../db/open.ts';
import { QueueError } from './errors.ts';
import { parseHours } from './hours.ts';
import { Statements } from './statements.ts';
import type { Service, ServiceRow } from './types.ts';

export function toService(r: ServiceRow): Service {
  return {
    id: r.id,
    nameZh: r.name_zh,
    nameEn: r.name_en,
    prefix: r.prefix,
    rangeStart: r.range_start,
    rangeEnd: r.range_end,
    dailyCap: r.daily_cap,
    hours: parseHours(JSON.parse(r.hours)),
    idRequired: r.id_required === 1,
    expectedServiceS: r.expected_service_s,
    active: r.active === 1,
    sort: r.sort,
  };
}

export class ServiceCatalogue {
  private readonly statements: Statements;
  private cache: { at: number; list: Service[] } | undefined;

  constructor(db: Db) {
    this.statements = new Statements(db);
  }

  private all(): Service[] {
    const now = performance.now();
    if (!this.cache || now - this.cache.at > 2000) {
      const rows = this.statements.sql('SELECT * FROM services ORDER BY sort, id').all() as ServiceRow[];
      this.cache = { at: now, list: rows.map(toService) };
    }
    return this.cache.list;
  }

  invalidate(): void {
    this.cache = undefined;
  }

  list(includeInactive = false): Service[] {
    return this.all().filter((service) => includeInactive || service.active);
  }

  get(id: string): Service {
    let found = this.all().find((service) => service.id === id);
    if (!found) {
      this.invalidate(); // perhaps added by another process
      found = this.all().find((service) => service.id === id);
    }
    if (!found) throw new QueueError('NOT_FOUND', `没有这项业务：${id}`, `no such service: ${id}`);
    return found;
  }

  /** Read without the cache (inside an admin transaction). */
  exists(id: string): boolean {
    return this.statements.sql('SELECT 1 FROM services WHERE id = ?').get(id) !== undefined;
  }

  /** The service other than `id` that uses `prefix`, if any. */
  prefixOwner(prefix: string, id: string): string | undefined {
    const found = this.statements
      .sql('SELECT id FROM services WHERE prefix = ? AND id != ?')
      .get(prefix, id) as { id: string } | undefined;
    return found?.id;
  }

  /** The configured service time of a service (seconds), if it exists. */
  expectedServiceS(id: string): number | undefined {
    const found = this.statements.sql('SELECT expected_service_s FROM services WHERE id = ?').get(id) as
      | { expected_service_s: number }
      | undefined;
    return found?.expected_service_s;
  }

  save(service: Service, create: boolean): void {
    const values = [
      service.nameZh,
      service.nameEn,
      service.prefix,
      service.rangeStart,
      service.rangeEnd,
      service.dailyCap,
      JSON.stringify(parseHours(service.hours)),
      service.idRequired ? 1 : 0,
      service.expectedServiceS,
      service.active ? 1 : 0,
      service.sort,
    ];
    if (create)
      this.statements
        .sql(
          `INSERT INTO services (name_zh, name_en, prefix, range_start, range_end, daily_cap, hours, id_required,
           expected_service_s, active, sort, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(...values, service.id);
    else
      this.statements
        .sql(
          `UPDATE services SET name_zh = ?, name_en = ?, prefix = ?, range_start = ?, range_end = ?, daily_cap = ?,
           hours = ?, id_required = ?, expected_service_s = ?, active = ?, sort = ? WHERE id = ?`,
        )
        .run(...values, service.id);
    this.invalidate();
  }
}
