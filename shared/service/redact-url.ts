// Request URLs as they may be logged: secrets that travel in a URL (a ticket's follow token, a
// signed link's signature, a code or password in a query) are replaced by "[redacted]".
// Used by the services' request logging and error logs (issue #10, defect 18).

export const REDACTED = '[redacted]';

/** Path segments that are secrets themselves: the segment after each of these words. */
const SECRET_AFTER_SEGMENT = new Set(['follow']);
/** Query parameters whose values are secrets. */
const SECRET_PARAM = /^(token|code|password|passwd|secret|key|sig|signature|session|auth|access_token)$/i;

export function redactUrl(url: string | undefined): string {
  if (!url) return '';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const segments = path.split('/');
  for (let i = 1; i < segments.length; i++) {
    if (SECRET_AFTER_SEGMENT.has((segments[i - 1] ?? '').toLowerCase()) && segments[i] !== '')
      segments[i] = REDACTED;
  }
  let out = segments.join('/');
  if (q >= 0) {
    const query = url
      .slice(q + 1)
      .split('&')
      .map((pair) => {
        const eq = pair.indexOf('=');
        const name = eq < 0 ? pair : pair.slice(0, eq);
        let decoded = name;
        try {
          decoded = decodeURIComponent(name);
        } catch {}
        return eq >= 0 && SECRET_PARAM.test(decoded) ? `${name}=${REDACTED}` : pair;
      });
    out += `?${query.join('&')}`;
  }
  return out;
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** A pino `req` serializer for fastify: the default fields, with the URL redacted. */
export function redactedRequest(req: LoggedRequest): Record<string, unknown> {
  return {
    method: req.method,
    url: redactUrl(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}
