// The firmware-sim thermal printer on a pseudo-terminal, in a process of its own, for benchmarks:
// the kiosk opens `link` as it would a real printer's serial port, and the printer's own work
// (decoding ESC/POS, answering DLE EOT) is not counted in the kiosk's CPU. Prints `READY` once
// the pty is up, `PRINTED <n>` on each line of standard input and on SIGTERM (then exits).
import { startPrinter } from '@linli/firmware-sim';

const link = process.argv[2];
if (!link) {
  console.error('usage: printer-child.ts LINK');
  process.exit(2);
}
const sim = await startPrinter({ link, control: false });
let printed = 0;
sim.on('ticket', () => {
  printed++;
  sim.tickets.length = 0; // keep the count, not every decoded ticket
});
process.stdout.write('READY\n');
process.stdin.on('data', () => process.stdout.write(`PRINTED ${printed}\n`));
process.once('SIGTERM', () => {
  process.stdout.write(`PRINTED ${printed}\n`);
  sim.stop().finally(() => process.exit(0));
});
