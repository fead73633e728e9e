// Role center (docs/center-link.md, docs/gateway.md "The community center"): composition.
import type { StationHooks } from '../broker/embedded.ts';
import type { GatewayConfig } from '../config.ts';
import type { Db } from '../db/open.ts';
import { type Publish, stationHooks } from './broker-hooks.ts';
import { Center, type CenterEngine } from './center.ts';
import type { CenterData } from './data.ts';
import { SqliteCenterData } from './data-sqlite.ts';
import { centerTopics } from './protocol.ts';
import { type StationAccounts, StationStore } from './stations.ts';

export { Center, CenterInputError } from './center.ts';
export * from './protocol.ts';
export {
  provisionStation,
  provisionStationIn,
  type StationAccounts,
  type StationSecrets,
  StationStore,
} from './stations.ts';

export interface CenterRole {
  center: Center;
  hooks: StationHooks;
}

/** The center's parts, before the broker starts: the broker needs the hooks, the center the broker.
 *  `data`: a shared PostgreSQL store (center/pg/) when center.databaseUrl is set; else the
 *  embedded SQLite file. `stations`: the station accounts, in that PostgreSQL database
 *  (center/pg/stations.ts) or, by default, in the SQLite file. */
export async function startCenterRole(
  db: Db,
  engine: CenterEngine,
  config: GatewayConfig,
  publish: Publish,
  data: CenterData = new SqliteCenterData(db, engine.alerts, engine.committer),
  stations: StationAccounts = new StationStore(db, config.hmacKey),
): Promise<CenterRole> {
  const center = new Center(data, engine, stations, config.center);
  await center.load();
  center.setSender((site, body) => {
    publish(centerTopics.ack(site), JSON.stringify(body)).catch((err: Error) =>
      engine.log.warn({ site, err }, 'center action publish failed'),
    );
  });
  const hooks = stationHooks(
    center,
    () => publish,
    engine.log,
    () => engine.clock.now(),
  );
  return { center, hooks };
}
