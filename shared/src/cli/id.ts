// linli id check NUMBER [--json] [--reveal]
import { parseArgs } from 'node:util';
import { checkIdNumber, maskIdNumber } from '../id/idnumber.ts';
import { type Io, UsageError } from './io.ts';

export const ID_HELP = `Usage: linli id check NUMBER [--json] [--reveal]

Say whether an ID number (GB 11643-1999, 18 characters) is valid and, if not, why:
length, characters, region code, birth date or check character. Residence permit
numbers (810000, 820000, 830000) follow the same rules. Exits 0 when valid, 1 when not.
The number is printed masked unless --reveal is given.

Options:
  --json     print the result as JSON
  --reveal   print the number in clear
  -h, --help show this help

Example:
  linli id check 11010519491231002X
`;

export async function idCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '-h' || sub === '--help' || sub === 'help') {
    io.out(ID_HELP);
    return 0;
  }
  if (sub !== 'check') throw new UsageError(sub ? `unknown id command: ${sub}` : 'missing id command');
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      reveal: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(ID_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('give exactly one NUMBER');
  const id = positionals[0]!.trim();
  const shown = values.reveal ? id : maskIdNumber(id);
  const r = checkIdNumber(id);
  if (values.json) {
    io.out(JSON.stringify({ number: shown, ...r }, null, 2));
  } else if (r.valid) {
    io.out(`${shown}: valid (region ${r.region}, born ${r.birthDate}, ${r.sex})`);
  } else {
    io.out(`${shown}: invalid (${r.code}): ${r.reason}`);
  }
  return r.valid ? 0 : 1;
}
