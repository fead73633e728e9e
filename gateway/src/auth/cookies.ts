// Just enough of RFC 6265 for one session cookie (no @fastify/cookie needed).

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (!name || out.has(name)) continue; // the first one wins, as browsers send the most specific first
    try {
      out.set(name, decodeURIComponent(value));
    } catch {
      // a malformed escape: ignore this cookie
    }
  }
  return out;
}

export interface CookieOptions {
  maxAgeS?: number;
  path?: string;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: 'Strict' | 'Lax' | 'None';
}

export function serializeCookie(name: string, value: string, o: CookieOptions = {}): string {
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new Error(`bad cookie name ${name}`);
  const parts = [`${name}=${encodeURIComponent(value)}`];
  if (o.maxAgeS !== undefined) parts.push(`Max-Age=${Math.floor(o.maxAgeS)}`);
  parts.push(`Path=${o.path ?? '/'}`);
  if (o.httpOnly ?? true) parts.push('HttpOnly');
  if (o.secure) parts.push('Secure');
  parts.push(`SameSite=${o.sameSite ?? 'Strict'}`);
  return parts.join('; ');
}
