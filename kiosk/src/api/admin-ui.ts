// The admin and statistics screen (kiosk/admin-ui, built into kiosk/admin-ui/dist): the page at
// `/admin/`, its hashed files under `/admin/assets/`. The page itself is not secret (it holds no
// data); every figure comes from /api/admin/*, which only an admin's session opens, and the
// screen tells a window clerk who signs in that the role is missing. Without a build: 503.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { WILDCARD } from './schemas.ts';

export const ADMIN_UI_DIST = fileURLToPath(new URL('../../admin-ui/dist/', import.meta.url));

export async function adminUiRoutes(app: FastifyInstance, dist = ADMIN_UI_DIST): Promise<void> {
  // reply.sendFile comes from the resident screens' @fastify/static (ui.ts, registered first)
  await app.register(async (scope) => {
    scope.get('/admin', (_req, reply) => reply.redirect('/admin/'));
    scope.get('/admin/', (_req, reply) => {
      if (!existsSync(`${dist}index.html`))
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
          "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
        )
        .sendFile('index.html', dist, { cacheControl: false });
    });
    scope
      .withTypeProvider<TypeBoxTypeProvider>()
      .get('/admin/assets/*', { schema: { params: WILDCARD } }, (req, reply) => {
        const file = req.params['*'];
        return reply
          .header('cache-control', 'public, max-age=31536000, immutable')
          .sendFile(`assets/${file}`, dist, { cacheControl: false });
      });
  });
}
