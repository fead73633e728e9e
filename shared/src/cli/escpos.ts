// linli escpos render [FILE|-] [--width N] [--items]
import { parseArgs } from 'node:util';
import { decodeEscPos, renderEscPos } from '../escpos/decoder.ts';
import { type Io, readInput, UsageError } from './io.ts';

export const ESCPOS_HELP = `Usage: linli escpos render [FILE|-] [--width N] [--items]

Turn the ESC/POS bytes sent to a receipt printer into readable text: GB18030 text
decoded, [QR:…] for QR codes, --- cut --- for cuts, [? 1B 7A] for commands it does
not know. FILE holds raw bytes or hex text; without FILE, or with -, stdin is read.

Options:
  --width N  paper width in columns for centred and right-aligned lines (default 32; 48 for 80 mm)
  --items    print the decoded items as JSON instead
  --raw      take the input as raw bytes even if it looks like hex text
  -h, --help show this help

Example:
  linli escpos render ticket.bin
`;

export async function escposCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '-h' || sub === '--help' || sub === 'help') {
    io.out(ESCPOS_HELP);
    return 0;
  }
  if (sub !== 'render')
    throw new UsageError(sub ? `unknown escpos command: ${sub}` : 'missing escpos command');
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      width: { type: 'string' },
      items: { type: 'boolean' },
      raw: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(ESCPOS_HELP);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError('give at most one FILE');
  const width = values.width === undefined ? 32 : Number(values.width);
  if (!Number.isInteger(width) || width < 8 || width > 200)
    throw new UsageError('--width must be an integer 8..200');
  const bytes = await readInput(positionals[0], io, { raw: values.raw ?? false });
  if (values.items) {
    const items = decodeEscPos(bytes).map((it) =>
      it.kind === 'unknown' ? { ...it, bytes: it.bytes.toString('hex') } : it,
    );
    io.out(JSON.stringify(items, null, 2));
  } else {
    io.out(renderEscPos(bytes, { width }));
  }
  return 0;
}
