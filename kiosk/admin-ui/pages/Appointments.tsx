// Appointments of a day: the list (masked names only), booking one, cancelling one.
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { dateTime, Loading, Page, StatusLine } from '../components.tsx';
import { useAction, useLoad, useUi } from '../ui-context.ts';

export function Appointments() {
  const { t, today } = useUi();
  const [day, setDay] = useState(today);
  const data = useLoad(() => Promise.all([api.appointments(day), api.services()]), [day]);
  const { status, busy, run } = useAction();
  const [b, setB] = useState({ serviceId: '', time: '10:00', name: '', idNumber: '' });
  if (!data.data) return <Loading error={data.error} text={t.t('common.loading')} />;
  const [list, services] = data.data;
  const name = (id: string) => services.find((s) => s.id === id)?.nameZh ?? id;
  const book = async (e: Event) => {
    e.preventDefault();
    const body = {
      serviceId: b.serviceId || (services[0]?.id ?? ''),
      day,
      time: b.time,
      ...(b.name ? { name: b.name } : {}),
      ...(b.idNumber ? { idNumber: b.idNumber } : {}),
    };
    if (await run(() => api.book(body))) data.reload();
  };
  return (
    <Page title={t.t('appointments.title')}>
      <label>
        {t.t('appointments.day')}
        <input type="date" value={day} onInput={(e) => setDay((e.target as HTMLInputElement).value)} />
      </label>
      <table data-testid="appointments">
        <thead>
          <tr>
            <th scope="col">{t.t('appointments.time')}</th>
            <th scope="col">{t.t('appointments.service')}</th>
            <th scope="col">{t.t('appointments.name')}</th>
            <th scope="col">{t.t('appointments.code')}</th>
            <th scope="col">{t.t('appointments.state')}</th>
            <th scope="col">
              <span class="visually-hidden">{t.t('appointments.cancel')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {list.map((a) => (
            <tr key={a.id}>
              <td>{dateTime(a.slotAt).slice(11)}</td>
              <td>{name(a.serviceId)}</td>
              <td>{a.nameMasked ?? ''}</td>
              <td>{a.code}</td>
              <td>{t.maybe(`appointments.state.${a.state}`) ?? a.state}</td>
              <td>
                {a.state === 'booked' && (
                  <button
                    type="button"
                    onClick={async () => (await run(() => api.cancelAppointment(a.id))) && data.reload()}
                  >
                    {t.t('appointments.cancel')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.length === 0 && <p>{t.t('common.none')}</p>}
      <form class="panel grid" onSubmit={book} aria-labelledby="book-title" data-testid="book-form">
        <h2 id="book-title">{t.t('appointments.book')}</h2>
        <label>
          {t.t('appointments.service')}
          <select
            value={b.serviceId}
            onChange={(e) => setB({ ...b, serviceId: (e.target as HTMLSelectElement).value })}
          >
            {services.map((s) => (
              <option key={s.id} value={s.id}>
                {s.nameZh}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t.t('appointments.time')}
          <input
            type="time"
            required
            value={b.time}
            onInput={(e) => setB({ ...b, time: (e.target as HTMLInputElement).value })}
          />
        </label>
        <label>
          {t.t('appointments.name')}
          <input
            name="name"
            maxLength={40}
            value={b.name}
            onInput={(e) => setB({ ...b, name: (e.target as HTMLInputElement).value })}
          />
        </label>
        <label>
          {t.t('appointments.idNumber')}
          <input
            maxLength={18}
            pattern="[0-9]{17}[0-9Xx]"
            autocomplete="off"
            value={b.idNumber}
            onInput={(e) => setB({ ...b, idNumber: (e.target as HTMLInputElement).value })}
          />
        </label>
        <button type="submit" disabled={busy}>
          {t.t('appointments.book')}
        </button>
        <StatusLine status={status} />
      </form>
    </Page>
  );
}
