// staff add
import { generateSecret } from '@linli/shared/service';
import { isRole, ROLES } from '../auth/roles.ts';
import { StaffStore } from '../auth/staff.ts';
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
  const s = await new StaffStore(ctx.db).create(
    {
      username: str(v.username) ?? '',
      password,
      role,
      ...(str(v['display-name']) ? { displayName: str(v['display-name']) } : {}),
    },
    ctx.by,
  );
  out(`added staff account ${s.username} (${s.role})`);
  if (generated) out(`password: ${password}\n  (shown once)`);
  return 0;
}
