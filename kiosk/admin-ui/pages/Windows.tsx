// Windows and the services each one calls; a new window.
import { useState } from 'preact/hooks';
import { api, type Service, type Window } from '../api.ts';
import { Loading, Page, StatusLine } from '../components.tsx';
import { useAction, useLoad, useUi } from '../ui-context.ts';

export function Windows() {
  const { t } = useUi();
  const data = useLoad(() => Promise.all([api.windows(), api.services()]));
  const { status, busy, run } = useAction();
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  if (!data.data) return <Loading error={data.error} text={t.t('common.loading')} />;
  const [windows, services] = data.data;
  const add = async (e: Event) => {
    e.preventDefault();
    if (await run(() => api.createWindow({ id: Number(id), name, serviceIds: [] }))) data.reload();
  };
  return (
    <Page title={t.t('windows.title')}>
      {windows.map((w) => (
        <WindowRow key={w.id} w={w} services={services} onSaved={data.reload} />
      ))}
      <form class="panel grid" onSubmit={add} aria-labelledby="new-window">
        <h2 id="new-window">{t.t('windows.new')}</h2>
        <label>
          {t.t('windows.id')}
          <input
            type="number"
            min={1}
            max={999}
            required
            value={id}
            onInput={(e) => setId((e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          {t.t('windows.name')}
          <input
            required
            maxLength={40}
            value={name}
            onInput={(e) => setName((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit" disabled={busy}>
          {t.t('common.add')}
        </button>
        <StatusLine status={status} />
      </form>
    </Page>
  );
}

function WindowRow({ w, services, onSaved }: { w: Window; services: Service[]; onSaved(): void }) {
  const { t } = useUi();
  const [chosen, setChosen] = useState(w.serviceIds);
  const [name, setName] = useState(w.name);
  const [active, setActive] = useState(w.active);
  const { status, busy, run } = useAction();
  const save = async (e: Event) => {
    e.preventDefault();
    if (await run(() => api.updateWindow(w.id, { name, active, serviceIds: chosen }))) onSaved();
  };
  return (
    <form class="panel" onSubmit={save} data-testid={`window-${w.id}`} aria-label={w.name}>
      <div class="grid">
        <label>
          {t.t('windows.name')}
          <input
            value={name}
            required
            maxLength={40}
            onInput={(e) => setName((e.target as HTMLInputElement).value)}
          />
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={active}
            onChange={(e) => setActive((e.target as HTMLInputElement).checked)}
          />
          {t.t('common.active')}
        </label>
        <span>
          {t.t('windows.staff')}: {w.staffName ?? '—'}
        </span>
      </div>
      <fieldset>
        <legend>{t.t('windows.servicesOf', { name: w.name })}</legend>
        {services.map((s) => (
          <label class="check" key={s.id}>
            <input
              type="checkbox"
              data-testid={`window-${w.id}-service-${s.id}`}
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
      <StatusLine status={status} id={`window-${w.id}-status`} />
      <button type="submit" data-primary disabled={busy} data-testid={`save-window-${w.id}`}>
        {t.t('common.save')}
      </button>
    </form>
  );
}
