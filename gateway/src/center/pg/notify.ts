// Live updates across center instances sharing one PostgreSQL database: each instance LISTENs
// on the channel the others NOTIFY at each commit (store.ts), reads the changed alert or action
// request and puts it on its own bus, so an operator's console on instance A sees what instance
// B ingested. The listening connection is reopened (1 s, then up to 30 s apart) when it drops.
import { pgClient } from '../../db/pg.ts';
import type { Logger } from '../../ingest/refusals.ts';
import type { Center } from '../center.ts';
import { type CenterNotice, NOTIFY_CHANNEL, type PgCenterData } from './store.ts';

export async function followOtherCenters(
  data: PgCenterData,
  center: Pick<Center, 'applied'>,
  log: Logger,
  emitAction: (a: NonNullable<Awaited<ReturnType<PgCenterData['action']>>>) => void,
): Promise<() => Promise<void>> {
  let stopped = false;
  let client: ReturnType<typeof pgClient> | undefined;
  let retry: NodeJS.Timeout | undefined;
  let delay = 1000;

  const onNotice = async (payload: string | undefined) => {
    let n: CenterNotice;
    try {
      n = JSON.parse(payload ?? '') as CenterNotice;
    } catch {
      return;
    }
    if (n.from === data.instance) return;
    try {
      if (n.kind === 'alert') {
        const found = await data.alerts.get(n.id);
        if (found) center.applied(found.alert);
      } else if (n.kind === 'action') {
        const a = await data.action(n.id);
        if (a) emitAction(a);
      }
    } catch (err) {
      log.warn({ err, notice: n }, 'center: change from another instance not read');
    }
  };

  const connect = async (): Promise<void> => {
    const c = pgClient(data.url);
    c.on('notification', (msg) => {
      if (msg.channel === NOTIFY_CHANNEL) void onNotice(msg.payload);
    });
    const lost = (err?: Error) => {
      if (client !== c) return;
      client = undefined;
      c.end().catch(() => {});
      if (stopped) return;
      log.warn({ err }, 'center: listening for other instances lost; reconnecting');
      retry = setTimeout(() => void connect().catch(lost), delay);
      delay = Math.min(delay * 2, 30_000);
    };
    c.on('error', lost);
    c.on('end', () => lost());
    client = c;
    await c.connect();
    await c.query(`LISTEN ${NOTIFY_CHANNEL}`);
    delay = 1000;
  };
  await connect();

  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    const c = client;
    client = undefined;
    await c?.end().catch(() => {});
  };
}
