// The center's HTTP routes: the stations' webhook (POST /api/center/v1/ingest, signed with the
// station's secret over the raw body; docs/center-link.md) and the stations' state for the
// console (GET /api/center/stations).
import { LinliError } from '@linli/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireRole } from '../api/session.ts';
import { AuthError } from '../auth/errors.ts';
import type { Center } from './center.ts';
import {
  IDEMPOTENCY_HEADER,
  idempotencyKey,
  SIGNATURE_HEADER,
  SITE_HEADER,
  SITE_PATTERN,
  signatureMatches,
  TIMESTAMP_HEADER,
} from './protocol.ts';
import type { WebhookGuard } from './webhook-guard.ts';

const SITE_RE = new RegExp(SITE_PATTERN);
/** Most supervision idempotency keys remembered (they are only deduplicated within the window). */
const MAX_KEYS = 50_000;

export interface CenterRouteOptions {
  center: Center;
  replayWindowS: number;
  now: () => number;
  /** Blocks addresses after repeated signature failures */
  guard: WebhookGuard;
}

export function centerRoutes(app: FastifyInstance, o: CenterRouteOptions): void {
  const { center } = o;
  const seenKeys = new Map<string, number>();
  const refuse = (code: string, reason: string, message: string, site?: string): never => {
    center.refuseWebhook(reason, message, site);
    throw new LinliError(code, message);
  };
  const header = (req: FastifyRequest, name: string): string | undefined => {
    const v = req.headers[name];
    return typeof v === 'string' ? v : undefined;
  };

  app.register(async (scope) => {
    // the signature is over the exact bytes: this route takes its body raw, whatever the type
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    scope.post('/api/center/v1/ingest', async (req) => {
      const given = header(req, SITE_HEADER);
      const site = given && SITE_RE.test(given) ? given : undefined;
      const wait = o.guard.retryAfterS(req.ip, site);
      if (wait > 0) {
        center.refuseWebhook('address-blocked', `${req.ip} after repeated signature failures`, site);
        throw new AuthError('RATE_LIMITED', `too many failed requests; try again in ${wait} s`, wait);
      }
      // an authentication failure: counted against the address (blocked at the limit)
      const fail = (code: string, reason: string, message: string): never => {
        o.guard.fail(req.ip, site);
        return refuse(code, reason, message, site);
      };
      if (!site) return fail('BAD_SIGNATURE', 'no-site', `missing or bad ${SITE_HEADER}`);
      const ts = header(req, TIMESTAMP_HEADER);
      const sig = header(req, SIGNATURE_HEADER);
      if (!ts || !/^\d{1,16}$/.test(ts) || !sig)
        return fail('BAD_SIGNATURE', 'no-signature', `missing ${TIMESTAMP_HEADER} or ${SIGNATURE_HEADER}`);
      if (Math.abs(o.now() - Number(ts)) > o.replayWindowS * 1000)
        return fail('REPLAY_WINDOW', 'replay-window', `timestamp outside ±${o.replayWindowS} s`);
      const key = await center.stations.webhookSecret(site);
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      // an unknown site and a wrong signature answer alike (which sites exist is not told)
      if (!key) return fail('BAD_SIGNATURE', 'unknown-site', 'signature does not verify');
      if (!signatureMatches(key, ts, body, sig))
        return fail('BAD_SIGNATURE', 'bad-signature', 'signature does not verify');
      o.guard.succeed(req.ip, site);
      const idem = header(req, IDEMPOTENCY_HEADER);
      // parsed first (a bad body is counted as refused), then the idempotency key is checked
      const m = center.parse(site, 'webhook', body);
      const want = idempotencyKey(m);
      if (idem !== want)
        return refuse('IDEMPOTENCY_KEY', 'idempotency-key', `${IDEMPOTENCY_HEADER} must be ${want}`, site);
      if (m.kind === 'supervision') {
        // supervision has no row of its own: a repeated key is remembered for twice the window
        const until = seenKeys.get(idem);
        if (until !== undefined && until > o.now())
          return { stored: true, duplicate: true, actions: await center.pendingRequests(site) };
        if (seenKeys.size >= MAX_KEYS) for (const [k, t] of seenKeys) if (t <= o.now()) seenKeys.delete(k);
        if (seenKeys.size >= MAX_KEYS) seenKeys.delete(seenKeys.keys().next().value!);
        seenKeys.set(idem, o.now() + 2 * o.replayWindowS * 1000);
      }
      const r = await center.receive(site, 'webhook', body, m);
      return { stored: true, duplicate: r.duplicate, actions: await center.pendingRequests(site) };
    });
  });

  app.get('/api/center/stations', { onRequest: requireRole('operator') }, async () => ({
    stations: await center.stationsView(),
  }));
}
