// How the services' admin CLIs (linli-gw, the kiosk's) end on an error, one way: a usage error
// prints its usage text and exits 2; a LinliError its code and message, exit 1; anything else
// its message, exit 1.
import { LinliError } from '@linli/shared';

/** Wrong or missing arguments: the message is the usage text to print. */
export class UsageError extends Error {}

/** Writes what went wrong and returns the exit code. */
export function cliFailure(error: unknown, err: (line: string) => void): number {
  if (error instanceof UsageError) {
    err(error.message);
    return 2;
  }
  if (error instanceof LinliError) {
    err(`error ${error.code}: ${error.message}`);
    return 1;
  }
  err(`error: ${(error as Error).message}`);
  return 1;
}
