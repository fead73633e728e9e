// The board's picture of the hall: the public snapshot (GET /api/queue) on every (re)connect of
// the public live stream (GET /api/stream/public), then the calls as they come. A call is shown at
// once from its event and announced once per (ticket, recall); the lengths and windows are
// refreshed from the snapshot shortly after each move. Says when the picture may be stale.
import { request } from '@linli/shared/ui/http.ts';
import { connectLive, type LiveClient } from '@linli/shared/ui/live.ts';
import { useEffect, useState } from 'preact/hooks';
import { announce } from './announcer.ts';

export interface Snapshot {
  day: string;
  at: number;
  services: {
    serviceId: string;
    nameZh: string;
    nameEn: string;
    prefix: string;
    open: boolean;
    waiting: number;
  }[];
  windows: {
    id: number;
    name: string;
    staffed: boolean;
    current: { number: string; state: string } | null;
  }[];
  recentCalls: { number: string; windowId: number; serviceId: string; calledAt: number; text: string }[];
}

export interface Call {
  number: string;
  windowId: number;
  text: string;
  textEn: string;
  at: number;
  recall: boolean;
  /** Counts announcements, so a recall of the same number still changes the view. */
  seq: number;
}

export interface BoardState {
  snapshot: Snapshot | null;
  current: Call | null;
  stale: boolean;
  /** Server clock − browser clock, ms. */
  offset: number;
  timeZone: string;
  announced: number;
}

interface CallEvent {
  ticket: { id: string; number: string; windowId: number | null; recalls?: number };
  windowId: number;
  text: string;
  textEn: string;
  recalls?: number;
  at: number;
}

const TYPES = [
  'queue.snapshot',
  'queue.changed',
  'queue.rollover',
  'ticket.issued',
  'ticket.called',
  'ticket.recalled',
  'ticket.started',
  'ticket.finished',
  'ticket.no-show',
  'ticket.reactivated',
  'ticket.cancelled',
  'ticket.transferred',
];
/** A call replayed after a reconnect is shown but not said when older than this. */
const SAY_WITHIN_MS = 60_000;

const enText = (number: string, windowId: number) => `Number ${number}, please go to window ${windowId}`;

export function useBoard(): BoardState {
  const [state, setState] = useState<BoardState>({
    snapshot: null,
    current: null,
    stale: false,
    offset: 0,
    timeZone: 'Asia/Shanghai',
    announced: 0,
  });
  useEffect(() => {
    let seq = 0;
    let offset = 0;
    const said = new Set<string>();
    let refresh: ReturnType<typeof setTimeout> | undefined;
    const apply = (snap: Snapshot) => {
      offset = snap.at - Date.now();
      setState((s) => {
        const last = snap.recentCalls[0];
        // a call made while the board was away: take it from the snapshot (not said)
        const current =
          last && (!s.current || last.calledAt > s.current.at)
            ? {
                number: last.number,
                windowId: last.windowId,
                text: last.text,
                textEn: enText(last.number, last.windowId),
                at: last.calledAt,
                recall: false,
                seq: ++seq,
              }
            : s.current;
        return { ...s, snapshot: snap, current, offset, stale: false };
      });
    };
    const resync = async () => {
      apply(await request<Snapshot>('GET', '/api/queue'));
    };
    const soon = () => {
      if (refresh) return;
      refresh = setTimeout(() => {
        refresh = undefined;
        resync().catch(() => setState((s) => ({ ...s, stale: true })));
      }, 200);
    };
    const onCall = (c: CallEvent, recall: boolean) => {
      const key = `${c.ticket.id}:${c.recalls ?? c.ticket.recalls ?? 0}:${recall}`;
      const fresh = !said.has(key);
      if (said.size > 5000) said.clear(); // a board runs for days
      said.add(key);
      const sayIt = fresh && c.at >= Date.now() + offset - SAY_WITHIN_MS;
      if (sayIt) announce(c.text);
      setState((s) => {
        const call: Call = {
          number: c.ticket.number,
          windowId: c.windowId,
          text: c.text,
          textEn: c.textEn,
          at: c.at,
          recall,
          seq: ++seq,
        };
        const snap = s.snapshot && {
          ...s.snapshot,
          recentCalls: [
            {
              number: call.number,
              windowId: call.windowId,
              serviceId: '',
              calledAt: call.at,
              text: call.text,
            },
            ...s.snapshot.recentCalls.filter((r) => r.number !== call.number || r.windowId !== call.windowId),
          ].slice(0, 10),
        };
        return { ...s, snapshot: snap, current: call, announced: s.announced + (sayIt ? 1 : 0) };
      });
    };
    request<{ timeZone?: string }>('GET', '/api/meta')
      .then((m) => m.timeZone && setState((s) => ({ ...s, timeZone: m.timeZone! })))
      .catch(() => {});
    const client: LiveClient = connectLive({
      url: '/api/stream/public',
      types: TYPES,
      resync,
      staleAfterMs: 3000,
      reopenMs: 3000,
      onStale: (stale) => setState((s) => ({ ...s, stale })),
      onEvent: (ev) => {
        if (ev.type === 'queue.snapshot') apply(ev.data as Snapshot);
        else if (ev.type === 'ticket.called') onCall(ev.data as CallEvent, false);
        else if (ev.type === 'ticket.recalled') onCall(ev.data as CallEvent, true);
        if (ev.type !== 'queue.snapshot') soon();
      },
    });
    return () => {
      client.close();
      if (refresh) clearTimeout(refresh);
    };
  }, []);
  return state;
}
