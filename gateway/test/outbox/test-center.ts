// A minimal center that follows docs/center-link.md, for the station's tests while the real
// center (gateway/src/center/) is built elsewhere: an aedes broker with one account per
// station (it may publish only its alert topic and subscribe only its ack topic), a ledger that
// records every (alertId, rev) once and answers `stored` only after recording, supervision
// answers, action requests down to the station, and the webhook receiver checking the HMAC
// signature and the replay window.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { Aedes } from 'aedes';

export interface LedgerEntry {
  alertId: string;
  rev: number;
  state: string;
  acknowledgedBy?: string;
  via: 'mqtt' | 'webhook';
  context: Record<string, unknown>;
}

export class TestCenter {
  /** Every revision stored, in order of first arrival */
  readonly ledger: LedgerEntry[] = [];
  readonly stored = new Set<string>();
  /** Revisions that arrived again after being stored (at-least-once; applied once) */
  duplicates = 0;
  readonly actionResults = new Map<string, Record<string, unknown>>();
  readonly supervision: { path: string; at: number }[] = [];
  readonly webhookRefused: string[] = [];
  /** Action requests not yet answered, also handed out in webhook answers */
  readonly pendingActions = new Map<string, Record<string, unknown>>();
  /** false: the center takes messages but answers nothing (a silent path) */
  answering = true;
  mqttPort = 0;
  httpPort = 0;
  private aedes: Aedes | undefined;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private http: HttpServer | undefined;

  constructor(
    readonly site: string,
    readonly password: string,
    readonly webhookKey: string,
  ) {}

  private record(m: Record<string, unknown>, via: 'mqtt' | 'webhook'): Record<string, unknown> | undefined {
    if (m.site !== this.site) return undefined;
    if (m.kind === 'alert') {
      const key = `${m.alertId}:${m.rev}`;
      const duplicate = this.stored.has(key);
      if (duplicate) this.duplicates++;
      else {
        const a = m.alert as { state: string; acknowledgedBy?: string };
        this.stored.add(key);
        this.ledger.push({
          alertId: m.alertId as string,
          rev: m.rev as number,
          state: a.state,
          ...(a.acknowledgedBy ? { acknowledgedBy: a.acknowledgedBy } : {}),
          via,
          context: m.context as Record<string, unknown>,
        });
      }
      return { v: 1, kind: 'stored', alertId: m.alertId, rev: m.rev, duplicate, at: Date.now() };
    }
    if (m.kind === 'action-result') {
      this.actionResults.set(m.actionId as string, m);
      this.pendingActions.delete(m.actionId as string);
      return { v: 1, kind: 'stored', actionId: m.actionId, at: Date.now() };
    }
    if (m.kind === 'supervision') {
      this.supervision.push({ path: m.path as string, at: m.at as number });
      return { v: 1, kind: 'supervision-ack', at: Date.now() };
    }
    return undefined;
  }

  private ackTopic(): string {
    return `linli/v1/center/${this.site}/ack`;
  }

  /** The center's broker; with `tls` (PEM cert and key) it listens for mqtts:// only. */
  async startMqtt(port = 0, tls?: { cert: Buffer; key: Buffer }): Promise<void> {
    const alertTopic = `linli/v1/center/${this.site}/alert`;
    const aedes = new Aedes({
      authenticate: (client, username, password, done) => {
        const ok =
          username === this.site &&
          password?.toString() === this.password &&
          client.id === `station-${this.site}`;
        done(null, ok);
      },
      authorizePublish: (client, packet, done) => {
        if (!client) return done(null);
        done(packet.topic === alertTopic && !packet.retain ? null : new Error('not allowed'));
      },
      authorizeSubscribe: (_client, sub, done) => done(null, sub.topic === this.ackTopic() ? sub : null),
    });
    await aedes.listen();
    this.aedes = aedes;
    aedes.on('publish', (packet, client) => {
      if (!client || packet.topic !== `linli/v1/center/${this.site}/alert`) return;
      let m: Record<string, unknown>;
      try {
        m = JSON.parse(packet.payload.toString());
      } catch {
        return;
      }
      const answer = this.record(m, 'mqtt'); // recorded first, then answered
      if (answer && this.answering)
        aedes.publish(
          {
            cmd: 'publish',
            topic: this.ackTopic(),
            payload: Buffer.from(JSON.stringify(answer)),
            qos: 1,
            retain: false,
            dup: false,
          },
          () => {},
        );
    });
    const onConnection = (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      aedes.handle(s);
    };
    const server: Server = tls ? createTlsServer(tls, onConnection) : createServer(onConnection);
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
    this.mqttPort = (server.address() as AddressInfo).port;
  }

