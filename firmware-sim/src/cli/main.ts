// linli-sim entry: `npm run sim -- <device> [options]` or the linli-sim bin.
import { LinliError } from '@linli/shared';
import { main } from './run.ts';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const e = err as Error;
    process.stderr.write(
      `linli-sim: ${e instanceof LinliError ? `${e.code}: ` : ''}${e.message ?? String(err)}\n`,
    );
    process.exit(e instanceof LinliError && e.code === 'SIM_ARGS' ? 2 : 1);
  },
);
