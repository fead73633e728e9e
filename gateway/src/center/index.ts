// Role center (docs/center-link.md, docs/gateway.md "The community center"): composition.
import type { StationHooks } from '../broker/embedded.ts';
import type { GatewayConfig } from '../config.ts';
import type { Db } from '../db/open.ts';
import { type Publish, stationHooks } from './broker-hooks.ts';
import { Center, type CenterEngine } from './center.ts';
import { centerTopics } from './protocol.ts';
import { StationStore } from './stations.ts';

export { Center, CenterInputError } from './center.ts';
export * from './protocol.ts';
export { provisionStation, type StationSecrets, StationStore } from './stations.ts';

export interface CenterRole {
  center: Center;
  hooks: StationHooks;
}

/** The center's parts, before the broker starts: the broker needs the hooks, the center the broker. */
export function startCenterRole(
  db: Db,
  engine: CenterEngine,
  config: GatewayConfig,
  publish: Publish,
): CenterRole {
  const stations = new StationStore(db, config.hmacKey);
  const center = new Center(db, engine, stations, config.center);
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
