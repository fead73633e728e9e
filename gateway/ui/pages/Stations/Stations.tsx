// The center's overview: every station, its link state per path (MQTT, webhook), when it was last
// heard, the outbox depth it reports, its open alerts and requests waiting; a station gone silent
// is shown loudly (it also has its center.station-unreachable alert in the queue).
import { useEffect, useState } from 'preact/hooks';
import { api, type PathState, type Station } from '../../api.ts';
import { clock } from '../../format.ts';
import { useNow, useUi } from '../../ui-context.ts';
import css from './stations.module.css';

/** `changed` ticks on every live change (alerts, actions): the table is read again. */
export function Stations({ changed }: { changed: unknown }) {
  const { t, setSite } = useUi();
  const now = useNow(1000);
  const [stations, setStations] = useState<Station[]>();
  useEffect(() => {
    const load = () => api.stations().then(setStations, () => {});
    load();
    const id = setInterval(load, 3000); // reachability changes without an alert change too
    return () => clearInterval(id);
  }, [changed]);
  const ago = (at: number | undefined) => (at ? t.t('stations.ago', { age: clock(now - at) }) : '—');
  const path = (p: PathState | undefined) =>
    !p ? (
      <span class={css.none}>{t.t('stations.pathNone')}</span>
    ) : (
      <span class={p.up ? css.up : css.down}>
        {p.up ? t.t('stations.up') : t.t('stations.down')}
        <span class={css.muted}> · {ago(p.lastSeen)}</span>
      </span>
    );
  const depth = (s: Station) => {
    const ps = [s.paths.mqtt, s.paths.webhook].filter((p): p is PathState => !!p);
    const latest = ps.sort((a, b) => b.lastSeen - a.lastSeen)[0];
    if (latest?.outboxDepth === undefined) return '—';
    return latest.outboxOldestAgeS
      ? t.t('stations.depthAge', { n: latest.outboxDepth, age: clock(latest.outboxOldestAgeS * 1000) })
      : String(latest.outboxDepth);
  };
  const down = (stations ?? []).filter((s) => !s.reachable);
  return (
    <main class={css.page}>
      <h1>{t.t('stations.title')}</h1>
      {down.length > 0 && (
        <p class={css.alarm} role="alert" data-testid="unreachable-banner">
          {t.t('stations.unreachableBanner', { sites: down.map((s) => s.site).join(', ') })}
        </p>
      )}
      {stations === undefined ? (
        <p>{t.t('detail.loading')}</p>
      ) : stations.length === 0 ? (
        <p>{t.t('stations.empty')}</p>
      ) : (
        <table class={css.table}>
          <thead>
            <tr>
              <th scope="col">{t.t('stations.site')}</th>
              <th scope="col">{t.t('stations.state')}</th>
              <th scope="col">{t.t('stations.mqtt')}</th>
              <th scope="col">{t.t('stations.webhook')}</th>
              <th scope="col">{t.t('stations.lastSeen')}</th>
              <th scope="col">{t.t('stations.outbox')}</th>
              <th scope="col">{t.t('stations.openAlerts')}</th>
              <th scope="col">{t.t('stations.pending')}</th>
            </tr>
          </thead>
          <tbody>
            {stations.map((s) => (
              <tr
                key={s.site}
                data-site={s.site}
                data-reachable={String(s.reachable)}
                class={s.reachable ? '' : css.unreachable}
              >
                <th scope="row">{s.site}</th>
                <td>
                  {s.reachable ? (
                    <span class={css.up}>{t.t('stations.reachable')}</span>
                  ) : (
                    <strong class={css.badge}>{t.t('stations.unreachable')}</strong>
                  )}
                </td>
                <td>{path(s.paths.mqtt)}</td>
                <td>{path(s.paths.webhook)}</td>
                <td>{ago(s.lastSeen)}</td>
                <td>{depth(s)}</td>
                <td>
                  <button
                    type="button"
                    onClick={() => {
                      setSite(s.site);
                      window.location.hash = '#/queue';
                    }}
                    aria-label={t.t('stations.showAlerts', { site: s.site, n: s.openAlerts })}
                  >
                    {s.openAlerts}
                  </button>
                </td>
                <td>{s.pendingActions}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
