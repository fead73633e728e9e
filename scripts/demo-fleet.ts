// Provisions the demo fleet of firmware-sim (fixtures/demo-fleet.json) into the gateway's
// registry, so the simulated devices can log in to the gateway's broker. Idempotent: devices
// and residents already there are left as they are.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../gateway/src/config.ts';
import { migrate } from '../gateway/src/db/migrate.ts';
import { openDb } from '../gateway/src/db/open.ts';
import { resolveHmacKey } from '../gateway/src/hmac-key.ts';
import { openRegistry } from '../gateway/src/registry/index.ts';
import type { DeviceKind } from '../gateway/src/types.ts';

interface FleetFile {
  site: string;
  zigbeeBridge?: { id: string; secret: string };
  devices: {
    id: string;
    kind: DeviceKind;
    secret?: string;
    location?: Record<string, string>;
    heartbeatIntervalS?: number;
    /** Silence after which the gateway raises device.offline (short for the demo's silent pendant). */
    offlineTimeoutS?: number;
    resident?: { name: string; livesAlone?: boolean };
  }[];
}

export async function provisionDemoFleet(o: { fleetFile: string; env: NodeJS.ProcessEnv }): Promise<{
  devices: number;
  added: number;
  residents: number;
  zigbeeBridge: string;
}> {
  const fleet = JSON.parse(readFileSync(o.fleetFile, 'utf8')) as FleetFile;
  const config = loadConfig({}, o.env);
  const db = openDb(join(config.dataDir, config.dbFile));
  try {
    migrate(db);
    const registry = openRegistry(db, { secretKey: resolveHmacKey(config) });
    const by = { actor: 'npm-start' };
    const residentIds = new Map<string, string>();
    for (const d of fleet.devices) {
      if (!d.resident || residentIds.has(d.resident.name)) continue;
      const id = `demo-${residentIds.size + 1}`;
      const existing = registry.resident(id);
      residentIds.set(d.resident.name, existing?.id ?? registry.createResident({ id, ...d.resident }, by).id);
    }
    let added = 0;
    for (const d of fleet.devices) {
      if (registry.get(d.id)) continue;
      const residentId = d.resident && residentIds.get(d.resident.name);
      await registry.provisionAsync(
        {
          id: d.id,
          site: fleet.site,
          kind: d.kind,
          ...(d.location ? { location: d.location } : {}),
          ...(d.heartbeatIntervalS ? { heartbeatIntervalS: d.heartbeatIntervalS } : {}),
          ...(d.offlineTimeoutS ? { offlineTimeoutS: d.offlineTimeoutS } : {}),
          ...(residentId ? { residentId } : {}),
          ...(d.secret && d.kind !== 'zigbee' ? { secret: d.secret } : {}),
        },
        by,
      );
      added++;
    }
    const bridge = fleet.zigbeeBridge;
    return {
      devices: fleet.devices.length,
      added,
      residents: residentIds.size,
      zigbeeBridge: bridge ? `${bridge.id}:${bridge.secret}` : '',
    };
  } finally {
    db.close();
  }
}
