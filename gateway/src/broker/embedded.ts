// Embedded aedes broker: TCP and MQTT over WebSocket, device authentication and ACL, per-device
// rate limit. A device event is committed to SQLite inside authorizePublish, which aedes 1.x
// runs before it writes the PUBACK (lib/handlers/publish.js: authorizePublish → enqueuePublish
// → write PubAck), so a PUBACK always means "durably stored".
import { timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer, type IncomingMessage } from 'node:http';
import { type AddressInfo, createServer, type Server, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServer as createTlsServer } from 'node:tls';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { COMMAND_TTL_MS, type QueuedCommand } from '../alerts/feedback.ts';
import { centerTopics } from '../center/protocol.ts';
import type { Ingest, Principal } from '../ingest/pipeline.ts';
import { topics } from '../ingest/protocol.ts';
import type { Logger, Refusals } from '../ingest/refusals.ts';
import type { Verdict } from '../ingest/verdict.ts';
import { ThrottledLog } from '../log-throttle.ts';
import type { Metrics } from '../metrics.ts';
import type { DeviceDirectory } from '../types.ts';
import { type AdmissionOptions, ConnectAdmission, DEFAULT_ADMISSION } from './admission.ts';
import { AuthThrottle } from './auth-throttle.ts';
import { ClientIdPolicy } from './client-ids.ts';
import { mqtt5Bridge, peekConnect } from './mqtt5.ts';
import { DEFAULT_MAX_PACKET_BYTES, PacketSizeGuard } from './packet-guard.ts';
import { RateLimiter } from './rate-limit.ts';
import { indexedRetainedPersistence } from './retained-index.ts';
import type { Transport } from './transport.ts';

export interface EmbeddedBrokerOptions {
  host: string;
  /** TCP port; 0 ephemeral; -1 off */
  port: number;
  /** WebSocket port; 0 ephemeral; -1 off */
  wsPort: number;
  /** MQTT over TLS: port (0 ephemeral, -1 off) with PEM certificate and key */
  tls?: { port: number; cert: Buffer | string; key: Buffer | string };
  directory: DeviceDirectory;
  ingest: Ingest;
  refusals: Refusals;
  log: Logger;
  metrics: Metrics;
  /** Failed logins per remote address: `limit` within `windowS` block the address for `blockS` */
  authThrottle: { limit: number; windowS: number; blockS: number };
  rateLimitPerS: number;
  rateBurst: number;
  /** Largest packet a client may send (PacketSizeGuard); default DEFAULT_MAX_PACKET_BYTES */
  maxPacketBytes?: number;
  /** Credentials accepted for usernames starting with 'gateway:' */
  gatewaySecret: string;
  /** Zigbee2MQTT bridge accounts: may publish and subscribe zigbee2mqtt/# only */
  zigbeeBridges: { username: string; password: string }[];
  /** A device subscribed to its cmd topic (resend pending commands). */
  onCommandSubscribe?: (deviceId: string) => void;
  /** Role center: stations instead of devices (center/broker-hooks.ts). */
  stations?: StationHooks;
  /** CONNECTs processed at once / started per event-loop turn (broker/admission.ts) */
  admission?: AdmissionOptions;
}

/** What the broker needs of the center: station accounts, their messages, their subscriptions. */
export interface StationHooks {
  authenticate(site: string, password: Buffer): Promise<boolean>;
  /** Resolves once the message is durably stored (or refused and counted); rejects on a store failure. */
  receive(site: string, payload: Buffer): Promise<void>;
  /** The station subscribed to its ack topic. */
  onSubscribe(site: string): void;
}

