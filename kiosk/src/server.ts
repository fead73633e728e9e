// Process entry: `tsx kiosk/src/server.ts`. Reads the config (LINLI_KIOSK_*), starts the
// hardware service, builds the app and listens (127.0.0.1:8090 by default); stops gracefully
// on SIGINT/SIGTERM.
import { join } from 'node:path';
import { LinliError } from '@linli/shared';
import { createLogger, privateUmask } from '@linli/shared/service';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { KioskBus } from './events.ts';
import { type RunningHardware, startHardware } from './hardware/index.ts';

export async function main(): Promise<{
  app: FastifyInstance;
  hardware: RunningHardware;
  stop(): Promise<void>;
}> {
  privateUmask(); // spool files, logs, anything this process creates: 0600 / 0700
  const config = loadConfig();
  const bus = new KioskBus();
  // one logger for the app (fastify's app.log) and the hardware service
  const logger = createLogger({ name: 'linli-kiosk', level: config.logLevel });
  const hardware = await startHardware(
    {
      idcard: config.devices.idcard,
      printer: config.devices.printer,
      scanner: config.devices.scanner,
      pollIntervalMs: config.pollIntervalMs,
      dataDir: join(config.dataDir, 'print'),
    },
    bus,
    {
      log: logger.child({ component: 'hardware' }),
      queue: { printWithoutStatus: config.printWithoutStatus },
      // 'simulated' devices can be driven with `npm run sim -- ctl <device> …`, as standalone ones.
      recordSimulators: true,
    },
  );
  let app: FastifyInstance;
  try {
    app = await buildApp({ config, bus, hardware, logger });
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await hardware.stop();
    throw err;
  }
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await app.close();
      await hardware.stop();
    })();
    return stopping;
  };
  return { app, hardware, stop };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const { app, stop } = await main();
    const addr = app.server.address();
    const url = typeof addr === 'object' && addr ? `http://${addr.address}:${addr.port}` : String(addr);
    app.log.info({ url }, `kiosk service listening on ${url}`);
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      process.once(sig, () => {
        app.log.info({ signal: sig }, 'stopping');
        const force = setTimeout(() => process.exit(1), 10_000);
        force.unref();
        stop().then(
          () => process.exit(0),
          (err: unknown) => {
            app.log.error({ err }, 'stop failed');
            process.exit(1);
          },
        );
      });
    }
  } catch (err) {
    // A configuration problem (ours or a device spec) is one clear line, not a stack trace.
    if (err instanceof ConfigError || (err instanceof LinliError && /CONFIG/.test(err.code))) {
      process.stderr.write(`linli kiosk: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}