  /** Cut the MQTT path: the broker goes away (its port refuses connections). */
  async stopMqtt(): Promise<void> {
    const server = this.server;
    const aedes = this.aedes;
    this.server = undefined;
    this.aedes = undefined;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => (aedes ? aedes.close(() => resolve()) : resolve()));
  }

  async startHttp(): Promise<void> {
    this.http = createHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const refuse = (status: number, reason: string) => {
          this.webhookRefused.push(reason);
          res
            .writeHead(status, { 'content-type': 'application/json' })
            .end(JSON.stringify({ error: reason }));
        };
        if (req.method !== 'POST' || req.url !== '/api/center/v1/ingest') return refuse(404, 'NOT_FOUND');
        const ts = Number(req.headers['x-linli-timestamp']);
        if (req.headers['x-linli-site'] !== this.site) return refuse(401, 'SITE');
        if (!Number.isFinite(ts) || Math.abs(Date.now() - ts) > 300_000) return refuse(401, 'REPLAY_WINDOW');
        const want = Buffer.from(
          `sha256=${createHmac('sha256', this.webhookKey).update(`${ts}.${raw}`).digest('hex')}`,
        );
        const got = Buffer.from(String(req.headers['x-linli-signature'] ?? ''));
        if (got.length !== want.length || !timingSafeEqual(got, want)) return refuse(401, 'SIGNATURE');
        let m: Record<string, unknown>;
        try {
          m = JSON.parse(raw);
        } catch {
          return refuse(400, 'BODY');
        }
        const key = req.headers['idempotency-key'];
        const expected =
          m.kind === 'alert'
            ? `${this.site}:${m.alertId}:${m.rev}`
            : m.kind === 'action-result'
              ? `${this.site}:action:${m.actionId}`
              : m.kind === 'registry'
                ? `${this.site}:registry:${m.at}:${(m.snapshot as { part?: number } | undefined)?.part ?? 0}`
                : `${this.site}:supervision:${m.at}`;
        if (key !== expected) return refuse(400, 'IDEMPOTENCY_KEY');
        if (!this.answering) return; // silent: the request hangs until the station gives up
        const answer = this.record(m, 'webhook');
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            stored: true,
            duplicate: answer?.duplicate === true,
            actions: [...this.pendingActions.values()],
          }),
        );
      });
    });
    await new Promise<void>((resolve) => this.http!.listen(0, '127.0.0.1', () => resolve()));
    this.httpPort = (this.http.address() as AddressInfo).port;
  }

  get webhookUrl(): string {
    return `http://127.0.0.1:${this.httpPort}/api/center/v1/ingest`;
  }

  /** An operator's action request, down the MQTT path (and in every webhook answer until answered). */
  sendAction(a: {
    actionId: string;
    alertId: string;
    action: string;
    by: string;
    outcome?: string;
    note?: string;
  }): void {
    const m = { v: 1, kind: 'action', at: Date.now(), ...a };
    this.pendingActions.set(a.actionId, m);
    this.aedes?.publish(
      {
        cmd: 'publish',
        topic: this.ackTopic(),
        payload: Buffer.from(JSON.stringify(m)),
        qos: 1,
        retain: false,
        dup: false,
      },
      () => {},
    );
  }

  /** Revisions of one alert in order of arrival. */
  revs(alertId: string): number[] {
    return this.ledger.filter((e) => e.alertId === alertId).map((e) => e.rev);
  }

  async stop(): Promise<void> {
    await this.stopMqtt();
    this.http?.closeAllConnections();
    await new Promise<void>((resolve) => (this.http ? this.http.close(() => resolve()) : resolve()));
  }
}

/** Poll until cond() holds (generous deadline: the machine is shared). */
export async function until(cond: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
