// linli: debugging tool for ID-card reader frames, ID numbers and receipt printer bytes.
import { escposCommand } from './escpos.ts';
import { idCommand } from './id.ts';
import { idcardCommand } from './idcard.ts';
import { InputError, type Io, processIo, UsageError } from './io.ts';

export const HELP = `Usage: linli <command> [options]

Tools for people who debug Linli's hardware.

Commands:
  idcard decode [FILE|-] [--reveal]   decode an ID-card reader reply frame (raw or hex) to JSON
  id check NUMBER                     say whether an ID number is valid and, if not, why
  escpos render [FILE|-]              show ESC/POS printer bytes as readable text

Run 'linli <command> --help' for the options of a command.
Exit codes: 0 ok, 1 bad input or an invalid result, 2 wrong usage.
`;

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'idcard':
        return await idcardCommand(rest, io);
      case 'id':
        return await idCommand(rest, io);
      case 'escpos':
        return await escposCommand(rest, io);
      case '-h':
      case '--help':
      case 'help':
        io.out(HELP);
        return 0;
      case undefined:
        io.err(HELP);
        return 2;
      default:
        throw new UsageError(`unknown command: ${command}`);
    }
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`linli: ${(err as Error).message}\nRun 'linli --help' for usage.`);
      return 2;
    }
    if (err instanceof InputError) {
      io.err(`linli: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
