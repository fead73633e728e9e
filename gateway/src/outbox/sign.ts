// The webhook's signature (docs/center-link.md, path 2): HMAC-SHA256 over `${ts}.${rawBody}`.
import { createHmac } from 'node:crypto';

export function signature(key: string, ts: number, rawBody: string): string {
  return `sha256=${createHmac('sha256', key).update(`${ts}.${rawBody}`).digest('hex')}`;
}

export function signedHeaders(
  site: string,
  key: string,
  rawBody: string,
  idempotencyKey: string,
  now: number,
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-linli-site': site,
    'x-linli-timestamp': String(now),
    'x-linli-signature': signature(key, now, rawBody),
    'idempotency-key': idempotencyKey,
  };
}
