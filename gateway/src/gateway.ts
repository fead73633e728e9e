// Composition of the gateway: database and migrations, registry, engine (ingest, alerts,
// supervision, feedback, Zigbee2MQTT), the MQTT transport (embedded aedes or external broker)
// and the HTTP API.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, type ServiceLogger } from '@linli/shared/service';
import type { FastifyInstance } from 'fastify';
import { AlertEngine } from './alerts/engine.ts';
import { Feedback } from './alerts/feedback.ts';
import { buildApi } from './api/app.ts';
import type { StationHooks } from './broker/embedded.ts';
import { EmbeddedBroker } from './broker/embedded.ts';
import { ExternalBroker } from './broker/external.ts';
import { BrokerLink, type BrokerLinkHealth } from './broker/link.ts';
import type { Transport } from './broker/transport.ts';
import { GatewayBus } from './bus.ts';
import type { CenterData } from './center/data.ts';
import { CenterBrokerClient } from './center/external-broker.ts';
import { type CenterRole, startCenterRole } from './center/index.ts';
import { SharedAudit } from './center/pg/audit.ts';
import { centerAlertReader, instanceOrigin, mirrorLocalAlerts } from './center/pg/local-alerts.ts';
import { PgLoginCounts } from './center/pg/login-counts.ts';
import { followOtherCenters } from './center/pg/notify.ts';
import { pgReportSource } from './center/pg/reports.ts';
import { PgSessionStore } from './center/pg/sessions.ts';
import { PgStaffStore } from './center/pg/staff.ts';
import { PgStationStore, warnLocalStations } from './center/pg/stations.ts';
import { PgCenterData } from './center/pg/store.ts';
import { WebhookGuard } from './center/webhook-guard.ts';
import { type DeepPartial, type GatewayConfig, loadConfig } from './config.ts';
import { checkDataDir } from './data-dir.ts';
import { migrate } from './db/migrate.ts';
import { type Db, openDb } from './db/open.ts';
import { redactUrl } from './db/pg.ts';
import { GatewayHealth } from './health.ts';
import { resolveHmacKey } from './hmac-key.ts';
import { EventWriter } from './ingest/events.ts';
import { GroupCommitter } from './ingest/group-commit.ts';
import { Ingest } from './ingest/pipeline.ts';
import { topics } from './ingest/protocol.ts';
import { type Logger, Refusals } from './ingest/refusals.ts';
import { StoreHealth } from './ingest/store-health.ts';
import { gatewayKeys } from './keys.ts';
import { Metrics } from './metrics.ts';
import { Uplink, uplinkConfigured } from './outbox/index.ts';
import { RegistrySummary } from './outbox/registry-summary.ts';
import { openRegistry, type Registry } from './registry/index.ts';
import { HttpNotifier, ResponderEscalator } from './responders/index.ts';
import { type Clock, systemClock } from './supervision/clock.ts';
import { DeviceClocks } from './supervision/device-clock.ts';
import { DeviceStates } from './supervision/device-state.ts';
import { Supervisor } from './supervision/supervisor.ts';
import type { DeviceDirectory } from './types.ts';
import { ZigbeeAdapter } from './zigbee/adapter.ts';

export const GATEWAY_VERSION = '0.1.0';

/** The gateway's logger (pino, shared with its fastify API): level from config.logLevel. */
export function gatewayLogger(config: Pick<GatewayConfig, 'logLevel'>): ServiceLogger {
  return createLogger({ name: 'linli-gateway', level: config.logLevel });
}

export interface EngineOptions {
  db: Db;
  directory: DeviceDirectory;
  config: GatewayConfig;
  clock?: Clock;
  log?: Logger;
  bus?: GatewayBus;
  metrics?: Metrics;
}

