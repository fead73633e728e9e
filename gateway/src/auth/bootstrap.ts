// The first admin account: created when there is no staff account at all, with the password
// from LINLI_GW_ADMIN_PASSWORD or a generated one that the caller prints once. Instances of a
// center starting together on one PostgreSQL database create it once (StaffAccounts.createFirst
// is atomic): only the instance that created it prints the message.

import { LinliError } from '@linli/shared';
import { generateSecret } from '@linli/shared/service';
import type { Database } from 'better-sqlite3';
import { MAX_PASSWORD, MIN_PASSWORD, type StaffAccounts, StaffStore } from './staff.ts';

export type BootstrapResult =
  | { created: false }
  | { created: true; username: string; password: string; generated: boolean };

export async function ensureBootstrapAdmin(
  db: Database,
  opts: { password?: string; username?: string; staff?: StaffAccounts } = {},
): Promise<BootstrapResult> {
  const staff = opts.staff ?? new StaffStore(db);
  if ((await staff.count()) > 0) return { created: false };
  if (
    opts.password !== undefined &&
    (opts.password.length < MIN_PASSWORD || opts.password.length > MAX_PASSWORD)
  ) {
    throw new LinliError(
      'CONFIG',
      `config LINLI_GW_ADMIN_PASSWORD: must be ${MIN_PASSWORD} to ${MAX_PASSWORD} characters, got ${opts.password.length}`,
    );
  }
  const username = opts.username ?? 'admin';
  const generated = !opts.password;
  const password = opts.password || generateSecret(15);
  const made = await staff.createFirst(
    { username, password, role: 'admin', displayName: 'Administrator' },
    { actor: 'system' },
  );
  if (!made) return { created: false };
  return { created: true, username, password, generated };
}

/** The message to print once when the admin was created with a generated password. */
export function bootstrapMessage(r: BootstrapResult): string | undefined {
  if (!r.created) return undefined;
  return r.generated
    ? `linli gateway: created staff account "${r.username}" (admin) with password: ${r.password}\n` +
        '  This is shown once. Log in and change it, or set LINLI_GW_ADMIN_PASSWORD before the first start.'
    : `linli gateway: created staff account "${r.username}" (admin) with the password from LINLI_GW_ADMIN_PASSWORD`;
}
