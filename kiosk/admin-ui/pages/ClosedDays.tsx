// Closed days (节假日闭馆): the list, and setting or removing a day for the station or some services.
import { useState } from 'preact/hooks';
import { api, type Service } from '../api.ts';
import { StatusLine } from '../components.tsx';
import { useAction, useLoad, useUi } from '../ui-context.ts';

export function ClosedDays({ services }: { services: Service[] }) {
  const { t, today } = useUi();
  const list = useLoad(api.closedDays);
  const [day, setDay] = useState(today);
  const [all, setAll] = useState(true);
  const [chosen, setChosen] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const { status, busy, run } = useAction();
  const name = (id: string) => services.find((s) => s.id === id)?.nameZh ?? id;
  const add = async (e: Event) => {
    e.preventDefault();
    if (await run(() => api.setClosedDay({ day, serviceIds: all ? '*' : chosen, note }))) list.reload();
  };
  return (
    <section class="panel" aria-labelledby="closed-title">
      <h2 id="closed-title">{t.t('closed.title')}</h2>
      <p class="help">{t.t('closed.help')}</p>
      <table data-testid="closed-days">
        <thead>
          <tr>
            <th scope="col">{t.t('closed.day')}</th>
            <th scope="col">{t.t('closed.scope')}</th>
            <th scope="col">{t.t('closed.note')}</th>
            <th scope="col">
              <span class="visually-hidden">{t.t('common.delete')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(list.data ?? []).map((d) => (
            <tr key={d.day} data-testid={`closed-${d.day}`}>
              <td>{d.day}</td>
              <td>{d.serviceIds === '*' ? t.t('closed.all') : d.serviceIds.map(name).join('、')}</td>
              <td>{d.note}</td>
              <td>
                <button
                  type="button"
                  aria-label={`${t.t('common.delete')} ${d.day}`}
                  onClick={async () => (await run(() => api.removeClosedDay(d.day))) && list.reload()}
                >
                  {t.t('common.delete')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form onSubmit={add} class="grid" data-testid="closed-form">
        <label>
          {t.t('closed.day')}
          <input
            type="date"
            value={day}
            required
            onInput={(e) => setDay((e.target as HTMLInputElement).value)}
          />
        </label>
        <label class="check">
          <input
            type="checkbox"
            data-testid="closed-all"
            checked={all}
            onChange={(e) => setAll((e.target as HTMLInputElement).checked)}
          />
          {t.t('closed.all')}
        </label>
        {!all && (
          <fieldset>
            <legend>{t.t('closed.scope')}</legend>
            {services.map((s) => (
              <label class="check" key={s.id}>
                <input
                  type="checkbox"
                  data-testid={`closed-service-${s.id}`}
                  checked={chosen.includes(s.id)}
                  onChange={(e) =>
                    setChosen(
                      (e.target as HTMLInputElement).checked
                        ? [...chosen, s.id]
                        : chosen.filter((x) => x !== s.id),
                    )
                  }
                />
                {s.nameZh}
              </label>
            ))}
          </fieldset>
        )}
        <label>
          {t.t('closed.note')}
          <input
            value={note}
            maxLength={100}
            onInput={(e) => setNote((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit" disabled={busy}>
          {t.t('closed.add')}
        </button>
      </form>
      <StatusLine status={status} id="closed-status" />
    </section>
  );
}
