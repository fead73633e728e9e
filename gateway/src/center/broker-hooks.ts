// The center's side of the embedded broker: station accounts authenticate, their messages go to
// the Center, and each stored revision is answered on the station's ack topic after the commit.
import type { StationHooks } from '../broker/embedded.ts';
import type { Logger } from '../ingest/refusals.ts';
import { type Center, CenterInputError } from './center.ts';
import { centerTopics } from './protocol.ts';

export type Publish = (topic: string, payload: string) => Promise<void>;

export function stationHooks(
  center: Center,
  publish: () => Publish,
  log: Logger,
  now: () => number,
): StationHooks {
  const answer = (site: string, body: object) =>
    publish()(centerTopics.ack(site), JSON.stringify(body)).catch((err: Error) =>
      log.warn({ site, err }, 'center answer publish failed'),
    );
  return {
    authenticate: (site, password) => center.stations.authenticate(site, password),
    async receive(site, payload) {
      // removed (by the CLI, perhaps in another process) while connected: cut off
      if (!(await center.stations.has(site))) {
        center.refuseWebhook('unknown-site', 'station account removed', site, 'mqtt');
        throw new Error(`station ${site} is no longer registered`);
      }
      let r: Awaited<ReturnType<Center['receive']>>;
      try {
        r = await center.receive(site, 'mqtt', payload);
      } catch (err) {
        if (err instanceof CenterInputError) return; // counted and logged; acknowledged and dropped
        throw err; // not stored: no PUBACK, the station sends it again
      }
      const m = r.message;
      if (m.kind === 'alert')
        void answer(site, {
          v: 1,
          kind: 'stored',
          alertId: m.alertId,
          rev: m.rev,
          duplicate: r.duplicate,
          at: now(),
        });
      else if (m.kind === 'action-result')
        // the station keeps an action-result in its outbox until this receipt
        void answer(site, { v: 1, kind: 'stored', actionId: m.actionId, duplicate: r.duplicate, at: now() });
      else if (m.kind === 'supervision') void answer(site, { v: 1, kind: 'supervision-ack', at: now() });
    },
    onSubscribe: (site) => void center.resendPending(site),
  };
}
