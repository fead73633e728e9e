// The live-stream client of every screen: an EventSource on the kiosk's SSE stream that resyncs
// from a snapshot after any gap (first connect, reconnect, a missed event id) and says when the
// view may be stale (the connection has been down longer than `staleAfterMs`). A browser's
// EventSource retries by itself after a network drop, but gives up for good on an HTTP error (a
// 502/503 while the service restarts): then a new one is opened every `reopenMs`.
export interface LiveEvent {
  type: string;
  id: number | undefined;
  data: unknown;
}

export interface LiveOptions {
  url: string;
  /** Event types to listen to (named SSE events). */
  types: string[];
  onEvent(ev: LiveEvent): void;
  /** Fetch the current state again; called on (re)connect and after a gap in event ids. */
  resync(): void | Promise<void>;
  onStale?(stale: boolean): void;
  staleAfterMs?: number;
  /** The stream carries every event (no type filter), so a jump in event ids means a loss. */
  gapCheck?: boolean;
  /** How long after an EventSource closed for good a new one is opened (default 3000 ms). */
  reopenMs?: number;
  /** For tests and old browsers: the EventSource constructor. */
  EventSourceImpl?: typeof EventSource;
}

export interface LiveClient {
  close(): void;
  readonly stale: boolean;
}

export function connectLive(opts: LiveOptions): LiveClient {
  const ES = opts.EventSourceImpl ?? EventSource;
  const staleAfter = opts.staleAfterMs ?? 5000;
  let lastId: number | undefined;
  let stale = false;
  let staleTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let reopenTimer: ReturnType<typeof setTimeout> | undefined;
  let es: EventSource;

  const setStale = (s: boolean) => {
    if (s === stale) return;
    stale = s;
    opts.onStale?.(s);
  };
  const resync = () => {
    void Promise.resolve()
      .then(opts.resync)
      .catch(() => setStale(true));
  };

  const open = () => {
    reopenTimer = undefined;
    lastId = undefined; // a restarted service numbers its events afresh
    es = new ES(opts.url);
    es.onopen = () => {
      if (staleTimer) clearTimeout(staleTimer);
      staleTimer = undefined;
      setStale(false);
      resync();
    };
    es.onerror = () => {
      if (closed) return;
      staleTimer ??= setTimeout(() => setStale(true), staleAfter);
      // readyState 2 (CLOSED): this EventSource will not retry; open a new one later
      if (es.readyState === 2 && !reopenTimer) reopenTimer = setTimeout(open, opts.reopenMs ?? 3000);
    };
    for (const type of opts.types) {
      es.addEventListener(type, (ev: Event) => {
        const msg = ev as Event & { data: string; lastEventId: string };
        const id = msg.lastEventId ? Number(msg.lastEventId) : undefined;
        // A jump in ids means events were lost (buffer overrun on the server): take a snapshot.
        const gap = opts.gapCheck === true && id !== undefined && lastId !== undefined && id > lastId + 1;
        if (id !== undefined) lastId = id;
        let data: unknown;
        try {
          data = JSON.parse(msg.data);
        } catch {
          data = msg.data;
        }
        opts.onEvent({ type, id, data });
        if (gap) resync();
      });
    }
  };
  open();
  return {
    close() {
      closed = true;
      if (staleTimer) clearTimeout(staleTimer);
      if (reopenTimer) clearTimeout(reopenTimer);
      es.close();
    },
    get stale() {
      return stale;
    },
  };
}
