// A whole gateway in this process for the tests that need the real thing (engine, embedded
// broker, SQLite registry and store, HTTP API): a temp data dir, an admin bootstrapped from
// LINLI_GW_ADMIN_PASSWORD, loopback ports, and one stop() that removes everything.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningGateway, silentLogger, startGateway } from '../src/index.ts';

export interface LocalGateway {
  gw: RunningGateway;
  dir: string;
  /** http://127.0.0.1:<port> */
  base: string;
  /** Signs the admin in; the session cookie (name=value). */
  login(): Promise<string>;
  stop(): Promise<void>;
}

export async function startLocalGateway(o: {
  name: string;
  adminPassword: string;
  print?: (line: string) => void;
}): Promise<LocalGateway> {
  const dir = mkdtempSync(join(tmpdir(), `linli-gw-${o.name}-`));
  const gw = await startGateway({
    config: {
      dataDir: dir,
      hmacKey: `${o.name}-test-hmac-key-0123456789`,
      mqtt: { port: 0, wsPort: -1, host: '127.0.0.1' },
      http: { port: 0, host: '127.0.0.1' },
    },
    env: { LINLI_GW_ADMIN_PASSWORD: o.adminPassword },
    log: silentLogger,
    print: o.print ?? (() => {}),
  });
  const base = `http://127.0.0.1:${gw.ports.http}`;
  return {
    gw,
    dir,
    base,
    async login() {
      const res = await fetch(`${base}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: o.adminPassword }),
      });
      if (res.status !== 200) throw new Error(`admin login answered ${res.status}`);
      return res.headers.get('set-cookie')!.split(';')[0]!;
    },
    async stop() {
      await gw.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
