// A TCP port free on 127.0.0.1 right now (the OS picks it; the probe closes before it is used):
// for the tests, benchmarks and scripts that start services on ports of their own.
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
