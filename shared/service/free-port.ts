// A TCP port free on 127.0.0.1 right now, for the tests, benchmarks and scripts that start
// services on ports of their own.
//
// The port is drawn at random from below the kernel's ephemeral range, never from it: a port the
// OS hands out for `listen(0)` is also one it hands out as the local end of any outgoing
// connection, so between the probe closing and the service binding, a client anywhere on the
// machine could take it (CI once saw EADDRINUSE that way). Ports below the range are only ever
// taken by an explicit bind, and the random draw keeps parallel test workers apart. Ports already
// handed out by this process are not handed out again.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const handedOut = new Set<number>();

/** The lowest ephemeral port (Linux: /proc/sys/net/ipv4/ip_local_port_range; 32768 elsewhere). */
function ephemeralFloor(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 12_000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

const LOW = 10_000;
const HIGH = ephemeralFloor(); // exclusive

function probe(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (handedOut.has(port)) continue;
    if (await probe(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free TCP port found in ${LOW}-${HIGH - 1} on 127.0.0.1 after 200 tries`);
}