/** The engine without a transport: usable in tests with any DeviceDirectory. */
export interface Engine {
  db: Db;
  config: GatewayConfig;
  bus: GatewayBus;
  metrics: Metrics;
  clock: Clock;
  alerts: AlertEngine;
  feedback: Feedback;
  states: DeviceStates;
  /** Each device's clock: ok, skewed or invalid (issue #10 defect 8). */
  clocks: DeviceClocks;
  supervisor: Supervisor;
  committer: GroupCommitter;
  /** Whether the database takes writes (disk full, read-only): metric, log, /healthz. */
  storeHealth: StoreHealth;
  writer: EventWriter;
  zigbee: ZigbeeAdapter;
  ingest: Ingest;
  refusals: Refusals;
  log: Logger;
  close(): void;
}

export function createEngine(o: EngineOptions): Engine {
  const clock = o.clock ?? systemClock;
  const log = o.log ?? gatewayLogger(o.config);
  const bus = o.bus ?? new GatewayBus();
  const metrics = o.metrics ?? new Metrics();
  const { db, config, directory } = o;
  const startedAt = clock.now();
  const storeHealth = new StoreHealth(metrics, log, () => clock.now());
  const committer = new GroupCommitter(
    db,
    config.ingest.groupCommitMs,
    metrics,
    (err) => log.warn({ err }, 'after-commit effect failed'),
    config.ingest.asyncFsync,
    storeHealth,
  );
  const feedback = new Feedback(db, clock, metrics, committer, (err) =>
    log.warn({ err }, 'command delivery marks not written (the commands are sent again)'),
  );
  const alerts = new AlertEngine(db, bus, metrics, clock, config.alerts, feedback);
  const states = new DeviceStates(db, startedAt);
  const supervisor = new Supervisor(db, directory, states, alerts, bus, clock, config.supervision, startedAt);
  supervisor.useCommitter(committer);
  const clocks = new DeviceClocks(db, metrics, log);
  const writer = new EventWriter(
    db,
    alerts,
    supervisor,
    states,
    bus,
    metrics,
    gatewayKeys(config.hmacKey).card,
    clocks,
  );
  const refusals = new Refusals(metrics, bus, log, () => clock.now());
  const zigbee = new ZigbeeAdapter(directory, committer, writer, supervisor, states, clock, log);
  const ingest = new Ingest(
    directory,
    committer,
    writer,
    supervisor,
    zigbee,
    refusals,
    metrics,
    clock,
    clocks,
  );
  metrics.setGaugeSource({
    alertsByState: () => alerts.countByState(),
    devicesOnline: () => {
      let online = 0;
      let offline = 0;
      for (const d of directory.list()) {
        if (d.retired) continue;
        if (states.peek(d.id)?.online === false) offline++;
        else online++;
      }
      return { online, offline };
    },
    storeWritable: () => storeHealth.writable,
  });
  return {
    db,
    config,
    bus,
    metrics,
    clock,
    alerts,
    feedback,
    states,
    clocks,
    supervisor,
    committer,
    storeHealth,
    writer,
    zigbee,
    ingest,
    refusals,
    log,
    close() {
      supervisor.stop();
      committer.close();
      if (!o.metrics) metrics.stop(); // the caller's own Metrics stay theirs
    },
  };
}

export interface TransportOptions {
  engine: Engine;
  directory: DeviceDirectory;
  /** Secret of the gateway's own MQTT clients (username gateway:<site>); generated when absent */
  gatewaySecret?: string;
  /** Supervision of the link to an external broker */
  link?: BrokerLink;
  /** Role center: the station accounts and their messages */
  stations?: StationHooks;
  /** Role center on an external broker: (re)connected, pending action requests go down again */
  onCenterConnect?: () => void;
}

