// Neighbour responders (邻里结对, issue #15): what the HTTP API registers (staff routes, the
// responder page and its API) and what the gateway runs (the escalator). docs/responders.md.
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../api/context.ts';
import { responderPageApi } from './page-api.ts';
import { responderPageUi } from './page-ui.ts';
import { responderRoutes } from './routes.ts';

export { ResponderEscalator } from './escalator.ts';
export { HttpNotifier } from './notifier.ts';

export interface ResponderApiOptions {
  /** The 'responder-link' subkey (keys.ts) */
  linkKey: Buffer;
  tzMinutes: number;
}

export async function responderApi(
  app: FastifyInstance,
  ctx: RouteContext,
  o: ResponderApiOptions,
): Promise<void> {
  responderRoutes(app, ctx, o.tzMinutes);
  responderPageApi(app, ctx, o.linkKey);
  await responderPageUi(app);
}
