// Today's figures of one window for its console (staff, any role): tickets served, no-shows,
// transfers, the average wait and service time and the ratings (好差评). Same definitions as the
// statistics (docs/kiosk-queue.md), as means over today's tickets of the window:
//   wait    = first call − entering the service's queue (tickets called here)
//   service = finish − start (start = call if never started) (tickets done here)
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { requireStaff } from './auth.ts';
import type { ApiContext } from './context.ts';
import { params } from './schemas.ts';

interface Row {
  state: string;
  queued_at: number;
  first_called_at: number | null;
  called_at: number | null;
  started_at: number | null;
  finished_at: number | null;
  rating: number | null;
}

export interface WindowFigures {
  windowId: number;
  day: string;
  called: number;
  served: number;
  noShow: number;
  transferred: number;
  avgWaitS: number | null;
  avgServiceS: number | null;
  ratings: Record<'1' | '2' | '3' | '4' | '5', number>;
  ratingMean: number | null;
}

const mean = (xs: number[]) =>
  xs.length ? Math.round(xs.reduce((a, b) => a + b, 0) / xs.length / 100) / 10 : null;

export function windowFigures(rows: Row[], windowId: number, day: string): WindowFigures {
  const done = rows.filter((r) => r.state === 'done');
  const called = rows.filter((r) => r.first_called_at !== null);
  const ratings = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  const rated = rows.filter((r) => r.rating !== null).map((r) => r.rating as number);
  for (const r of rated) ratings[String(r) as keyof typeof ratings]++;
  return {
    windowId,
    day,
    called: called.length,
    served: done.length,
    noShow: rows.filter((r) => r.state === 'no-show').length,
    transferred: rows.filter((r) => r.state === 'transferred').length,
    avgWaitS: mean(called.map((r) => (r.first_called_at as number) - r.queued_at)),
    avgServiceS: mean(
      done.map((r) => (r.finished_at as number) - ((r.started_at ?? r.called_at ?? r.finished_at) as number)),
    ),
    ratings,
    ratingMean: rated.length
      ? Math.round((rated.reduce((a, b) => a + b, 0) / rated.length) * 100) / 100
      : null,
  };
}

export function windowFigureRoutes(root: FastifyInstance, ctx: ApiContext): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { engine } = ctx;
  const rowsOf = engine.db.prepare(
    'SELECT state, queued_at, first_called_at, called_at, started_at, finished_at, rating FROM tickets WHERE day = ? AND window_id = ?',
  );
  app.get(
    '/api/windows/:id/today',
    { onRequest: requireStaff(), schema: { params: params.window } },
    async (req) => {
      const id = Number(req.params.id);
      const day = engine.today();
      return { figures: windowFigures(rowsOf.all(day, id) as Row[], id, day) };
    },
  );
}