export function createTransport(o: TransportOptions): Transport {
  const { engine } = o;
  const c = engine.config;
  const onCommandSubscribe = (id: string) => {
    engine.feedback.resendPending(id);
  };
  if (c.mqtt.brokerUrl && o.stations) {
    // role center behind Mosquitto: the broker authenticates the stations (center/mosquitto.ts)
    return new CenterBrokerClient({
      url: c.mqtt.brokerUrl,
      stations: o.stations,
      log: engine.log,
      ...(c.center.instanceId ? { instanceId: c.center.instanceId } : {}),
      ...(c.center.shareGroup ? { shareGroup: c.center.shareGroup } : {}),
      keepAliveS: c.center.keepAliveS,
      ...(c.mqtt.username !== undefined ? { username: c.mqtt.username } : {}),
      ...(c.mqtt.password !== undefined ? { password: c.mqtt.password } : {}),
      ...(c.mqtt.tlsCa ? { mqttOptions: { ca: readFileSync(c.mqtt.tlsCa), rejectUnauthorized: true } } : {}),
      ...(o.onCenterConnect ? { onConnect: o.onCenterConnect } : {}),
      ...(o.link ? { link: o.link } : {}),
    });
  }
  if (c.mqtt.brokerUrl) {
    const opts: ConstructorParameters<typeof ExternalBroker>[0] = {
      url: c.mqtt.brokerUrl,
      site: c.site,
      ingest: engine.ingest,
      log: engine.log,
      onCommandSubscribe,
      ...(o.link ? { link: o.link } : {}),
    };
    if (c.mqtt.username !== undefined) opts.username = c.mqtt.username;
    if (c.mqtt.password !== undefined) opts.password = c.mqtt.password;
    if (c.mqtt.tlsCa) opts.mqttOptions = { ca: readFileSync(c.mqtt.tlsCa), rejectUnauthorized: true };
    return new ExternalBroker(opts);
  }
  const tls =
    c.mqtt.tlsPort >= 0 && c.mqtt.tlsCert && c.mqtt.tlsKey
      ? { port: c.mqtt.tlsPort, cert: readFileSync(c.mqtt.tlsCert), key: readFileSync(c.mqtt.tlsKey) }
      : undefined;
  return new EmbeddedBroker({
    ...(tls ? { tls } : {}),
    host: c.mqtt.host,
    port: c.mqtt.port,
    wsPort: c.mqtt.wsPort,
    directory: o.directory,
    ingest: engine.ingest,
    refusals: engine.refusals,
    log: engine.log,
    metrics: engine.metrics,
    authThrottle: { limit: c.mqtt.authFailLimit, windowS: c.mqtt.authFailWindowS, blockS: c.mqtt.authBlockS },
    rateLimitPerS: c.mqtt.rateLimitPerS,
    rateBurst: c.mqtt.rateBurst,
    maxPacketBytes: c.mqtt.maxPacketBytes,
    admission: { maxInFlight: c.mqtt.connectInFlight, perTurn: c.mqtt.connectPerTurn, slotTimeoutMs: 5_000 },
    gatewaySecret: o.gatewaySecret ?? randomBytes(24).toString('base64url'),
    zigbeeBridges: c.mqtt.zigbeeBridges,
    onCommandSubscribe,
    ...(o.stations ? { stations: o.stations } : {}),
  });
}

export interface StartOptions {
  config?: DeepPartial<GatewayConfig>;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  log?: Logger;
  /** Use this directory instead of the SQLite registry for the broker and engine (tests). */
  directory?: DeviceDirectory;
  /** Do not start the HTTP API. */
  noHttp?: boolean;
  /** Where the API's one-time bootstrap message goes (default: console). */
  print?: (line: string) => void;
}

export interface RunningGateway {
  config: GatewayConfig;
  engine: Engine;
  transport: Transport;
  directory: DeviceDirectory;
  registry: Registry;
  /** Escalation to residents' responders (issue #15) */
  responders: ResponderEscalator;
  http?: FastifyInstance;
  /** Role center: the stations, their alerts and the operators' action requests */
  center?: CenterRole;
  /** What /healthz reports */
  health: GatewayHealth;
  /** The outbox to the center; undefined when no uplink is configured */
  uplink?: Uplink;
  ports: { mqtt?: number; ws?: number; mqtts?: number; http?: number };
  gatewaySecret: string;
  stop(): Promise<void>;
}

