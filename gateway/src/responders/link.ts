// The responder's link: a token naming one alert and one responder until an expiry, signed with
// HMAC-SHA256 under the gateway's 'responder-link' subkey (keys.ts). It travels in the URL
// fragment (/responder/#<token>), which a browser never sends to a server, and then in the
// Authorization header of the page's API calls: it never reaches a request log or a Referer.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { LinliError } from '@linli/shared';

export interface LinkClaims {
  alertId: string;
  responderId: string;
  /** epoch ms */
  exp: number;
}

const PART = /^[A-Za-z0-9_-]+$/;

function mac(key: Buffer, payload: string): Buffer {
  return createHmac('sha256', key).update(payload).digest();
}

export function signLink(key: Buffer, c: LinkClaims): string {
  const payload = Buffer.from(JSON.stringify([c.alertId, c.responderId, c.exp])).toString('base64url');
  return `${payload}.${mac(key, payload).toString('base64url')}`;
}

/** The claims of a well-signed token; LINK_INVALID when tampered, LINK_EXPIRED after its expiry. */
export function verifyLink(key: Buffer, token: string, now: number): LinkClaims {
  const invalid = () => new LinliError('LINK_INVALID', 'this link is not valid');
  if (token.length > 512) throw invalid();
  const dot = token.indexOf('.');
  const payload = token.slice(0, dot);
  const sig = token.slice(dot + 1);
  if (dot <= 0 || !PART.test(payload) || !PART.test(sig)) throw invalid();
  // compared as text: a base64url string with other unused low bits decodes to the same bytes,
  // and a changed link must not pass
  const want = Buffer.from(mac(key, payload).toString('base64url'));
  const got = Buffer.from(sig);
  if (got.length !== want.length || !timingSafeEqual(got, want)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (
    !Array.isArray(parsed) ||
    typeof parsed[0] !== 'string' ||
    typeof parsed[1] !== 'string' ||
    typeof parsed[2] !== 'number'
  )
    throw invalid();
  const claims: LinkClaims = { alertId: parsed[0], responderId: parsed[1], exp: parsed[2] };
  if (now >= claims.exp) throw new LinliError('LINK_EXPIRED', 'this link has expired');
  return claims;
}

/** The token of an Authorization: Bearer header, if any. */
export function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer ([A-Za-z0-9_.-]{1,512})$/.exec(header ?? '');
  return m?.[1];
}
