// The responder's page (gateway/responder-ui, built by `npm run build` into its dist), served at
// /responder/ with its files under /responder/assets/. Never cached, sends no Referer. Without a
// build it answers 503 saying how to build.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

const WildcardParams = Type.Object({ '*': Type.String() });

export const RESPONDER_DIST = fileURLToPath(new URL('../../responder-ui/dist/', import.meta.url));

export async function responderPageUi(root: FastifyInstance, dist = RESPONDER_DIST): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  // reply.sendFile comes from the console's @fastify/static (console-ui.ts, registered first)
  if (!app.hasReplyDecorator('sendFile'))
    await app.register(fastifyStatic, { root: dist, serve: false, decorateReply: true });
  app.get('/responder/', (_req, reply) => {
    if (!existsSync(`${dist}index.html`))
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('页面尚未构建 / page not built: npm run build\n');
    return reply
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .header(
        'content-security-policy',
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
      )
      .sendFile('index.html', dist, { cacheControl: false });
  });
  app.get('/responder/assets/*', { schema: { params: WildcardParams } }, (req, reply) => {
    const file = req.params['*'];
    return reply
      .header('cache-control', 'public, max-age=31536000, immutable')
      .sendFile(`assets/${file}`, dist, { cacheControl: false });
  });
}
