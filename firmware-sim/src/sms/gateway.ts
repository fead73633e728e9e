// A simulated SMS/voice gateway for the responders' notifier (issue #15): it takes the signed
// JSON the gateway POSTs (x-linli-timestamp, x-linli-signature = sha256 HMAC of
// `${timestamp}.${body}`, x-linli-message-id), refuses a bad or stale signature (401), drops a
// repeated message id (answers 200, counts it), records each message, can fail on purpose, and
// can answer for a responder by following the link in a message (the page's own API calls).
//   POST /messages         the notifier's endpoint
//   GET  /sim/messages     what was received (?to=<phone>)
//   POST /sim/answer       {id | to, action: going|there|ambulance|false-alarm|view}
//   POST /sim/fail         {count, status?}: answer the next `count` messages with `status` (503)
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SimError } from '../errors.ts';

export interface SmsMessage {
  id: string;
  to: string;
  text: string;
  link: string;
  alertId?: string;
  responderId?: string;
  receivedAt: number;
}

export interface SmsGatewayOptions {
  /** The shared signing secret (responders.notifierSecret of the gateway). */
  secret: string;
  port?: number;
  host?: string;
  /** Signatures older or newer than this are refused, ms (default 5 min). */
  maxSkewMs?: number;
}

export interface SmsGatewayCounters {
  accepted: number;
  duplicates: number;
  badSignature: number;
  failedOnPurpose: number;
}

const MAX_BODY = 64 * 1024;

export class SmsGatewaySim {
  readonly messages: SmsMessage[] = [];
  readonly counters: SmsGatewayCounters = { accepted: 0, duplicates: 0, badSignature: 0, failedOnPurpose: 0 };
  private failing = 0;
  private failStatus = 503;
  private server: Server | undefined;
  private waiters: (() => void)[] = [];
  port = 0;

  constructor(private readonly o: SmsGatewayOptions) {
    if (Buffer.byteLength(o.secret) < 16)
      throw new SimError('SIM_ARGS', 'the signing secret needs 16+ bytes');
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: Error) =>
        send(res, 400, { error: 'BAD_REQUEST', message: err.message }),
      );
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.o.port ?? 0, this.o.host ?? '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = undefined;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Answer the next `count` messages with `status` (the notifier must retry). */
  failNext(count: number, status = 503): void {
    this.failing = count;
    this.failStatus = status;
  }

  /** The first message (to `to`, if given) matching, waiting up to timeoutMs. */
  async waitFor(pred: (m: SmsMessage) => boolean, timeoutMs = 10_000): Promise<SmsMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.messages.find(pred);
      if (m) return m;
      const left = deadline - Date.now();
      if (left <= 0) throw new SimError('SIM_TIMEOUT', `no such SMS within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Follow a message's link as the responder's phone would: its page's API with the token. */
  async answer(
    id: string,
    action: 'going' | 'there' | 'ambulance' | 'false-alarm' | 'view',
  ): Promise<{ status: number; body: unknown }> {
    const m = this.messages.find((x) => x.id === id || x.to === id);
    if (!m) throw new SimError('SIM_CONTROL', `no message ${id}`);
    const url = new URL(m.link);
    const token = url.hash.slice(1);
    const api = `${url.origin}/api/responder/${action === 'view' ? 'alert' : 'action'}`;
    const res = await fetch(api, {
      method: action === 'view' ? 'GET' : 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        ...(action === 'view' ? {} : { 'content-type': 'application/json' }),
      },
      ...(action === 'view' ? {} : { body: JSON.stringify({ action }) }),
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  }

  private verify(req: IncomingMessage, body: string): boolean {
    const ts = String(req.headers['x-linli-timestamp'] ?? '');
    const sig = String(req.headers['x-linli-signature'] ?? '');
    if (!/^\d{1,16}$/.test(ts) || Math.abs(Date.now() - Number(ts)) > (this.o.maxSkewMs ?? 300_000))
      return false;
    const want = Buffer.from(
      `sha256=${createHmac('sha256', this.o.secret).update(`${ts}.${body}`).digest('hex')}`,
    );
    const got = Buffer.from(sig);
    return got.length === want.length && timingSafeEqual(got, want);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = `${req.method} ${url.pathname}`;
    const text = await readBody(req);
    if (route === 'POST /messages') {
      if (!this.verify(req, text)) {
        this.counters.badSignature++;
        return send(res, 401, { error: 'SIGNATURE' });
      }
      if (this.failing > 0) {
        this.failing--;
        this.counters.failedOnPurpose++;
        return send(res, this.failStatus, { error: 'FAILING' });
      }
      const m = JSON.parse(text) as Omit<SmsMessage, 'receivedAt'>;
      if (typeof m.id !== 'string' || typeof m.to !== 'string' || typeof m.link !== 'string')
        return send(res, 400, { error: 'FIELDS' });
      if (this.messages.some((x) => x.id === m.id)) {
        this.counters.duplicates++;
        return send(res, 200, { ok: true, duplicate: true });
      }
      this.messages.push({ ...m, receivedAt: Date.now() });
      this.counters.accepted++;
      for (const w of this.waiters.splice(0)) w();
      return send(res, 200, { ok: true });
    }
    if (route === 'GET /sim/messages') {
      const to = url.searchParams.get('to');
      return send(res, 200, {
        messages: this.messages.filter((m) => !to || m.to === to),
        counters: this.counters,
      });
    }
    const body = text.trim() ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (route === 'POST /sim/answer')
      return send(
        res,
        200,
        await this.answer(String(body.id ?? body.to ?? ''), String(body.action) as 'view'),
      );
    if (route === 'POST /sim/fail') {
      this.failNext(Number(body.count ?? 1), Number(body.status ?? 503));
      return send(res, 200, { ok: true });
    }
    send(res, 404, { error: 'NOT_FOUND', message: `no route ${route}` });
  }
}

function send(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(value));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new SimError('SIM_CONTROL', `body over ${MAX_BODY} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function startSmsGateway(o: SmsGatewayOptions): Promise<SmsGatewaySim> {
  return new SmsGatewaySim(o).start();
}
