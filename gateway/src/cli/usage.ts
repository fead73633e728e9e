// Usage texts and output helpers of the CLI.
import { ROLES } from '../auth/roles.ts';
import { DEVICE_KINDS } from '../registry/schemas.ts';

export const ENV_HELP = `Environment: LINLI_GW_DATA_DIR (default ./data/gateway), LINLI_GW_DB_FILE (default gateway.db),
LINLI_GW_HMAC_KEY (the gateway's key; must be the same as the running gateway's). Role center
with LINLI_GW_CENTER_DATABASE_URL: station and staff accounts are in that shared database.`;

export const USAGE: Record<string, string> = {
  main: `Usage: linli-gateway <command> [options]

Commands:
  device add        provision a device (prints its MQTT secret once)
  device list       list devices
  device retire     retire a device (its credential is deleted)
  device rotate     give a device a new secret (the old one stops working)
  device import     import devices from a CSV file (see docs/gateway-api.md)
  resident add      add a resident
  resident list     list residents
  staff add         add a staff account
  center station add|list|remove|rotate|copy-to-database
                    station accounts of a center (role center; docs/center-link.md; in the
                    shared PostgreSQL with center.databaseUrl: docs/center-cluster.md)
  center mosquitto-files
                    password_file and acl_file for a center behind Mosquitto
  mosquitto-files   write password_file and acl_file for an external Mosquitto
  backup            copy the database to a checked backup file (safe while the gateway runs)
  restore           replace the database with a backup (the gateway must be stopped)

Run "<command> --help" for its options.
${ENV_HELP}`,
  'device add': `Usage: device add --id ID --site SITE --kind KIND [options]
  --kind             ${DEVICE_KINDS.join(' | ')}
  --building, --unit, --room, --grid   location
  --heartbeat-s N    heartbeat interval (default 60)
  --offline-timeout-s N   (default 600 for mains devices, 90000 for battery devices)
  --resident ID      the resident the device serves
  --zigbee-name NAME Zigbee2MQTT friendly name (kind zigbee; default: the id)
  --secret-stdin     read the secret from stdin instead of generating one
  --json             print JSON`,
  'center station add': `Usage: center station add SITE [--json]
  A station account at this center: prints the station's MQTT password (username = SITE) and
  its webhook secret once; give them to the station (uplink.password, uplink.webhookKey).`,
  'center station list': `Usage: center station list [--json]`,
  'center station copy-to-database': `Usage: center station copy-to-database
  A center on PostgreSQL (center.databaseUrl) reads its station accounts from that database only:
  copies the accounts of this SQLite file there (same gateway key). A site already in the
  database is left as it is there.`,
  'center mosquitto-files': `Usage: center mosquitto-files OUTDIR [--center-user USER] [--instances ID[,ID…]] [--listen [HOST:]PORT] [--persistence-dir DIR]
  Mosquitto's password_file, acl_file and mosquitto-linli.conf for a center behind Mosquitto: each
  station may publish only linli/v1/center/SITE/alert and read only linli/v1/center/SITE/ack; the
  center's account (USER, default linli-center; password LINLI_GW_BROKER_PASSWORD or generated
  and shown once) reads and writes linli/v1/center/#. Run again after center station add/rotate.
  --instances c1,c2: several center instances in a share group (center.shareGroup), one account
  each, USER-ID (linli-center-c1, …), each with that instance's LINLI_GW_CENTER_INSTANCE=ID.`,
  'center station remove': `Usage: center station remove SITE
  The station can no longer connect or post (its alerts stay).`,
  'center station rotate': `Usage: center station rotate SITE [--json]
  New MQTT password and webhook secret, printed once; the old ones stop working.`,
  'device list': `Usage: device list [--site SITE] [--kind KIND] [--retired | --all] [--json]`,
  'device retire': `Usage: device retire ID [--reason TEXT]`,
  'device rotate': `Usage: device rotate ID [--secret-stdin]
  Prints the new secret once (unless it was read from stdin).`,
  'device import': `Usage: device import FILE.csv [--secrets-out FILE] [--json]
  Good rows are imported in one transaction; each bad row is reported (line, column, reason)
  and the exit code is 1 when any row failed. Secrets of the new devices are printed as CSV
  (id,secret) or written to --secrets-out (mode 0600).`,
  'resident add': `Usage: resident add --name NAME [--id ID] [--address A] [--phone P] [--lives-alone]
  [--welfare-hours H] [--contact "name|phone|relation"]... [--json]`,
  'resident list': `Usage: resident list [--q TEXT] [--lives-alone] [--json]`,
  'staff add': `Usage: staff add --username U --role ROLE [--display-name NAME] [--password-stdin]
  --role   ${ROLES.join(' | ')}
  Without --password-stdin a password is generated and printed once.`,
  'mosquitto-files': `Usage: mosquitto-files OUTDIR [--gateway-user U] [--zigbee-bridge-user U]...
         [--listen [HOST:]PORT] [--persistence-dir DIR]
  Writes OUTDIR/password_file, OUTDIR/acl_file and OUTDIR/mosquitto-linli.conf for an external
  Mosquitto: one account per active device (publish its evt, hb and status, read its cmd), the
  gateway's account (linli/v1/# and zigbee2mqtt/#) and Zigbee2MQTT bridge accounts.
  mosquitto-linli.conf is a whole mosquitto.conf: listener (default 1883), client ids bound to
  usernames, persistence in DIR (default /var/lib/mosquitto/), and a queue for the gateway
  sized LINLI_GW_QUEUE_EVENTS_PER_S x LINLI_GW_QUEUE_OUTAGE_S (default 150/s x 600 s).
  Account passwords come from LINLI_GW_BROKER_PASSWORD (gateway) and LINLI_GW_ZIGBEE_BRIDGE
  ("user:password,..."), else they are generated and printed once.`,
  backup: `Usage: backup [--dir DIR] [--keep N] [--json]
  Copies the database through SQLite's online backup API (safe while the gateway runs and
  writes) to DIR/gateway-<UTC time>.sqlite (mode 0600), checked with PRAGMA integrity_check.
  --dir    where backups go (default <data folder>/backups; created 0700)
  --keep   keep only the newest N backups in DIR (older ones are deleted)`,
  restore: `Usage: restore FILE [--json]
  Checks FILE (integrity, a gateway database, schema not newer than this program), refuses while
  the gateway has the database open (stop it: systemctl stop linli-gateway), saves the current
  database as <db>.before-restore-<time>, then copies FILE in. Run it as the service user, or as
  root (the files are given back to the data folder's owner).`,
};

export type Out = (s: string) => void;

export function table(rows: Record<string, unknown>[], cols: string[]): string {
  const cells = [
    cols,
    ...rows.map((r) => cols.map((c) => (r[c] === undefined || r[c] === null ? '' : String(r[c])))),
  ];
  const widths = cols.map((_, i) => Math.max(...cells.map((r) => (r[i] as string).length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function help(cmd: string, out: Out): number {
  out(USAGE[cmd] ?? USAGE.main!);
  return 0;
}

/** Run one command; returns the exit code. Errors are printed, never thrown. */
