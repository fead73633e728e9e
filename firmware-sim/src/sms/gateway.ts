// A simulated SMS/voice gateway for the responders' notifier (issue #15): it takes the signed
// JSON the gateway POSTs (x-linli-timestamp, x-linli-signature = sha256 HMAC of
// `${timestamp}.${body}`, x-linli-message-id), refuses a bad or stale signature (401), drops a
// repeated message id (answers 200, counts it), records each message, can fail on purpose, and
// can answer for a responder by following the link in a message (the page's own API calls).
//   POST /messages         the notifier's endpoint
//   GET  /sim/messages     what was received (?to=<phone>)
//   POST /sim/answer       {id | to, action: going|there|ambulance|false-alarm|view}
//   POST /sim/fail         {count, status?}: answer the next `count` messages with `status` (503)
// The HTTP side is firmware-sim's control server (control.ts).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ControlReply, type ControlRequest, type ControlServer, startControlServer } from '../control.ts';
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

export class SmsGatewaySim {
  readonly messages: SmsMessage[] = [];
  readonly counters: SmsGatewayCounters = { accepted: 0, duplicates: 0, badSignature: 0, failedOnPurpose: 0 };
  private failing = 0;
  private failStatus = 503;
  private server: ControlServer | undefined;
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
    this.server = await startControlServer(
      {
        'POST /messages': (body, _query, req) => this.receive(body, req),
        'GET /sim/messages': (_body, query) => {
          const to = query.get('to');
          return { messages: this.messages.filter((m) => !to || m.to === to), counters: this.counters };
        },
        'POST /sim/answer': (body) =>
          this.answer(String(body.id ?? body.to ?? ''), String(body.action) as 'view'),
        'POST /sim/fail': (body) => {
          this.failNext(Number(body.count ?? 1), Number(body.status ?? 503));
          return { ok: true };
        },
      },
      this.o.port ?? 0,
      this.o.host ?? '127.0.0.1',
    );
    this.port = this.server.port;
    return this;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = undefined;
    await s.close();
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

  private verify(req: ControlRequest): boolean {
    const body = req.text;
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

  /** POST /messages: the notifier's signed message. */
  private receive(body: Record<string, unknown>, req: ControlRequest): ControlReply {
    if (!this.verify(req)) {
      this.counters.badSignature++;
      return new ControlReply(401, { error: 'SIGNATURE' });
    }
    if (this.failing > 0) {
      this.failing--;
      this.counters.failedOnPurpose++;
      return new ControlReply(this.failStatus, { error: 'FAILING' });
    }
    const m = body as unknown as Omit<SmsMessage, 'receivedAt'>;
    if (typeof m.id !== 'string' || typeof m.to !== 'string' || typeof m.link !== 'string')
      return new ControlReply(400, { error: 'FIELDS' });
    if (this.messages.some((x) => x.id === m.id)) {
      this.counters.duplicates++;
      return new ControlReply(200, { ok: true, duplicate: true });
    }
    this.messages.push({ ...m, receivedAt: Date.now() });
    this.counters.accepted++;
    for (const w of this.waiters.splice(0)) w();
    return new ControlReply(200, { ok: true });
  }
}

export function startSmsGateway(o: SmsGatewayOptions): Promise<SmsGatewaySim> {
  return new SmsGatewaySim(o).start();
}
