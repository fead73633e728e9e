// Operator actions at the center ask whether an alert is the center's (owns(): SELECT … FROM
// center_revisions WHERE alert_id = ?). That must be an index search, not a scan of every
// revision ever received (migration 009; PostgreSQL has center_revisions_alert since 001).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openDb } from '@linli/gateway';
import { afterEach, describe, expect, it } from 'vitest';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('center_revisions by alert id', () => {
  it('is an index search', () => {
    dir = mkdtempSync(join(tmpdir(), 'linli-rev-index-'));
    const db = openDb(join(dir, 'gateway.db'));
    migrate(db);
    const plan = db
      .prepare('EXPLAIN QUERY PLAN SELECT 1 FROM center_revisions WHERE alert_id = ? LIMIT 1')
      .all('al-1') as { detail: string }[];
    db.close();
    const details = plan.map((row) => row.detail).join('; ');
    expect(details).toMatch(/USING (COVERING )?INDEX center_revisions_alert/);
    expect(details).not.toMatch(/^SCAN/);
  });
});
