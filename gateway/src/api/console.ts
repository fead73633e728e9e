// What the alarm console adds to the gateway API: the report and history-search routes, the
// device feedback of an alert, and the console's static files. Registered by app.ts with one line.
import type { FastifyInstance } from 'fastify';
import { consoleUiRoutes } from './console-ui.ts';
import type { RouteContext } from './context.ts';
import { alertFeedbackRoutes } from './routes/alert-feedback.ts';
import { reportRoutes } from './routes/reports.ts';

export async function consoleRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  reportRoutes(app, ctx);
  alertFeedbackRoutes(app, ctx);
  await consoleUiRoutes(app);
}
