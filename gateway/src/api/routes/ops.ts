// GET /healthz and GET /metrics (Prometheus text format 0.0.4), both without a session:
// neither says anything about a person.
import { METRICS_CONTENT_TYPE } from '@linli/shared/service';
import type { FastifyInstance } from 'fastify';
import { GatewayHealth } from '../../health.ts';
import type { RouteContext } from '../context.ts';

export function opsRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const started = Date.now();
  const health = ctx.health ?? new GatewayHealth(ctx.db, undefined);
  // 200 when every check holds; 503 when the database cannot take a write or the broker link is down.
  app.get('/healthz', async (_req, reply) => {
    let report: ReturnType<typeof health.report>;
    try {
      report = health.report();
    } catch (err) {
      return reply.code(503).send({ status: 'error', detail: (err as Error).message });
    }
    return reply
      .code(report.status === 'ok' ? 200 : 503)
      .send({ ...report, uptimeS: Math.round((Date.now() - started) / 1000) });
  });

  app.get('/metrics', async (_req, reply) => {
    const text = await ctx.metrics.render();
    const engine = text === '' || text.endsWith('\n') ? text : `${text}\n`;
    return reply.type(METRICS_CONTENT_TYPE).send(engine + (await ctx.apiMetrics.render()));
  });
}
