// The alarm console (gateway/ui, built by `npm run build` into gateway/ui/dist), served by the
// gateway at `/` with hashed assets under `/assets/`. Without a build `/` answers 503 saying how
// to build. The page routes are in the URL hash, so one HTML file serves them all.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

const WildcardParams = Type.Object({ '*': Type.String() });

export const CONSOLE_DIST = fileURLToPath(new URL('../../ui/dist/', import.meta.url));

export async function consoleUiRoutes(root: FastifyInstance, dist = CONSOLE_DIST): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  await app.register(fastifyStatic, { root: dist, serve: false, decorateReply: true });
  app.get('/', (_req, reply) => {
    if (!existsSync(`${dist}index.html`))
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('控制台尚未构建 / console not built: npm run build\n');
    return reply
      .header('cache-control', 'no-store')
      .header(
        'content-security-policy',
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
      )
      .sendFile('index.html', { cacheControl: false });
  });
  app.get('/assets/*', { schema: { params: WildcardParams } }, (req, reply) => {
    const file = req.params['*'];
    return reply
      .header('cache-control', 'public, max-age=31536000, immutable')
      .sendFile(`assets/${file}`, { cacheControl: false });
  });
}
