// A plain aedes broker in its own process (no gateway, anonymous), for load runs: 10,000 clients
// need 10,000 descriptors on each side, so the broker must not share the load generator's limit.
// Prints "LISTENING <port>" on stdout; stops on SIGTERM or when stdin closes.
//   node --import tsx firmware-sim/src/broker/aedes-process.ts [port]
import { type AddressInfo, createServer } from 'node:net';
import { Aedes } from 'aedes';

const aedes = await Aedes.createBroker({ concurrency: 1000 });
const server = createServer(aedes.handle);
server.maxConnections = 100_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${(server.address() as AddressInfo).port}\n`);
});
const stop = (): void => {
  aedes.close(() => server.close(() => process.exit(0)));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
