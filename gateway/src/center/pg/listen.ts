// One LISTEN connection to a shared PostgreSQL, kept open: reopened 1 s after it drops, then up
// to 30 s apart. `onListening` runs after each (re)connect, once LISTEN is in place, so that a
// cache can reload what it may have missed while the connection was down; `onLost` when it drops.
import { pgClient } from '../../db/pg.ts';
import type { Logger } from '../../ingest/refusals.ts';

export interface Listener {
  /** Whether the connection is up and LISTENing (notices arrive). */
  readonly up: boolean;
  stop(): Promise<void>;
}

export async function listenPg(o: {
  url: string;
  channel: string;
  log: Logger;
  /** What is listening, for the log lines. */
  what: string;
  onNotice(payload: string | undefined): void;
  onListening?(): Promise<void>;
  onLost?(): void;
}): Promise<Listener> {
  if (!/^[a-z_][a-z0-9_]*$/.test(o.channel)) throw new Error(`bad channel name ${o.channel}`);
  let stopped = false;
  let up = false;
  let client: ReturnType<typeof pgClient> | undefined;
  let retry: NodeJS.Timeout | undefined;
  let delay = 1000;

  const connect = async (): Promise<void> => {
    const c = pgClient(o.url);
    c.on('notification', (msg) => {
      if (msg.channel === o.channel) o.onNotice(msg.payload);
    });
    const lost = (err?: Error) => {
      if (client !== c) return;
      client = undefined;
      up = false;
      c.end().catch(() => {});
      o.onLost?.();
      if (stopped) return;
      o.log.warn({ err }, `${o.what}: listening lost; reconnecting`);
      retry = setTimeout(() => void connect().catch(() => {}), delay);
      delay = Math.min(delay * 2, 30_000);
    };
    c.on('error', lost);
    c.on('end', () => lost());
    client = c;
    try {
      await c.connect();
      await c.query(`LISTEN ${o.channel}`);
      await o.onListening?.();
    } catch (err) {
      lost(err as Error); // a failed reconnect is tried again later
      throw err;
    }
    if (client !== c) return;
    up = true;
    delay = 1000;
  };
  try {
    await connect();
  } catch (err) {
    stopped = true; // the first connect is the caller's to report
    if (retry) clearTimeout(retry);
    throw err;
  }

  return {
    get up() {
      return up;
    },
    async stop() {
      stopped = true;
      up = false;
      if (retry) clearTimeout(retry);
      const c = client;
      client = undefined;
      await c?.end().catch(() => {});
    },
  };
}
