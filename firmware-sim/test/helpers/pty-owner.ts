// A process that owns a pty pair with a link and prints `READY <socat pids> <pts path>` (found
// with ps, not from the pair), then waits to be killed (pty.test.ts kills it with SIGKILL).
import { execFileSync } from 'node:child_process';
import { createPtyPair } from '../../src/serial/pty.ts';

const pair = await createPtyPair({ link: process.argv[2] as string });
const children = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' })
  .trim()
  .split('\n')
  .map((line) => line.trim().split(/\s+/))
  .filter(([, comm]) => comm === 'socat')
  .map(([pid]) => pid);
process.stdout.write(`READY ${children.join(',')} ${pair.ptsPath}\n`);
setInterval(() => {}, 60_000);