export async function startGateway(o: StartOptions = {}): Promise<RunningGateway> {
  const config = loadConfig(o.config, o.env);
  const logger = o.log ? undefined : gatewayLogger(config);
  const log: Logger = o.log ?? logger!;
  if (config.dbFile !== ':memory:') checkDataDir(config.dataDir, log);
  config.hmacKey = resolveHmacKey(config);
  const dbPath = config.dbFile === ':memory:' ? ':memory:' : join(config.dataDir, config.dbFile);
  const db = openDb(dbPath);
  const applied = migrate(db);
  if (applied.length) log.info({ applied }, 'migrations applied');
  const registry = openRegistry(db, { secretKey: config.hmacKey });
  const directory = o.directory ?? registry;
  const engine = createEngine({ db, directory, config, ...(o.clock ? { clock: o.clock } : {}), log });
  // The outbox takes every alert change from the first one on (same transaction).
  const uplink = uplinkConfigured(config)
    ? new Uplink({ db, engine, directory, version: GATEWAY_VERSION, log })
    : undefined;
  engine.alerts.setOutbox(uplink);
  const gatewaySecret = randomBytes(24).toString('base64url');
  const link = config.mqtt.brokerUrl
    ? new BrokerLink({
        site: config.site,
        supervisionS: config.mqtt.brokerSupervisionS,
        metrics: engine.metrics,
        log,
        clock: engine.clock,
        alerts: engine.alerts,
      })
    : undefined;
  let transportRef: Transport | undefined;
  // role center with center.databaseUrl: its data in a shared PostgreSQL (refused loudly when
  // unreachable); otherwise in this SQLite file
  let centerData: CenterData | undefined;
  let sharedAudit: SharedAudit | undefined;
  let pgStations: PgStationStore | undefined;
  if (config.role === 'center' && config.center.databaseUrl) {
    try {
      centerData = await PgCenterData.open({
        url: config.center.databaseUrl,
        now: () => engine.clock.now(),
        onAlertChange: (a) => engine.bus.emit('alert.changed', a),
      });
    } catch (err) {
      engine.close();
      db.close();
      throw err;
    }
    log.info({ database: redactUrl(config.center.databaseUrl) }, 'center data in PostgreSQL');
    // this instance's own technical alerts (broker link, notifier) are shown from the shared table
    mirrorLocalAlerts(engine.alerts, centerData as PgCenterData, instanceOrigin(config.dataDir), log);
    sharedAudit = new SharedAudit(db, (centerData as PgCenterData).pool, instanceOrigin(config.dataDir), log);
    sharedAudit.start();
    // ... and the station accounts: one added or rotated on any instance is so on all
    try {
      pgStations = await PgStationStore.open({
        pool: (centerData as PgCenterData).pool,
        url: config.center.databaseUrl,
        gatewayKey: config.hmacKey,
        log,
      });
    } catch (err) {
      await sharedAudit.stop();
      await centerData.close();
      engine.close();
      db.close();
      throw err;
    }
    warnLocalStations(db, config.hmacKey, pgStations, log);
  }
  const center =
    config.role === 'center'
      ? await startCenterRole(
          db,
          engine,
          config,
          (topic, payload) =>
            transportRef
              ? transportRef.publish(topic, payload, { qos: 1 })
              : Promise.reject(new Error('broker not started')),
          centerData,
          pgStations,
        )
      : undefined;
  const stopNotify =
    centerData instanceof PgCenterData
      ? await followOtherCenters(centerData, center!.center, log, (a) => engine.bus.emit('center.action', a))
      : undefined;
  const transport = createTransport({
    engine,
    directory,
    gatewaySecret,
    ...(link ? { link } : {}),
    ...(center
      ? {
          stations: center.hooks,
          onCenterConnect: () => {
            for (const st of center.center.stations.list()) void center.center.resendPending(st.site);
          },
        }
      : {}),
  });
  transportRef = transport;
  engine.feedback.setSender(transport);
  await transport.start();
  center?.center.start();
  link?.start();
  const startedAt = engine.clock.now();
  if (!link) engine.metrics.brokerLinkUp.set(1); // the embedded broker lives in this process
  const health = new GatewayHealth(
    db,
    () =>
      link ? link.health() : ({ mode: 'embedded', link: 'up', since: startedAt } satisfies BrokerLinkHealth),
    () => engine.storeHealth.status(),
    undefined,
    uplink ? () => uplink.health() : undefined,
    center ? () => center.center.data.health() : undefined,
  );
  uplink?.start();
  const summary = uplink?.center
    ? startRegistrySummary(config, engine, directory, registry, uplink, log)
    : undefined;
  if (transport.mode === 'external') engine.feedback.resendAll();
  // A device retired or changed in the registry is cut off and must authenticate again (a
  // device provisioned elsewhere too: a secret rotated between two polls shows as provisioned).
  const offRegistry =
    transport instanceof EmbeddedBroker
      ? registry.onChange((c) => {
          if (c.type.startsWith('device.')) transport.disconnectDevice(c.id);
        })
      : undefined;
  // ... also when the change was committed by another process (the CLI) on the same database
  const stopExternal =
    config.dbFile === ':memory:'
      ? undefined
      : registry.watchExternalChanges(undefined, (err) => log.error({ err }, 'registry change watch failed'));
  engine.supervisor.start();
  await transport
    .publish(topics.gatewayStatus(config.site), JSON.stringify({ online: true, version: GATEWAY_VERSION }), {
      qos: 1,
      retain: true,
    })
    .catch((err: Error) => log.warn({ err }, 'gateway status publish failed'));
  const ports: RunningGateway['ports'] = {};
  if (transport instanceof EmbeddedBroker) {
    if (transport.port >= 0) ports.mqtt = transport.port;
    if (transport.wsPort >= 0) ports.ws = transport.wsPort;
    if (transport.tlsPort >= 0) ports.mqtts = transport.tlsPort;
  }
  let http: FastifyInstance | undefined;
  if (!o.noHttp && config.http.port >= 0) {
    http = await buildApi({
      db,
      registry,
      // at the center on PostgreSQL the alarm API reads the shared database
      alerts:
        centerData instanceof PgCenterData ? centerAlertReader(engine.alerts, centerData) : engine.alerts,
      ...(centerData instanceof PgCenterData ? { reports: pgReportSource(centerData.pool) } : {}),
      ...(sharedAudit ? { audit: sharedAudit } : {}),
      // ... and its staff accounts and sessions: a login on one instance is valid on all
      ...(centerData instanceof PgCenterData
        ? {
            accounts: (a: { sessionTtlMs: number }) => ({
              staff: new PgStaffStore((centerData as PgCenterData).pool, db),
              sessions: new PgSessionStore((centerData as PgCenterData).pool, a.sessionTtlMs),
              // failed logins counted where every instance counts them
              loginCounts: new PgLoginCounts((centerData as PgCenterData).pool),
            }),
          }
        : {}),
      bus: engine.bus,
      metrics: engine.metrics,
      config,
      engine,
      health,
      deviceClocks: engine.clocks,
      responderLinkKey: gatewayKeys(config.hmacKey).responderLink,
      tzMinutes: config.responders.tzMinutes,
      ...(center
        ? {
            center: {
              center: center.center,
              replayWindowS: config.center.replayWindowS,
              now: () => engine.clock.now(),
              guard: new WebhookGuard({
                limit: config.center.webhookFailLimit,
                windowS: config.center.webhookFailWindowS,
                metrics: engine.metrics,
                log,
                now: () => engine.clock.now(),
              }),
            },
          }
        : {}),
      ...(o.env ? { env: o.env } : {}),
      ...(o.print ? { print: o.print } : {}),
      ...(logger ? { logger } : { log }),
    });
    await http.listen({ port: config.http.port, host: config.http.host });
    const addr = http.server.address();
    if (addr && typeof addr === 'object') ports.http = addr.port;
  }
  const responders = startResponders(config, engine, directory, ports.http);
  let stopped = false;
  const running: RunningGateway = {
    config,
    engine,
    transport,
    directory,
    registry,
    responders,
    health,
    ports,
    gatewaySecret,
    async stop() {
      if (stopped) return;
      stopped = true;
      responders.stop();
      await http?.close();
      offRegistry?.();
      stopExternal?.();
      engine.supervisor.stop();
      center?.center.stop();
      await stopNotify?.();
      await transport
        .publish(
          topics.gatewayStatus(config.site),
          JSON.stringify({ online: false, version: GATEWAY_VERSION }),
          {
            qos: 1,
            retain: true,
          },
        )
        .catch(() => {});
      link?.stop();
      summary?.stop();
      await uplink?.stop();
      await transport.stop();
      engine.close();
      await engine.committer.whenSynced();
      await sharedAudit?.stop();
      await pgStations?.close();
      await centerData?.close();
      db.close();
    },
  };
  if (http) running.http = http;
  if (uplink) running.uplink = uplink;
  if (center) running.center = center;
  return running;
}

