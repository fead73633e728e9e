// The resident screens, built by `npm run build` into kiosk/ui/dist: the kiosk at `/`, the phone
// page at `/follow/<token>` (the QR code on every ticket), hashed assets under `/assets/`. The
// phone page sends no Referer (the token stays on the phone) and is never cached. Without a
// build the pages answer 503 saying how to build.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { WILDCARD } from './schemas.ts';

export const UI_DIST = fileURLToPath(new URL('../../ui/dist/', import.meta.url));

export async function uiRoutes(root: FastifyInstance, dist = UI_DIST): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const built = () => existsSync(`${dist}index.html`);
  await app.register(fastifyStatic, {
    root: dist,
    serve: false,
    decorateReply: true,
  });
  const page = (reply: FastifyReply, file: string) => {
    if (!built())
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('界面尚未构建 / UI not built: npm run build\n');
    return reply
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .header('x-content-type-options', 'nosniff')
      .header(
        'content-security-policy',
        "default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
      )
      .sendFile(file, { cacheControl: false });
  };
  app.get('/', (_req, reply) => page(reply, 'index.html'));
  app.get('/follow/:token', (_req, reply) => page(reply, 'follow.html'));
  app.get('/assets/*', { schema: { params: WILDCARD } }, (req, reply) => {
    const file = req.params['*'];
    return reply.header('cache-control', 'public, max-age=31536000, immutable').sendFile(`assets/${file}`, {
      cacheControl: false,
    });
  });
}
