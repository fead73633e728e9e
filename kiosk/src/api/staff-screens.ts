// The staff screens beside the resident kiosk, each its own Vite build: the window console at
// `/window/` (kiosk/window-ui/dist) and the display board at `/board/` (kiosk/board-ui/dist),
// their hashed files under `/window/assets/`, `/board/assets/`. The pages themselves are open (the
// console asks for a staff sign-in, the board shows nothing personal); without a build they answer
// 503 saying how to build. Uses the reply.sendFile of uiRoutes (registered before).

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { WILDCARD } from './schemas.ts';

export const STAFF_SCREENS = {
  window: fileURLToPath(new URL('../../window-ui/dist/', import.meta.url)),
  board: fileURLToPath(new URL('../../board-ui/dist/', import.meta.url)),
} as const;

export function staffScreenRoutes(
  root: FastifyInstance,
  screens: Record<string, string> = STAFF_SCREENS,
): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  for (const [name, dist] of Object.entries(screens)) {
    const page = (reply: FastifyReply) => {
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
          "default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
        )
        .sendFile('index.html', dist, { cacheControl: false });
    };
    app.get(`/${name}`, (_req, reply) => reply.redirect(`/${name}/`));
    app.get(`/${name}/`, (_req, reply) => page(reply));
    app.get(`/${name}/assets/*`, { schema: { params: WILDCARD } }, (req, reply) => {
      const file = req.params['*'];
      return reply
        .header('cache-control', 'public, max-age=31536000, immutable')
        .sendFile(`assets/${file}`, dist, { cacheControl: false });
    });
  }
}
