// The windows (窗口) tables: rows, the services each serves, who is signed in, the call streak,
// and the admin's edits.
import type { Db } from '../db/open.ts';
import { QueueError } from './errors.ts';
import { Statements } from './statements.ts';
import type { Window, WindowRow } from './types.ts';

export class WindowRepository {
  private readonly statements: Statements;

  constructor(db: Db) {
    this.statements = new Statements(db);
  }

  private get sql() {
    return this.statements.sql;
  }

  list(): Window[] {
    const rows = this.sql(
      'SELECT w.*, s.display_name AS staff_name FROM windows w LEFT JOIN staff s ON s.id = w.staff_id ORDER BY w.id',
    ).all() as (WindowRow & { staff_name: string | null })[];
    const links = this.sql('SELECT window_id, service_id FROM window_services').all() as {
      window_id: number;
      service_id: string;
    }[];
    return rows.map((found) => ({
      id: found.id,
      name: found.name,
      active: found.active === 1,
      staffId: found.staff_id,
      staffName: found.staff_name,
      serviceIds: links.filter((link) => link.window_id === found.id).map((link) => link.service_id),
    }));
  }

  find(id: number): WindowRow | undefined {
    return this.sql('SELECT * FROM windows WHERE id = ?').get(id) as WindowRow | undefined;
  }

  /** An active window's row, else NOT_FOUND / WINDOW_INACTIVE. */
  active(id: number): WindowRow {
    const found = this.find(id);
    if (!found) throw new QueueError('NOT_FOUND', `没有${id}号窗口`, `no window ${id}`);
    if (found.active !== 1)
      throw new QueueError('WINDOW_INACTIVE', `${id}号窗口未启用`, `window ${id} is not active`);
    return found;
  }

  activeRows(): WindowRow[] {
    return this.sql('SELECT * FROM windows WHERE active = 1 ORDER BY id').all() as WindowRow[];
  }

  /** The services a window serves. */
  services(id: number): string[] {
    return (
      this.sql('SELECT service_id FROM window_services WHERE window_id = ?').all(id) as {
        service_id: string;
      }[]
    ).map((link) => link.service_id);
  }

  /** Windows that can serve the service: all active ones and the staffed ones among them. */
  serving(serviceId: string): { all: number; staffed: number } {
    const found = this.sql(
      `SELECT COUNT(*) AS all_n, SUM(w.staff_id IS NOT NULL) AS staffed FROM windows w
       JOIN window_services ws ON ws.window_id = w.id WHERE ws.service_id = ? AND w.active = 1`,
    ).get(serviceId) as { all_n: number; staffed: number | null };
    return { all: found.all_n, staffed: found.staffed ?? 0 };
  }

  /** Signs the staff member in at one window (and out of any other). */
  signIn(id: number, staffId: number): void {
    this.sql('UPDATE windows SET staff_id = NULL WHERE staff_id = ?').run(staffId);
    this.sql('UPDATE windows SET staff_id = ? WHERE id = ?').run(staffId, id);
  }

  signOut(id: number): void {
    this.sql('UPDATE windows SET staff_id = NULL WHERE id = ?').run(id);
  }

  setStreak(id: number, streak: number): void {
    this.sql('UPDATE windows SET normal_streak = ? WHERE id = ?').run(streak, id);
  }

  resetStreaks(): void {
    this.sql('UPDATE windows SET normal_streak = 0').run();
  }

  create(id: number, name: string): void {
    this.sql('INSERT INTO windows (id, name) VALUES (?, ?)').run(id, name);
  }

  rename(id: number, name: string): void {
    this.sql('UPDATE windows SET name = ? WHERE id = ?').run(name, id);
  }

  setActive(id: number, active: boolean): void {
    this.sql('UPDATE windows SET active = ? WHERE id = ?').run(active ? 1 : 0, id);
    if (!active) this.signOut(id);
  }

  setServices(id: number, serviceIds: Iterable<string>): void {
    this.sql('DELETE FROM window_services WHERE window_id = ?').run(id);
    const insert = this.sql('INSERT INTO window_services (window_id, service_id) VALUES (?, ?)');
    for (const serviceId of serviceIds) insert.run(id, serviceId);
  }
}
