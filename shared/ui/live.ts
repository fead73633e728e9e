// The live-stream client of every screen: an EventSource on the kiosk's SSE stream that resyncs
// from a snapshot after any gap (first connect, reconnect, a missed event id) and says when the
// view may be stale (the connection has been down longer than `staleAfterMs`).
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
  const es = new ES(opts.url);

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

  es.onopen = () => {
    if (staleTimer) clearTimeout(staleTimer);
    staleTimer = undefined;
    setStale(false);
    resync();
  };
  es.onerror = () => {
    if (closed || staleTimer) return;
    staleTimer = setTimeout(() => setStale(true), staleAfter);
  };
  for (const type of opts.types) {
    es.addEventListener(type, (msg: MessageEvent<string>) => {
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
  return {
    close() {
      closed = true;
      if (staleTimer) clearTimeout(staleTimer);
      es.close();
    },
    get stale() {
      return stale;
    },
  };
}
