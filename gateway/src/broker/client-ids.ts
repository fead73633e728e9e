// Which MQTT client id an account may use on the embedded broker. A client id names a session:
// whoever connects with it takes the session over (MQTT 3.1.4-3), so an id must belong to the
// account that authenticated. A device uses exactly `linli-{site}-{dev}`; other accounts (Zigbee
// bridges, the gateway's own clients) may not use `linli-` ids, and an id first used by one
// account stays that account's while the broker runs. A second session replaces the first only
// when it is the same account with the same id: the same device reconnecting.
import type { Principal } from '../ingest/pipeline.ts';

/** The account a principal stands for, as a stable key. */
export function accountOf(p: Principal): string {
  if (p.kind === 'device') return `device:${p.device.id}`;
  if (p.kind === 'bridge') return `bridge:${p.username}`;
  if (p.kind === 'gateway') return `gateway:${p.username}`;
  if (p.kind === 'station') return `station:${p.site}`;
  return 'trusted';
}

export function deviceClientId(site: string, id: string): string {
  return `linli-${site}-${id}`;
}

/** Most client ids remembered; past it the oldest ids of accounts other than devices are forgotten. */
const MAX_OWNED = 100_000;

export class ClientIdPolicy {
  /** client id → account that first used it */
  private readonly owners = new Map<string, string>();

  /** Why `clientId` may not be used by `p`, or undefined when it may. */
  check(p: Principal, clientId: string): string | undefined {
    if (p.kind === 'device') {
      const own = deviceClientId(p.device.site, p.device.id);
      return clientId === own ? undefined : `device ${p.device.id} must use client id ${own}`;
    }
    if (p.kind === 'station')
      return clientId === `station-${p.site}`
        ? undefined
        : `station ${p.site} must use client id station-${p.site}`;
    if (clientId.startsWith('linli-')) return 'linli- client ids belong to devices';
    if (clientId.startsWith('station-')) return 'station- client ids belong to stations';
    const owner = this.owners.get(clientId);
    if (owner !== undefined && owner !== accountOf(p)) return 'client id belongs to another account';
    return undefined;
  }

  /** Record that `p` holds `clientId` (after a successful CONNECT). */
  claim(p: Principal, clientId: string): void {
    if (p.kind === 'device' || p.kind === 'station') return; // bound by name, nothing to remember
    if (this.owners.size >= MAX_OWNED && !this.owners.has(clientId)) {
      const oldest = this.owners.keys().next().value;
      if (oldest !== undefined) this.owners.delete(oldest);
    }
    this.owners.set(clientId, accountOf(p));
  }

  /** The session of `clientId` ended for good (clean session closed): the id is free again. */
  release(clientId: string): void {
    this.owners.delete(clientId);
  }
}
