// Statistics of a period: the totals, two charts (tickets per hour; median wait per service) and
// the tables per service, window, staff member, day and hour, each exportable as CSV. The CSV is
// made by the service (GET /api/admin/stats.csv: RFC 4180 quoting, UTF-8 BOM for Excel,
// spreadsheet formulas defused); the link downloads it with the session cookie. A period that
// includes today follows the kiosk's live stream: each ticket issued, finished, no-show, cancelled,
// transferred or rated reloads the figures (at most once a second).
import { BarChart } from '@linli/shared/ui/components/bar-chart/BarChart.tsx';
import { connectLive } from '@linli/shared/ui/live.ts';
import { useEffect, useState } from 'preact/hooks';
import { api, type Dist, type StatsGroup } from '../api.ts';
import { Loading, Page } from '../components.tsx';
import { HBarChart } from '../HBarChart.tsx';
import type { Key } from '../i18n/index.ts';
import { useLoad, useUi } from '../ui-context.ts';

const GROUPS = [
  ['byService', 'service', 'stats.byService'],
  ['byWindow', 'window', 'stats.byWindow'],
  ['byStaff', 'staff', 'stats.byStaff'],
  ['byDay', 'day', 'stats.byDay'],
  ['byHour', 'hour', 'stats.byHour'],
] as const;

const min = (s: number | null) => (s === null ? '—' : (s / 60).toFixed(1));

/** The events that change a day's figures. */
const CHANGES = [
  'ticket.issued',
  'ticket.finished',
  'ticket.no-show',
  'ticket.cancelled',
  'ticket.transferred',
  'ticket.rated',
  'queue.rollover',
];
const RELOAD_MS = 1000;

/** While `on`: reloads after each change on the live stream (throttled); returns whether the stream is down. */
function useLiveReload(on: boolean, reload: () => void): boolean {
  const [stale, setStale] = useState(false);
  useEffect(() => {
    if (!on) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const soon = () => {
      timer ??= setTimeout(() => {
        timer = undefined;
        reload();
      }, RELOAD_MS);
    };
    let opened = false;
    const client = connectLive({
      url: '/api/stream',
      types: CHANGES,
      // the first connect needs no reload (the page has just loaded); a reconnect may have missed changes
      resync: () => {
        if (opened) soon();
        opened = true;
      },
      onEvent: soon,
      onStale: setStale,
    });
    return () => {
      client.close();
      if (timer) clearTimeout(timer);
      setStale(false);
    };
  }, [on, reload]);
  return stale;
}

export function Stats() {
  const { t, today } = useUi();
  const [range, setRange] = useState({ from: today, to: today });
  const [form, setForm] = useState(range);
  const data = useLoad(() => api.stats(range.from, range.to), [range.from, range.to]);
  const live = range.from <= today && today <= range.to;
  const stale = useLiveReload(live, data.reload);
  const s = data.data;
  return (
    <Page title={t.t('stats.title')}>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setRange(form);
        }}
      >
        <label>
          {t.t('common.from')}
          <input
            type="date"
            name="from"
            value={form.from}
            required
            onInput={(e) => setForm({ ...form, from: (e.target as HTMLInputElement).value })}
          />
        </label>
        <label>
          {t.t('common.to')}
          <input
            type="date"
            name="to"
            value={form.to}
            required
            onInput={(e) => setForm({ ...form, to: (e.target as HTMLInputElement).value })}
          />
        </label>
        <button type="submit" data-testid="stats-apply">
          {t.t('stats.apply')}
        </button>
      </form>
      {!s ? (
        <Loading error={data.error} text={t.t('common.loading')} />
      ) : (
        <>
          <dl class="figures" data-testid="stats-overall">
            <Figure label={t.t('stats.tickets')} value={s.overall.tickets} id="tickets" />
            <Figure label={t.t('stats.done')} value={s.overall.done} id="done" />
            <Figure label={t.t('stats.noShow')} value={s.overall.noShow} id="no-show" />
            <Figure
              label={t.t('stats.waitMedian')}
              value={t.t('stats.minutes', { n: min(s.overall.wait.median) })}
              id="wait"
            />
            <Figure
              label={t.t('stats.serviceMedian')}
              value={t.t('stats.minutes', { n: min(s.overall.service.median) })}
              id="service"
            />
            <Figure label={t.t('stats.ratingMean')} value={s.overall.ratingMean ?? '—'} id="rating" />
            <Figure
              label={t.t('stats.ratings')}
              value={`${s.overall.ratings['5'] + s.overall.ratings['4']} / ${s.overall.ratings['2'] + s.overall.ratings['1']}`}
              id="good-bad"
            />
          </dl>
          {s.overall.tickets === 0 && <p>{t.t('stats.empty')}</p>}
          <div class="charts">
            <BarChart
              title={t.t('stats.perHourChart')}
              bars={s.perHour
                .filter((h) => h.hour >= 7 && h.hour <= 20)
                .map((h) => ({ label: String(h.hour), value: h.issued }))}
            />
            <HBarChart
              title={t.t('stats.waitChart')}
              bars={s.byService.map((g) => ({
                label: g.label,
                value: Math.round((g.wait.median ?? 0) / 6) / 10,
              }))}
            />
          </div>
          {live && (
            <p class="help" role="status" data-testid="stats-live" data-stale={stale ? 'true' : 'false'}>
              {t.t(stale ? 'stats.stale' : 'stats.live')}
            </p>
          )}
          <p class="help">{t.t('stats.csvHelp')}</p>
          {GROUPS.map(([field, by, key]) => (
            <GroupTable
              key={by}
              title={t.t(key as Key)}
              by={by}
              groups={s[field]}
              csv={api.statsCsvUrl(range.from, range.to, by)}
            />
          ))}
        </>
      )}
    </Page>
  );
}

function Figure({ label, value, id }: { label: string; value: string | number; id: string }) {
  return (
    <div data-testid={`figure-${id}`}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function GroupTable({
  title,
  by,
  groups,
  csv,
}: {
  title: string;
  by: string;
  groups: StatsGroup[];
  csv: string;
}) {
  const { t } = useUi();
  const d = (x: Dist) => `${min(x.median)} / ${min(x.p90)}`;
  return (
    <section class="panel" aria-label={title}>
      <div class="row">
        <h2>{title}</h2>
        <a class="button" href={csv} download data-testid={`csv-${by}`}>
          {t.t('stats.csv', { group: title })}
        </a>
      </div>
      <table data-testid={`stats-${by}`}>
        <thead>
          <tr>
            <th scope="col">{t.t('stats.group')}</th>
            <th scope="col">{t.t('stats.tickets')}</th>
            <th scope="col">{t.t('stats.done')}</th>
            <th scope="col">{t.t('stats.noShow')}</th>
            <th scope="col">{`${t.t('stats.waitMedian')} / P90`}</th>
            <th scope="col">{`${t.t('stats.serviceMedian')} / P90`}</th>
            <th scope="col">{t.t('stats.ratingMean')}</th>
            <th scope="col">{t.t('stats.ratings')}</th>
          </tr>
        </thead>
        <tbody>
          {groups.map((g) => (
            <tr key={g.key} data-key={g.key}>
              <th scope="row">{g.label}</th>
              <td>{g.tickets}</td>
              <td>{g.done}</td>
              <td>{g.noShow}</td>
              <td>{d(g.wait)}</td>
              <td>{d(g.service)}</td>
              <td>{g.ratingMean ?? '—'}</td>
              <td>{`${g.ratings['5'] + g.ratings['4']} / ${g.ratings['2'] + g.ratings['1']}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
