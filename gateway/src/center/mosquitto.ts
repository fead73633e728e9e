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

/** The center gateway's account: reads every station's alert topic, writes every ack topic. */
export function centerGatewayAccount(username: string, password: string): MosquittoAccount {
  return { username, password, topics: [{ access: 'readwrite', topic: 'linli/v1/center/#' }] };
}

/** password_file and acl_file; throws when a station has no Mosquitto hash yet (said by name). */
export function centerMosquittoFiles(
  stations: StationMosquittoAccount[],
  center: MosquittoAccount,
): { passwordFile: string; aclFile: string } {
  const missing = stations.filter((s) => !s.hash).map((s) => s.site);
  if (missing.length)
    throw new Error(
      `station(s) ${missing.join(', ')} have no Mosquitto password hash (added before it was kept): rotate them (center station rotate SITE)`,
    );
  for (const s of stations) checkMosquittoUsername(s.site);
  const lines = stations.map((s) => `${s.site}:${s.hash}`);
  const pw = passwordFile([], [center]) + (lines.length ? `${lines.join('\n')}\n` : '');
  const acl = aclFile(
    [],
    [center, ...stations.map((s) => ({ username: s.site, password: '', topics: stationAcl(s.site) }))],
  );
  return { passwordFile: pw, aclFile: acl };
}
