// A station gateway for the center benches and the soak run, in its own process:
// `node --import tsx bench/station-child.ts <dataDir> <centerMqttPort> <centerHttpPort> <json>`
// where json = { site, password, webhookSecret, hmacKey, devices, registry }. With registry
// false, devices authenticate through the in-memory directory of bench/fleet.ts (no scrypt per
// connection); with registry true, through the real registry provisioned before the start.
// Prints `READY {"port":…}`; registers its outbox depth and events stored for bench/proc-stats.ts.
import { silentLogger, startGateway } from '../gateway/src/index.ts';
import { memoryDirectory } from './fleet.ts';

interface StationArgs {
  site: string;
  password: string;
  webhookSecret: string;
  hmacKey: string;
  devices: number;
  registry?: boolean;
}

const [dataDir, centerMqtt, centerHttp, json] = process.argv.slice(2);
const a = JSON.parse(json!) as StationArgs;
const gw = await startGateway({
  config: {
    site: a.site,
    dataDir: dataDir!,
    hmacKey: a.hmacKey,
    mqtt: { port: 0, wsPort: -1, host: '127.0.0.1', rateLimitPerS: 10_000, rateBurst: 10_000 },
    http: { port: -1 },
    uplink: {
      mqttUrl: `mqtt://127.0.0.1:${centerMqtt}`,
      username: a.site,
      password: a.password,
      webhookUrl: `http://127.0.0.1:${centerHttp}/api/center/v1/ingest`,
      webhookKey: a.webhookSecret,
    },
  },
  env: {},
  ...(a.registry ? {} : { directory: memoryDirectory(a.devices) }),
  log: silentLogger,
  noHttp: true,
});
(globalThis as { linliBenchStats?: () => Record<string, number | null> }).linliBenchStats = () => {
  let stored = 0;
  for (const [, value] of gw.engine.metrics.eventsStored.samples()) stored += value;
  return { outbox: gw.health.report().forwarding.backlog, stored };
};
process.stdout.write(`READY ${JSON.stringify({ port: gw.ports.mqtt })}\n`);
process.on('SIGTERM', () => void gw.stop().then(() => process.exit(0)));
