// The window's live picture: its waiting list (call-next order), its current ticket, today's
// figures, today's no-shows of its services, the devices — fetched again on every (re)connect of
// the staff live stream (/api/stream, shared/ui/live.ts) and shortly after every ticket or queue
// event, so a ticket another window took disappears from the list by itself.
import { connectLive, type LiveClient } from '@linli/shared/ui/live.ts';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, type Device, type Figures, type Ticket, type WindowInfo } from '../api.ts';

export interface ConsoleData {
  queue: Ticket[];
  current: Ticket | null;
  /** The ticket the current one was transferred from (its service and the transfer note). */
  origin: Ticket | null;
  figures: Figures | null;
  noShows: Ticket[];
  devices: Device[] | null;
  lastCard: { maskedName: string; maskedId: string } | null;
  stale: boolean;
  /** server clock − browser clock, ms (waiting times tick on the server's clock) */
  offset: number;
  sessionEnded: boolean;
}

const TYPES = [
  'ticket.issued',
  'ticket.called',
  'ticket.recalled',
  'ticket.started',
  'ticket.finished',
  'ticket.no-show',
  'ticket.reactivated',
  'ticket.cancelled',
  'ticket.priority',
  'ticket.transferred',
  'ticket.rated',
  'queue.changed',
  'queue.rollover',
  'device.health',
  'print.job',
  'card.read',
];

export function useConsole(win: WindowInfo): ConsoleData & { refresh(): Promise<void> } {
  const [data, setData] = useState<ConsoleData>({
    queue: [],
    current: null,
    origin: null,
    figures: null,
    noShows: [],
    devices: null,
    lastCard: null,
    stale: false,
    offset: 0,
    sessionEnded: false,
  });
  const services = useRef(new Set(win.serviceIds));
  services.current = new Set(win.serviceIds);

  const refresh = useCallback(async () => {
    try {
      const [q, c, f, n, h] = await Promise.all([
        api.queue(win.id),
        api.current(win.id),
        api.figures(win.id),
        api.noShows(),
        api.health(),
      ]);
      const from = c.ticket?.transferredFrom;
      const origin = from ? ((await api.ticket(from).catch(() => null))?.ticket ?? null) : null;
      setData((d) => ({
        ...d,
        queue: q.tickets,
        current: c.ticket,
        origin,
        figures: f.figures,
        noShows: n.tickets.filter((t) => services.current.has(t.serviceId)),
        devices: h.devices ?? [],
        offset: h.time - Date.now(),
      }));
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setData((d) => ({ ...d, sessionEnded: true }));
      throw err;
    }
  }, [win.id]);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const soon = () => {
      timer ??= setTimeout(() => {
        timer = undefined;
        refresh().catch(() => setData((d) => ({ ...d, stale: true })));
      }, 100);
    };
    // at once, not only when the stream opens (a proxy may hold the stream back)
    refresh().catch(() => {});
    const client: LiveClient = connectLive({
      url: '/api/stream',
      types: TYPES,
      resync: refresh,
      staleAfterMs: 3000,
      onStale: (stale) => setData((d) => ({ ...d, stale })),
      onEvent: (ev) => {
        if (ev.type === 'card.read') {
          const c = ev.data as { maskedName?: string; maskedId?: string };
          setData((d) => ({
            ...d,
            lastCard: { maskedName: c.maskedName ?? '', maskedId: c.maskedId ?? '' },
          }));
          return;
        }
        soon();
      },
    });
    return () => {
      client.close();
      if (timer) clearTimeout(timer);
    };
  }, [refresh]);

  return { ...data, refresh };
}