/** The station's registry summarised for the center console (outbox/registry-summary.ts): a
 *  device's registry change or live transition marks it; a resident's change sends a snapshot. */
function startRegistrySummary(
  config: GatewayConfig,
  engine: Engine,
  directory: DeviceDirectory,
  registry: Registry,
  uplink: Uplink,
  log: Logger,
): { stop(): void } {
  const summary = new RegistrySummary({
    site: config.site,
    directory,
    state: (id) => engine.states.peek(id),
    send: (body, key) => uplink.sendState(body, key),
    clock: engine.clock,
    log,
    snapshotS: config.uplink.registrySnapshotS,
  });
  const onDevice = (e: { id: string }) => summary.deviceChanged(e.id);
  engine.bus.on('device.changed', onDevice);
  const offRegistry = registry.onChange((c) =>
    c.type.startsWith('device.') ? summary.deviceChanged(c.id) : summary.snapshotSoon(),
  );
  summary.start();
  return {
    stop() {
      summary.stop();
      engine.bus.off('device.changed', onDevice);
      offRegistry();
    },
  };
}

/** The escalator to responders: off (said loudly) without a notifier URL. */
function startResponders(
  config: GatewayConfig,
  engine: Engine,
  directory: DeviceDirectory,
  httpPort: number | undefined,
): ResponderEscalator {
  const r = config.responders;
  const escalator = new ResponderEscalator({
    db: engine.db,
    alerts: engine.alerts,
    bus: engine.bus,
    directory,
    config: r,
    site: config.site,
    linkKey: gatewayKeys(config.hmacKey).responderLink,
    clock: engine.clock,
    log: engine.log,
    notifier:
      r.notifierUrl === ''
        ? undefined
        : new HttpNotifier({
            url: r.notifierUrl,
            secret: r.notifierSecret,
            timeoutMs: r.notifierTimeoutS * 1000,
          }),
  });
  if (r.notifierUrl !== '' && r.publicUrl === '') {
    const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
    escalator.setFallbackBaseUrl(`http://${host}:${httpPort ?? config.http.port}`);
    engine.log.warn(
      {
        base: `http://${host}:${httpPort ?? config.http.port}`,
      },
      'responders: no responders.publicUrl; links use the API address',
    );
  }
  escalator.start();
  return escalator;
}
