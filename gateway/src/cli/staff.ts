// staff add
import { generateSecret } from '@linli/shared/service';
import { isRole, ROLES } from '../auth/roles.ts';
import { type StaffAccounts, StaffStore } from '../auth/staff.ts';
import { PgStaffStore } from '../center/pg/staff.ts';
import { migratePg, openPg } from '../db/pg.ts';
import { parse, readStdin, str, UsageError } from './args.ts';
import type { CliContext } from './context.ts';
import { help, type Out, USAGE } from './usage.ts';

export async function staffAdd(ctx: CliContext, argv: string[], out: Out): Promise<number> {
  const { values: v } = parse(
    argv,
    {
      username: { type: 'string' },
      role: { type: 'string' },
      'display-name': { type: 'string' },
      'password-stdin': { type: 'boolean' },
    },
    USAGE['staff add']!,
  );
  if (v.help) return help('staff add', out);
  const role = str(v.role) ?? '';
  if (!isRole(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  const generated = !v['password-stdin'];
  const password = generated ? generateSecret(15) : await readStdin();
  const create = (staff: StaffAccounts) =>
    staff.create(
      {
        username: str(v.username) ?? '',
        password,
        role,
        ...(str(v['display-name']) ? { displayName: str(v['display-name']) } : {}),
      },
      ctx.by,
    );
  let s: Awaited<ReturnType<typeof create>>;
  if (ctx.databaseUrl) {
    // a center on PostgreSQL: the account every instance sees
    const pool = await openPg(ctx.databaseUrl, { max: 1 });
    try {
      await migratePg(pool);
      s = await create(new PgStaffStore(pool, ctx.db));
    } finally {
      await pool.end();
    }
  } else {
    s = await create(new StaffStore(ctx.db));
  }
  out(`added staff account ${s.username} (${s.role})`);
  if (generated) out(`password: ${password}\n  (shown once)`);
  return 0;
}
