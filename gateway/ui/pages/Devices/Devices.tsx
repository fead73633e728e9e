// Devices: offline and low battery first, last seen, the welfare check of people living alone,
// filters by building and grid cell; below, the door and access log.
import { useEffect, useState } from 'preact/hooks';
import { api, type Device, type StoredEvent } from '../../api.ts';
import { dateTime, named, place } from '../../format.ts';
import type { QueueItem } from '../../state/live-alerts.ts';
import { useUi } from '../../ui-context.ts';
import css from './devices.module.css';

const DOOR_TYPES = new Set([
  'door.open',
  'door.close',
  'door.forced',
  'door.held',
  'tamper',
  'tamper.restore',
  'access.granted',
  'access.denied',
]);

const problem = (d: Device) => d.online === false || !!d.batteryLow;

export function Devices({ open }: { open: QueueItem[] }) {
  const { t, lang, user, role, site } = useUi();
  const center = role === 'center';
  const supervisor = role === 'station' && (user?.role === 'supervisor' || user?.role === 'admin');
  const [filter, setFilter] = useState({ building: '', grid: '', problems: false });
  const [devices, setDevices] = useState<Device[]>();
  const [events, setEvents] = useState<StoredEvent[]>([]);
  useEffect(() => {
    api
      .devices({
        building: filter.building || undefined,
        grid: filter.grid || undefined,
        site: (center && site) || undefined,
      })
      .then(
        (r) => setDevices(r.devices),
        () => setDevices([]),
      );
  }, [filter.building, filter.grid, center, site]);
  useEffect(() => {
    api.events(300).then(
      (r) => setEvents(r.events.filter((e) => DOOR_TYPES.has(e.type)).slice(0, 50)),
      () => {},
    );
  }, []);
  const welfare = new Set(open.filter((i) => i.alert.type === 'welfare.check').map((i) => i.alert.deviceId));
  const shown = (devices ?? [])
    .filter((d) => !filter.problems || problem(d))
    .sort(
      (a, b) =>
        Number(problem(b)) - Number(problem(a)) || a.site.localeCompare(b.site) || a.id.localeCompare(b.id),
    );
  const submit = (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    setFilter({
      building: String(f.get('building') ?? '').trim(),
      grid: String(f.get('grid') ?? '').trim(),
      problems: f.get('show') === 'problems',
    });
  };
  const status = (d: Device) =>
    d.online === null || d.online === undefined
      ? t.t('devices.neverSeen')
      : d.online
        ? t.t('devices.online')
        : t.t('devices.offline');
  return (
    <main class={css.page}>
      <h1>{t.t('devices.title')}</h1>
      <form class={css.filters} onSubmit={submit}>
        <label>
          {t.t('devices.building')}
          <input name="building" size={6} />
        </label>
        <label>
          {t.t('devices.grid')}
          <input name="grid" size={6} />
        </label>
        <label>
          {t.t('devices.show')}
          <select name="show">
            <option value="all">{t.t('devices.all')}</option>
            <option value="problems">{t.t('devices.problems')}</option>
          </select>
        </label>
        <button type="submit">{t.t('devices.filter')}</button>
        <span class={css.total}>{t.t('devices.total', { n: shown.length })}</span>
      </form>
      {devices && shown.length === 0 ? (
        <p>{t.t('devices.none')}</p>
      ) : (
        <table class={css.table}>
          <thead>
            <tr>
              {center && <th scope="col">{t.t('queue.station')}</th>}
              <th scope="col">{t.t('devices.id')}</th>
              <th scope="col">{t.t('detail.kind')}</th>
              <th scope="col">{t.t('detail.location')}</th>
              <th scope="col">{t.t('devices.status')}</th>
              <th scope="col">{t.t('detail.battery')}</th>
              <th scope="col">{t.t('detail.lastSeen')}</th>
              <th scope="col">{t.t('detail.resident')}</th>
              <th scope="col">{t.t('devices.welfare')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((d) => (
              <tr
                key={`${d.site}/${d.id}`}
                data-device={d.id}
                data-site={d.site}
                class={problem(d) ? css.problem : ''}
              >
                {center && <td>{d.site}</td>}
                <td>{d.id}</td>
                <td>{named(t, 'kind', d.kind)}</td>
                <td>{place(d.location) || '—'}</td>
                <td class={d.online === false ? css.bad : ''}>{status(d)}</td>
                <td class={d.batteryLow ? css.bad : ''}>
                  {typeof d.battery === 'number' ? `${d.battery}%` : '—'}
                  {d.batteryLow && ` · ${t.t('devices.lowBattery')}`}
                </td>
                <td>{dateTime(lang, d.lastSeen)}</td>
                <td>
                  {d.resident && supervisor ? (
                    <a
                      href={`#/responders/${encodeURIComponent(d.resident.id)}`}
                      title={t.t('responders.open')}
                    >
                      {d.resident.name}
                    </a>
                  ) : (
                    (d.resident?.name ?? '—')
                  )}
                  {center && d.resident?.phone && (
                    <>
                      {' · '}
                      <a href={`tel:${d.resident.phone}`}>{d.resident.phone}</a>
                    </>
                  )}
                </td>
                <td>
                  {d.resident?.livesAlone
                    ? welfare.has(d.id)
                      ? t.t('devices.welfareOpen')
                      : t.t('devices.welfareOk')
                    : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{t.t('door.title')}</h2>
      {events.length === 0 ? (
        <p>{t.t('door.none')}</p>
      ) : (
        <table class={css.table}>
          <thead>
            <tr>
              <th scope="col">{t.t('door.time')}</th>
              <th scope="col">{t.t('door.device')}</th>
              <th scope="col">{t.t('door.event')}</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.seqNo} class={e.type === 'door.forced' || e.type === 'tamper' ? css.problem : ''}>
                <td>{dateTime(lang, e.receivedAt)}</td>
                <td>{e.deviceId}</td>
                <td>{named(t, 'type', e.type)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
