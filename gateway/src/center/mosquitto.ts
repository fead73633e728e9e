// Mosquitto password and ACL files for a center behind an external Mosquitto (docs/center-link.md
// "Path 1"): one account per station, which may publish only its own alert topic and read only
// its own ack topic, and the center gateway's own account (every station's topics).
import {
  type AclAccess,
  aclFile,
  checkMosquittoUsername,
  type MosquittoAccount,
  passwordFile,
} from '../registry/mosquitto.ts';
import { centerTopics } from './protocol.ts';

export interface StationMosquittoAccount {
  site: string;
  /** `$7$` hash of the station's MQTT password (StationStore.mosquittoAccounts) */
  hash: string | null;
}

/** What a station may do on the center's broker. */
export function stationAcl(site: string): { access: AclAccess; topic: string }[] {
  return [
    { access: 'write', topic: centerTopics.alert(site) },
    { access: 'read', topic: centerTopics.ack(site) },
  ];
}

/** The center gateway's account: reads every station's alert topic, writes every ack topic.
 *  Mosquitto checks a shared subscription ($share/<group>/linli/v1/center/+/alert) against the
 *  topic underneath, so this entry also covers the instances of a share group; an ACL entry
 *  naming $share/… would grant nothing (test/e2e/mosquitto-shared-sub.test.ts). */
export function centerGatewayAccount(username: string, password: string): MosquittoAccount {
  return { username, password, topics: [{ access: 'readwrite', topic: 'linli/v1/center/#' }] };
}

const INSTANCE = /^[A-Za-z0-9_-]{1,64}$/;

/** One account per center instance (docs/center-cluster.md): `<user>-<instanceId>`. The generated
 *  mosquitto.conf makes every client id its username (use_username_as_clientid), so instances
 *  sharing one account would take over each other's session. */
export function centerInstanceAccounts(
  user: string,
  instances: string[],
  password: (username: string) => string,
): MosquittoAccount[] {
  const seen = new Set<string>();
  return instances.map((id) => {
    if (!INSTANCE.test(id)) throw new Error(`instance id "${id}" must match [A-Za-z0-9_-]{1,64}`);
    if (seen.has(id)) throw new Error(`instance id ${id} given twice`);
    seen.add(id);
    const username = `${user}-${id}`;
    return centerGatewayAccount(username, password(username));
  });
}

/** password_file and acl_file; throws when a station has no Mosquitto hash yet (said by name). */
export function centerMosquittoFiles(
  stations: StationMosquittoAccount[],
  center: MosquittoAccount | MosquittoAccount[],
): { passwordFile: string; aclFile: string } {
  const centers = Array.isArray(center) ? center : [center];
  const missing = stations.filter((s) => !s.hash).map((s) => s.site);
  if (missing.length)
    throw new Error(
      `station(s) ${missing.join(', ')} have no Mosquitto password hash (added before it was kept): rotate them (center station rotate SITE)`,
    );
  for (const s of stations) checkMosquittoUsername(s.site);
  const lines = stations.map((s) => `${s.site}:${s.hash}`);
  const names = new Set(stations.map((s) => s.site));
  for (const c of centers)
    if (names.has(c.username)) throw new Error(`the center's account ${c.username} is also a station's name`);
  const pw = passwordFile([], centers) + (lines.length ? `${lines.join('\n')}\n` : '');
  const acl = aclFile(
    [],
    [...centers, ...stations.map((s) => ({ username: s.site, password: '', topics: stationAcl(s.site) }))],
  );
  return { passwordFile: pw, aclFile: acl };
}
