// History search (date, type, outcome, resident) and the daily/monthly report with a chart and
// CSV export of both.
import { BarChart } from '@linli/shared/ui/components/bar-chart/BarChart.tsx';
import { download, toCsv } from '@linli/shared/ui/csv.ts';
import { useEffect, useState } from 'preact/hooks';
import { api, type Durations, type PastAlert, type Summary } from '../../api.ts';
import { dateTime, duration, named } from '../../format.ts';
import { useUi } from '../../ui-context.ts';
import { OUTCOMES } from '../AlertDetail/AlertDetail.tsx';
import css from './history.module.css';

const TYPES = [
  'sos',
  'sos.double',
  'fall',
  'door.forced',
  'door.held',
  'tamper',
  'battery.low',
  'device.offline',
  'welfare.check',
  'test',
];
const DAY = 86_400_000;
const isoDay = (at: number) =>
  new Date(at - new Date(at).getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
const startOf = (day: string) => new Date(`${day}T00:00:00`).getTime();

/** One bar per day or month of the range, empty periods included (at most 400). */
function everyPeriod(
  from: string,
  to: string,
  bucket: 'day' | 'month',
  got: { key: string; count: number }[],
) {
  const counts = new Map(got.map((b) => [b.key, b.count]));
  const keys: string[] = [];
  const d = new Date(`${from}T00:00:00Z`);
  const end = bucket === 'day' ? to : to.slice(0, 7);
  for (let i = 0; i < 400; i++) {
    const key = bucket === 'day' ? d.toISOString().slice(0, 10) : d.toISOString().slice(0, 7);
    if (key > end) break;
    keys.push(key);
    if (bucket === 'day') d.setUTCDate(d.getUTCDate() + 1);
    else d.setUTCMonth(d.getUTCMonth() + 1, 1);
  }
  return keys.map((key) => ({ label: key, value: counts.get(key) ?? 0 }));
}

export function History() {
  const { t, lang, site, role } = useUi();
  const center = role === 'center';
  const today = isoDay(Date.now());
  const [range, setRange] = useState({ from: isoDay(Date.now() - 29 * DAY), to: today });
  const [query, setQuery] = useState<{ type?: string; outcome?: string; resident?: string }>({});
  const [bucket, setBucket] = useState<'day' | 'month'>('day');
  const [found, setFound] = useState<PastAlert[]>();
  const [summary, setSummary] = useState<Summary>();
  const who = (by: string | null) => (by === 'system' ? t.t('by.system') : by);
  const from = startOf(range.from);
  const to = startOf(range.to) + DAY;
  useEffect(() => {
    api.search({ from, to, ...query, ...(site ? { site } : {}) }).then(
      (r) => setFound(r.alerts),
      () => setFound([]),
    );
  }, [from, to, query, site]);
  useEffect(() => {
    api
      .summary({ from, to, bucket, ...(site ? { site } : {}) })
      .then(setSummary, () => setSummary(undefined));
  }, [from, to, bucket, site]);

  const submit = (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const s = (k: string) => String(f.get(k) ?? '').trim() || undefined;
    setRange({ from: s('from') ?? range.from, to: s('to') ?? range.to });
    setBucket(f.get('bucket') === 'month' ? 'month' : 'day');
    setQuery({
      ...(s('type') ? { type: s('type') } : {}),
      ...(s('outcome') ? { outcome: s('outcome') } : {}),
      ...(s('resident') ? { resident: s('resident') } : {}),
    });
  };
  const exportSearch = () =>
    download(
      `alerts-${range.from}-${range.to}.csv`,
      toCsv([
        [
          t.t('history.raised'),
          ...(center ? [t.t('queue.station')] : []),
          t.t('history.type'),
          t.t('queue.resident'),
          t.t('door.device'),
          t.t('queue.state'),
          t.t('history.ackBy'),
          t.t('history.ackIn'),
          t.t('history.resolveIn'),
          t.t('history.outcome'),
        ],
        ...(found ?? []).map((a) => [
          dateTime(lang, a.raisedAt),
          ...(center ? [a.site] : []),
          named(t, 'type', a.type),
          a.residentName,
          a.deviceId,
          t.maybe(`state.${a.state}`) ?? a.state,
          who(a.acknowledgedBy),
          a.acknowledgedAt ? Math.round((a.acknowledgedAt - a.raisedAt) / 1000) : '',
          a.resolvedAt ? Math.round((a.resolvedAt - a.raisedAt) / 1000) : '',
          named(t, 'outcome', a.outcome),
        ]),
      ]),
    );
  const sec = (ms: number | null) => (ms === null ? '' : Math.round(ms / 1000));
  const exportReport = () =>
    summary &&
    download(
      `report-${bucket}-${range.from}-${range.to}.csv`,
      toCsv([
        [
          t.t('report.period'),
          ...(center ? [t.t('queue.station')] : []),
          t.t('history.type'),
          t.t('report.count'),
          t.t('report.ackMedian'),
          t.t('report.ackWorst'),
          t.t('report.resolveMedian'),
          t.t('report.resolveWorst'),
        ],
        ...summary.buckets.map((b) => [
          b.key,
          ...(center ? [''] : []),
          '',
          b.count,
          sec(b.ackMedianMs),
          sec(b.ackWorstMs),
          sec(b.resolveMedianMs),
          sec(b.resolveWorstMs),
        ]),
        ...summary.byType.map((b) => [
          '',
          ...(center ? [''] : []),
          named(t, 'type', b.type),
          b.count,
          sec(b.ackMedianMs),
          sec(b.ackWorstMs),
          sec(b.resolveMedianMs),
          sec(b.resolveWorstMs),
        ]),
        ...(center ? summary.bySite : []).map((b) => [
          '',
          b.site,
          '',
          b.count,
          sec(b.ackMedianMs),
          sec(b.ackWorstMs),
          sec(b.resolveMedianMs),
          sec(b.resolveWorstMs),
        ]),
      ]),
    );

  return (
    <main class={css.page}>
      <h1>{t.t('nav.history')}</h1>
      <form class={css.filters} onSubmit={submit}>
        <label>
          {t.t('history.from')}
          <input type="date" name="from" value={range.from} max={today} />
        </label>
        <label>
          {t.t('history.to')}
          <input type="date" name="to" value={range.to} max={today} />
        </label>
        <label>
          {t.t('history.type')}
          <select name="type">
            <option value="">{t.t('history.any')}</option>
            {TYPES.map((x) => (
              <option key={x} value={x}>
                {named(t, 'type', x)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t.t('history.outcome')}
          <select name="outcome">
            <option value="">{t.t('history.any')}</option>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {t.t(`outcome.${o}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t.t('history.resident')}
          <input name="resident" size={8} />
        </label>
        <label>
          {t.t('report.bucket')}
          <select name="bucket">
            <option value="day">{t.t('report.day')}</option>
            <option value="month">{t.t('report.month')}</option>
          </select>
        </label>
        <button type="submit" data-primary>
          {t.t('history.search')}
        </button>
      </form>

      <section class={css.report} aria-labelledby="report-h">
        <div class={css.head}>
          <h2 id="report-h">{t.t('report.title')}</h2>
          <button type="button" onClick={exportReport} disabled={!summary}>
            {t.t('report.csv')}
          </button>
        </div>
        {summary && summary.total.count === 0 && <p>{t.t('report.none')}</p>}
        {summary && summary.total.count > 0 && (
          <div class={css.reportBody}>
            <div>
              <p class={css.total} data-testid="report-total">
                {t.t('report.total', { n: summary.total.count })}
              </p>
              <BarChart
                title={t.t('report.chart')}
                bars={everyPeriod(range.from, range.to, bucket, summary.buckets)}
                short={(label) => label.slice(5) || label}
              />
            </div>
            <DurationsTable
              caption={t.t('report.byType')}
              keyHeader={t.t('history.type')}
              rows={[
                ...summary.byType.map((b) => ({
                  key: b.type,
                  label: named(t, 'type', b.type),
                  durations: b,
                })),
                { key: '', label: t.t('report.all'), durations: summary.total, sum: true },
              ]}
            />
            {center && (
              <DurationsTable
                caption={t.t('report.bySite')}
                keyHeader={t.t('queue.station')}
                testId="report-by-site"
                rows={summary.bySite.map((b) => ({ key: b.site, label: b.site, durations: b, site: b.site }))}
              />
            )}
          </div>
        )}
      </section>

      <section aria-labelledby="found-h">
        <div class={css.head}>
          <h2 id="found-h">{t.t('history.title')}</h2>
          <button type="button" onClick={exportSearch} disabled={!found?.length}>
            {t.t('history.csv')}
          </button>
        </div>
        {found && found.length === 0 ? (
          <p>{t.t('history.none')}</p>
        ) : (
          <table class={css.table}>
            <thead>
              <tr>
                <th scope="col">{t.t('history.raised')}</th>
                {center && <th scope="col">{t.t('queue.station')}</th>}
                <th scope="col">{t.t('history.type')}</th>
                <th scope="col">{t.t('queue.resident')}</th>
                <th scope="col">{t.t('door.device')}</th>
                <th scope="col">{t.t('queue.state')}</th>
                <th scope="col">{t.t('history.ackBy')}</th>
                <th scope="col">{t.t('history.ackIn')}</th>
                <th scope="col">{t.t('history.resolveIn')}</th>
                <th scope="col">{t.t('history.outcome')}</th>
              </tr>
            </thead>
            <tbody>
              {(found ?? []).map((a) => (
                <tr key={a.id} data-alert={a.id}>
                  <td>
                    <a href={`#/alert/${encodeURIComponent(a.id)}`}>{dateTime(lang, a.raisedAt)}</a>
                  </td>
                  {center && <td>{a.site}</td>}
                  <td>{named(t, 'type', a.type)}</td>
                  <td>{a.residentName ?? '—'}</td>
                  <td>{a.deviceId ?? '—'}</td>
                  <td>{t.maybe(`state.${a.state}`) ?? a.state}</td>
                  <td>{who(a.acknowledgedBy) ?? '—'}</td>
                  <td>{duration(t, a.acknowledgedAt ? a.acknowledgedAt - a.raisedAt : null)}</td>
                  <td>{duration(t, a.resolvedAt ? a.resolvedAt - a.raisedAt : null)}</td>
                  <td>{named(t, 'outcome', a.outcome)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </main>
  );
}

interface DurationsRow {
  key: string;
  label: string;
  durations: Durations;
  /** the total row */
  sum?: boolean;
  /** data-site, for the by-station table */
  site?: string;
}

/** A report table: one row per type or station with count, time to acknowledge and to resolve. */
function DurationsTable(props: {
  caption: string;
  keyHeader: string;
  rows: DurationsRow[];
  testId?: string;
}) {
  const { t } = useUi();
  return (
    <table class={css.table} data-testid={props.testId}>
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">{props.keyHeader}</th>
          <th scope="col">{t.t('report.count')}</th>
          <th scope="col">{t.t('report.ackMedian')}</th>
          <th scope="col">{t.t('report.ackWorst')}</th>
          <th scope="col">{t.t('report.resolveMedian')}</th>
          <th scope="col">{t.t('report.resolveWorst')}</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row) => (
          <tr key={row.key} class={row.sum ? css.sum : ''} data-site={row.site}>
            <th scope="row">{row.label}</th>
            <td>{row.durations.count}</td>
            <td>{duration(t, row.durations.ackMedianMs)}</td>
            <td>{duration(t, row.durations.ackWorstMs)}</td>
            <td>{duration(t, row.durations.resolveMedianMs)}</td>
            <td>{duration(t, row.durations.resolveWorstMs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
