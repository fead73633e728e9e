// Process entry: `tsx gateway/src/server.ts`. Configuration from LINLI_GW_* (see config.ts);
// prints one line `linli-gateway ready {json}` with the listening ports once it accepts traffic.
import { privateUmask } from '@linli/shared/service';
import { startGateway } from './gateway.ts';

async function main(): Promise<void> {
  privateUmask(); // anything this process creates is 0600 / 0700
  const gw = await startGateway();
  const log = gw.engine.log;
  const info = {
    site: gw.config.site,
    role: gw.config.role,
    mode: gw.transport.mode,
    ...gw.ports,
    dataDir: gw.config.dataDir,
    pid: process.pid,
  };
  process.stdout.write(`linli-gateway ready ${JSON.stringify(info)}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    gw.stop().then(
      () => process.exit(0),
      (err: Error) => {
        log.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // A stray rejected promise is logged, never fatal. An uncaught exception leaves the process in
  // an unknown state: log it and exit, the service manager restarts it; nothing acknowledged is
  // lost (every acknowledged event is committed first).
  process.on('unhandledRejection', (reason) => {
    log.error({ err: reason }, 'unhandled rejection');
  });
  process.on('uncaughtException', (err) => {
    log.error({ err }, 'uncaught exception, exiting');
    process.exit(70);
  });
}

main().catch((err: Error & { code?: string }) => {
  process.stderr.write(`linli-gateway failed to start: ${err.code ? `[${err.code}] ` : ''}${err.message}\n`);
  process.exit(1);
});
