// The HTTP interface to an SMS/voice gateway: one JSON POST per message, signed so the gateway
// can tell it came from this station — x-linli-timestamp (epoch ms) and x-linli-signature
// "sha256=<hex HMAC-SHA256 of `${timestamp}.${body}`>" under the shared secret; x-linli-message-id
// is the message's id (the same on every retry: a receiver drops a repeat). Any 2xx is delivered.
import { createHmac } from 'node:crypto';

export interface OutgoingMessage {
  id: string;
  to: string;
  text: string;
  link: string;
  alertId: string;
  responderId: string;
}

export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface NotifierOptions {
  url: string;
  secret: string;
  timeoutMs: number;
  now?: () => number;
}

/** What the escalator sends through (the HTTP notifier; a test's own). */
export interface Notifier {
  send(m: OutgoingMessage): Promise<void>;
}

export class HttpNotifier implements Notifier {
  constructor(private readonly o: NotifierOptions) {}

  /** Resolves when the SMS gateway answered 2xx; rejects with the reason otherwise. */
  async send(m: OutgoingMessage): Promise<void> {
    const body = JSON.stringify({
      id: m.id,
      to: m.to,
      text: m.text,
      link: m.link,
      alertId: m.alertId,
      responderId: m.responderId,
    });
    const ts = String((this.o.now ?? Date.now)());
    const res = await fetch(this.o.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-linli-timestamp': ts,
        'x-linli-signature': signature(this.o.secret, ts, body),
        'x-linli-message-id': m.id,
      },
      body,
      signal: AbortSignal.timeout(this.o.timeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status < 200 || res.status >= 300) throw new Error(`SMS gateway answered ${res.status}`);
  }
}

/** Delay before retry n (1-based): 1, 2, 4 … s, at most 60 s. */
export function backoffMs(attempt: number): number {
  return Math.min(60_000, 1000 * 2 ** Math.max(0, attempt - 1));
}
