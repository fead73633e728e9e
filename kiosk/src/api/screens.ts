// Every built screen of the kiosk service, each its own Vite build (`npm run build`, the SCREENS
// table of scripts/build-ui.ts), served by one set of routes:
//   /                  the resident kiosk (kiosk/ui/dist), and /follow/<token> the phone page
//                      (the QR code on every ticket)
//   /window/           the window console (kiosk/window-ui/dist)
//   /board/            the display board (kiosk/board-ui/dist)
//   /admin/            admin and statistics (kiosk/admin-ui/dist)
// Hashed files under `<base>assets/` are immutable; the pages are never cached, send no Referer
// (the phone page's token stays on the phone) and carry a CSP. The pages hold no data: the
// console and admin screens ask for a staff sign-in, and /api/* checks every role. Without a
// build a page answers 503 saying how to build.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { WILDCARD } from './schemas.ts';

export interface Screen {
  /** Where it is served: '/' or '/<name>/'. */
  base: string;
  /** The build folder (ending in '/'). */
  dist: string;
  /** Pages other than `base` itself: URL pattern → file in `dist`. */
  pages?: Record<string, string>;
  /** The page plays audio of its own origin (CSP media-src). */
  media?: boolean;
}

const dist = (folder: string) => fileURLToPath(new URL(`../../${folder}/dist/`, import.meta.url));

export const SCREENS: readonly Screen[] = [
  { base: '/', dist: dist('ui'), pages: { '/follow/:token': 'follow.html' }, media: true },
  { base: '/window/', dist: dist('window-ui'), media: true },
  { base: '/board/', dist: dist('board-ui'), media: true },
  { base: '/admin/', dist: dist('admin-ui') },
];

const csp = (media: boolean) =>
  `default-src 'self'; img-src 'self' data:; ${media ? "media-src 'self'; " : ''}style-src 'self' 'unsafe-inline'; frame-ancestors 'none'`;

export async function screenRoutes(
  app: FastifyInstance,
  screens: readonly Screen[] = SCREENS,
): Promise<void> {
  // reply.sendFile, always with the screen's own folder as root
  await app.register(fastifyStatic, {
    root: screens[0]?.dist ?? dist('ui'),
    serve: false,
    decorateReply: true,
  });
  for (const screen of screens) {
    const page = (reply: FastifyReply, file: string) => {
      if (!existsSync(`${screen.dist}index.html`))
        return reply
          .status(503)
          .type('text/plain; charset=utf-8')
          .send('界面尚未构建 / UI not built: npm run build\n');
      return reply
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer')
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', csp(screen.media === true))
        .sendFile(file, screen.dist, { cacheControl: false });
    };
    if (screen.base !== '/') {
      const bare = screen.base.slice(0, -1);
      app.get(bare, (_req, reply) => reply.redirect(screen.base));
    }
    app.get(screen.base, (_req, reply) => page(reply, 'index.html'));
    for (const [url, file] of Object.entries(screen.pages ?? {}))
      app.get(url, (_req, reply) => page(reply, file));
    app
      .withTypeProvider<TypeBoxTypeProvider>()
      .get(`${screen.base}assets/*`, { schema: { params: WILDCARD } }, (req, reply) => {
        const file = req.params['*'];
        return reply
          .header('cache-control', 'public, max-age=31536000, immutable')
          .sendFile(`assets/${file}`, screen.dist, { cacheControl: false });
      });
  }
}