function safeEqual(a: Buffer, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Pending TCP connections the kernel queues for us (capped by net.core.somaxconn). Node's
 *  default 511 overflows when thousands of devices reconnect at once after a power cut: the
 *  dropped SYNs are retried by the devices' kernels after 1, 3, 7 s… and the storm drags on. */
const LISTEN_BACKLOG = 8192;

/** The packets written to a connection in one event-loop turn leave in one write (a storm's
 *  SUBACK and PUBACK of a device, a burst of commands): a syscall each was a tenth of a storm. */
function coalesceWrites(socket: Socket): void {
  let held = false;
  const release = () => {
    if (!held) return;
    held = false;
    socket.uncork();
  };
  const write = socket.write;
  socket.write = function (this: Socket, ...args: Parameters<Socket['write']>) {
    if (!held && !this.destroyed) {
      held = true;
      this.cork();
      setImmediate(release);
    }
    return write.apply(this, args);
  } as Socket['write'];
  // destroy() drops what is buffered: what was written before it (a refusing CONNACK) goes first
  const destroy = socket.destroy;
  socket.destroy = function (this: Socket, ...args: Parameters<Socket['destroy']>) {
    release();
    return destroy.apply(this, args);
  } as Socket['destroy'];
}

/** An error that closes a client after it was counted as a refusal (not counted again). */
class RefusedError extends Error {}

/** Client errors that are the network's doing, not the client's: logged, not counted. */
const NETWORK_ERRORS =
  /^(connection closed|keep alive timeout|drain timeout)$|ECONNRESET|EPIPE|ETIMEDOUT|write after end/;

class AuthError extends Error {
  readonly returnCode: 2 | 4 | 5;
  constructor(message: string, code: 2 | 4 | 5) {
    super(message);
    this.returnCode = code;
  }
}

/** Answer aedes' authorizePublish with an ingest verdict. */
function settlePublish(v: Verdict, packet: { retain: boolean }, done: (err?: Error | null) => void): void {
  if (v.ok) done(null);
  else if (v.disconnect) done(new RefusedError(`${v.reason}: ${v.detail}`));
  else {
    packet.retain = false; // acknowledged and dropped: never keep a refused message retained
    done(null);
  }
}

export class EmbeddedBroker implements Transport {
  readonly mode = 'embedded' as const;
  readonly aedes: Aedes;
  private tcp: Server | undefined;
  private tlsServer: Server | undefined;
  private http: HttpServer | undefined;
  private wss: WebSocketServer | undefined;
  private readonly principals = new WeakMap<Client, Principal>();
  private readonly limiter: RateLimiter;
  private readonly clientIds = new ClientIdPolicy();
  private readonly throttle: AuthThrottle;
  /** Client errors and blocks, at most 20 lines per kind and minute */
  private readonly quietLog: ThrottledLog;
  /** Remote address of each connection handed to aedes (client.conn) */
  private readonly addresses = new WeakMap<object, string>();
  /** Connected device clients by device id (to cut off a retired device). */
  private readonly byDevice = new Map<string, Client>();
  /** Outgoing commands waiting for the device's PUBACK, keyed by topic + payload. */
  private readonly awaitingAck = new Map<string, { at: number; delivered: () => void }>();
  /** Logins processed at once are bounded (a reconnect storm must not starve publishes). */
  readonly admission: ConnectAdmission;
  /** The admission slot a connection holds until its CONNACK went out */
  private readonly slots = new WeakMap<object, () => void>();
  port = -1;
  wsPort = -1;
  tlsPort = -1;

  constructor(private readonly o: EmbeddedBrokerOptions) {
    this.limiter = new RateLimiter(o.rateLimitPerS, o.rateBurst);
    this.throttle = new AuthThrottle(o.authThrottle);
    this.quietLog = new ThrottledLog(o.log);
    this.admission = new ConnectAdmission(o.admission ?? DEFAULT_ADMISSION);
    o.metrics.addressesBlocked.collect = () => o.metrics.addressesBlocked.set(this.throttle.blockedCount());
    this.aedes = new Aedes({
      id: 'linli-gateway',
      persistence: indexedRetainedPersistence(),
      authenticate: (client, username, password, done) => this.authenticate(client, username, password, done),
      authorizePublish: (client, packet, done) => this.authorizePublish(client, packet.topic, packet, done),
      authorizeSubscribe: (client, sub, done) =>
        done(null, this.authorizeSubscribe(client, sub.topic) ? sub : null),
    });
    this.aedes.on('connackSent', (_packet, client) => this.slots.get(client.conn)?.());
    this.aedes.on('ack', (packet, _client) => {
      if (!packet || !('topic' in packet) || !packet.payload) return;
      const key = `${packet.topic}\n${packet.payload.toString()}`;
      const w = this.awaitingAck.get(key);
      if (w) {
        this.awaitingAck.delete(key);
        w.delivered();
      }
    });
    this.aedes.on('subscribe', (subs, client) => {
      const p = client && this.principals.get(client);
      if (p?.kind === 'station' && subs.some((s) => s.topic === centerTopics.ack(p.site)))
        this.o.stations?.onSubscribe(p.site);
      if (p?.kind !== 'device') return;
      if (subs.some((s) => s.topic === topics.cmd(p.device.site, p.device.id)))
        this.o.onCommandSubscribe?.(p.device.id);
    });
    this.aedes.on('clientDisconnect', (client) => {
      const p = this.principals.get(client);
      // a clean session is gone with its connection (unless a new session of the same id holds it)
      const holder = (this.aedes as unknown as { clients: Record<string, Client | undefined> }).clients[
        client.id
      ];
      if (p && client.clean && (holder === undefined || holder === client)) this.clientIds.release(client.id);
      if (p?.kind !== 'device') return;
      this.limiter.forget(client.id);
      if (this.byDevice.get(p.device.id) === client) this.byDevice.delete(p.device.id);
    });
    this.aedes.on('client', (client) => {
      const p = this.principals.get(client);
      if (p?.kind === 'device') this.byDevice.set(p.device.id, client);
    });
    // A refused CONNECT (errorCode) or publish (RefusedError) is already counted; a malformed
    // or out-of-order packet is counted as 'protocol'; network trouble is only logged.
    const onError = (client: Client | undefined, err: Error) => {
      if (err instanceof AuthError || err instanceof RefusedError) return;
      if (NETWORK_ERRORS.test(err.message) || (err as { code?: string }).code?.startsWith('E'))
        return this.quietLog.info(
          'client-error',
          {
            clientId: client?.id,
            err,
          },
          'mqtt client error',
        );
      this.o.refusals.refuse({
        reason: 'protocol',
        ...(client?.id ? { clientId: client.id } : {}),
        detail: `connection closed: ${err.message}`,
      });
    };
    this.aedes.on('clientError', onError);
    this.aedes.on('connectionError', onError);
  }

  private authenticate(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
    done: (error: AuthenticateError | null, success: boolean | null) => void,
  ) {
    // the remote address; undefined (never seen in practice) is not throttled rather than lumped together
    const address = this.addresses.get(client.conn);
    const refuse = (
      detail: string,
      code: 2 | 4 | 5 = 4,
      reason: 'auth' | 'client-id' = 'auth',
      /** false for our own failures (registry error): they must not block the devices' address */
      countForAddress = true,
    ) => {
      this.o.refusals.refuse({
        reason,
        clientId: client.id,
        ...(username ? { username } : {}),
        detail,
      });
      if (countForAddress && address !== undefined && this.throttle.failed(address, username)) {
        this.o.metrics.addressBlocks.inc();
        this.quietLog.warn(
          'address-blocked',
          {
            address,
            blockS: this.o.authThrottle.blockS,
          },
          'mqtt address blocked after failed logins',
        );
      }
      done(new AuthError(detail, code) as unknown as AuthenticateError, false);
    };
    // A blocked address is refused before any password is checked (no hashing for a flood).
    const admitted = address === undefined ? { ok: true as const } : this.throttle.admit(address, username);
    if (!admitted.ok) {
      this.o.refusals.refuse({
        reason: 'address-blocked',
        clientId: client.id,
        detail: `address blocked after failed logins, retry in ${admitted.retryInS} s`,
      });
      return done(new AuthError('address blocked', 5) as unknown as AuthenticateError, false);
    }
    if (!username || !password) return refuse('no credentials');
    if (this.o.stations && !username.startsWith('gateway:')) {
      // role center: only stations (and the gateway's own clients); no devices
      this.o.stations.authenticate(username, password).then(
        (ok) => {
          if (!ok) return refuse('unknown station or wrong password');
          this.admit({ kind: 'station', site: username }, client, address, username, refuse, done);
        },
        (err: Error) => refuse(`station store error: ${err.message}`, 4, 'auth', false),
      );
      return;
    }
    const bridge = this.o.zigbeeBridges.find((b) => b.username === username);
    if (username.startsWith('gateway:')) {
      if (!safeEqual(password, this.o.gatewaySecret)) return refuse('bad gateway credential');
      return this.admit({ kind: 'gateway', username }, client, address, username, refuse, done);
    }
    if (bridge) {
      if (!safeEqual(password, bridge.password)) return refuse('bad bridge credential');
      return this.admit({ kind: 'bridge', username }, client, address, username, refuse, done);
    }
    // a device: its credential is hashed on the thread pool (a reconnect storm is thousands at once)
    Promise.resolve()
      .then(() => this.o.directory.authenticate(username, password))
      .then(
        (device) => {
          if (!device || device.retired) return refuse('unknown device or wrong secret');
          this.admit(
            { kind: 'device', device, clientId: client.id },
            client,
            address,
            username,
            refuse,
            done,
          );
        },
        (err: Error) => refuse(`directory error: ${(err as Error).message}`, 4, 'auth', false),
      );
  }

  private admit(
    principal: Principal,
    client: Client,
    address: string | undefined,
    username: string,
    refuse: (detail: string, code: 2 | 4 | 5, reason: 'auth' | 'client-id') => void,
    done: (error: AuthenticateError | null, success: boolean | null) => void,
  ) {
    // A client id belongs to one account: no account may take over another's session.
    const idProblem = this.clientIds.check(principal, client.id);
    if (idProblem) return refuse(`client id ${client.id} refused: ${idProblem}`, 2, 'client-id');
    this.clientIds.claim(principal, client.id);
    if (address !== undefined) this.throttle.succeeded(address, username);
    this.principals.set(client, principal);
    done(null, true);
  }

  private authorizeSubscribe(client: Client, topic: string): boolean {
    const p = this.principals.get(client);
    if (!p) return false;
    if (p.kind === 'gateway') return true;
    if (p.kind === 'device' && topic === topics.cmd(p.device.site, p.device.id)) return true;
    if (p.kind === 'bridge' && (topic === 'zigbee2mqtt/#' || topic.startsWith('zigbee2mqtt/'))) return true;
    if (p.kind === 'station' && topic === centerTopics.ack(p.site)) return true;
    this.o.refusals.refuse({
      reason: 'acl-subscribe',
      clientId: client.id,
      username:
        p.kind === 'device'
          ? p.device.id
          : p.kind === 'bridge'
            ? p.username
            : p.kind === 'station'
              ? `station:${p.site}`
              : 'gateway',
      topic,
      detail: p.kind === 'station' ? 'subscribe outside own ack topic' : 'subscribe outside own cmd topic',
    });
    return false;
  }

  private authorizePublish(
    client: Client | null,
    topic: string,
    packet: { payload: Buffer | string; retain: boolean; qos: number },
    done: (err?: Error | null) => void,
  ) {
    const principal: Principal | undefined = client ? this.principals.get(client) : { kind: 'trusted' };
    if (!principal) {
      this.o.refusals.refuse({ reason: 'auth', topic, detail: 'publish before authentication' });
      return done(new RefusedError('not authenticated'));
    }
    if (principal.kind === 'gateway') return done(null); // the gateway's own traffic
    if (principal.kind === 'station') {
      if (!this.o.stations || topic !== centerTopics.alert(principal.site)) {
        this.o.refusals.refuse({
          reason: 'acl',
          clientId: client?.id,
          username: `station:${principal.site}`,
          topic,
          detail: 'publish outside own alert topic',
        } as Parameters<Refusals['refuse']>[0]);
        return done(new RefusedError('publish outside own alert topic'));
      }
      packet.retain = false; // never retained (contract)
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      this.o.stations.receive(principal.site, payload).then(
        () => done(null),
        (err: Error) => done(err),
      );
      return;
    }
    if (principal.kind === 'device' && client && !this.limiter.take(client.id)) {
      this.o.refusals.refuse({ reason: 'rate', clientId: client.id, username: principal.device.id, topic });
      return done(new RefusedError('rate limit exceeded'));
    }
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    // a heartbeat's verdict comes at once (no promise per message); a stored event's after its commit
    const v = this.o.ingest.handleNow(principal, topic, payload);
    if (v instanceof Promise) v.then((r) => settlePublish(r, packet, done));
    else settlePublish(v, packet, done);
  }

  /** Hand a connection to aedes (through the MQTT 5 translator when its CONNECT says level 5),
   *  with a guard that closes it on an oversize packet (counted). */
  private accept(
    stream: Duplex,
    close: () => void,
    address: string | undefined,
    req?: IncomingMessage,
  ): void {
    // Attached after aedes' 'readable' listener, a 'data' listener only observes what aedes reads.
    const maxBytes = this.o.maxPacketBytes ?? DEFAULT_MAX_PACKET_BYTES;
    const guard = new PacketSizeGuard(maxBytes);
    const onData = (chunk: Buffer) => {
      const verdict = guard.observe(chunk);
      if (verdict.ok) return;
      stream.off('data', onData);
      this.o.refusals.refuse({ reason: 'oversize', detail: `connection closed: ${verdict.detail}` });
      close();
    };
    // the whole CONNECT first (no slot for a slow sender), then a login slot (admission.ts)
    peekConnect(stream, maxBytes, (level) => {
      const cancel = this.admission.enter((release) => {
        if (stream.destroyed) return release();
        stream.once('close', release);
        if (stream instanceof Socket) coalesceWrites(stream);
        let conn: Duplex = stream;
        if (level === 5) {
          conn = mqtt5Bridge(stream, (err) =>
            this.o.refusals.refuse({ reason: 'protocol', detail: `connection closed: ${err.message}` }),
          );
        }
        this.slots.set(conn, release);
        this.addresses.set(conn, address ?? 'unknown');
        if (req) this.aedes.handle(conn, req);
        else this.aedes.handle(conn);
        stream.on('data', onData);
      });
      stream.once('close', cancel);
    });
  }

  async start(): Promise<void> {
    await this.aedes.listen(); // persistence and mqemitter ready (what Aedes.createBroker does)
    if (this.o.port >= 0) {
      const tcp = createServer((socket) => this.accept(socket, () => socket.destroy(), socket.remoteAddress));
      this.tcp = tcp;
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen({ port: this.o.port, host: this.o.host, backlog: LISTEN_BACKLOG }, () => resolve());
      });
      this.port = (tcp.address() as AddressInfo).port;
    }
    if (this.o.tls && this.o.tls.port >= 0) {
      const tls = createTlsServer({ cert: this.o.tls.cert, key: this.o.tls.key }, (socket) =>
        this.accept(socket, () => socket.destroy(), socket.remoteAddress),
      );
      tls.on('tlsClientError', (err) => this.o.log.info({ err }, 'mqtts handshake failed'));
      this.tlsServer = tls;
      await new Promise<void>((resolve, reject) => {
        tls.once('error', reject);
        tls.listen({ port: this.o.tls!.port, host: this.o.host, backlog: LISTEN_BACKLOG }, () => resolve());
      });
      this.tlsPort = (tls.address() as AddressInfo).port;
    }
    if (this.o.wsPort >= 0) {
      const http = createHttpServer((_req, res) => {
        res.writeHead(426, { 'content-type': 'text/plain' }).end('MQTT over WebSocket only\n');
      });
      this.http = http;
      this.wss = new WebSocketServer({ server: http });
      this.wss.on('connection', (ws, req) => {
        const stream = createWebSocketStream(ws);
        stream.on('error', () => ws.terminate());
        this.accept(stream, () => ws.terminate(), req.socket.remoteAddress, req);
      });
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(this.o.wsPort, this.o.host, () => resolve());
      });
      this.wsPort = (http.address() as AddressInfo).port;
    }
  }

  /** Close a device's connection (retired or changed in the registry: it must authenticate again). */
  disconnectDevice(id: string): boolean {
    const c = this.byDevice.get(id);
    if (!c) return false;
    this.byDevice.delete(id);
    c.close();
    return true;
  }

  sendCommand(cmd: QueuedCommand, onDelivered: () => void): void {
    if (this.awaitingAck.size >= 1000) {
      // a device that never takes its commands must not grow this map without end
      const oldest = Date.now() - COMMAND_TTL_MS;
      for (const [k, w] of this.awaitingAck) if (w.at < oldest) this.awaitingAck.delete(k);
    }
    this.awaitingAck.set(`${cmd.topic}\n${cmd.payload}`, { at: Date.now(), delivered: onDelivered });
    this.aedes.publish(
      {
        cmd: 'publish',
        topic: cmd.topic,
        payload: Buffer.from(cmd.payload),
        qos: 1,
        retain: false,
        dup: false,
      },
      (err) => {
        if (err) this.o.log.warn({ topic: cmd.topic, err }, 'command publish failed');
      },
    );
  }

  publish(topic: string, payload: string | Buffer, opts: { qos: 0 | 1; retain?: boolean }): Promise<void> {
    return new Promise((resolve, reject) => {
      this.aedes.publish(
        {
          cmd: 'publish',
          topic,
          payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
          qos: opts.qos,
          retain: opts.retain ?? false,
          dup: false,
        },
        (err) => (err ? reject(err) : resolve()),
      );
    });
  }

  async stop(): Promise<void> {
    this.admission.clear();
    this.wss?.clients.forEach((ws) => {
      ws.terminate();
    });
    await new Promise<void>((resolve) => this.aedes.close(() => resolve()));
    await Promise.all(
      [this.tcp, this.tlsServer, this.http].map(
        (s) =>
          new Promise<void>((resolve) => {
            if (!s?.listening) return resolve();
            s.close(() => resolve());
            (s as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      ),
    );
    this.wss?.close();
  }
}
