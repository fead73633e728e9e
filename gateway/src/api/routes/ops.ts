// GET /healthz and GET /metrics (Prometheus text format 0.0.4), both without a session:
// neither says anything about a person.
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.ts';
import { storeHealthReport } from '../store-health.ts';

export function opsRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const started = Date.now();
  app.get('/healthz', async (_req, reply) => {
    const { healthy, db, store } = storeHealthReport(ctx);
    const uptimeS = Math.round((Date.now() - started) / 1000);
    if (!healthy) return reply.code(503).send({ status: 'error', db, store, uptimeS });
    return { status: 'ok', db, store, uptimeS };
  });

  app.get('/metrics', async (_req, reply) => {
    const text = await ctx.metrics.render();
    const engine = text === '' || text.endsWith('\n') ? text : `${text}\n`;
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(engine + ctx.apiMetrics.render());
  });
}
