// Services: the list, editing a service (names in each language, letter, range, caps, opening
// hours with presets for 错时 and 全年无休), a new service, and the closed days.
import { useState } from 'preact/hooks';
import { api, type Service } from '../api.ts';
import { Loading, Page, StatusLine } from '../components.tsx';
import { useAction, useLoad, useUi } from '../ui-context.ts';
import { ClosedDays } from './ClosedDays.tsx';
import { hoursSummary, hoursToText, PRESETS, textToHours, WEEKDAYS } from './hours.ts';

const BLANK: Service = {
  id: '',
  nameZh: '',
  nameEn: '',
  prefix: '',
  rangeStart: 1,
  rangeEnd: 999,
  dailyCap: 300,
  hours: PRESETS.weekdays,
  idRequired: false,
  expectedServiceS: 600,
  active: true,
  sort: 100,
};

export function Services() {
  const { t } = useUi();
  const list = useLoad(api.services);
  const [editing, setEditing] = useState<{ service: Service; create: boolean }>();
  const dayName = (d: string) => t.t(`weekday.${d}` as 'weekday.0');
  return (
    <Page title={t.t('services.title')}>
      {!list.data ? (
        <Loading error={list.error} text={t.t('common.loading')} />
      ) : (
        <table data-testid="services-table">
          <thead>
            <tr>
              <th scope="col">{t.t('services.prefix')}</th>
              <th scope="col">{t.t('services.nameZh')}</th>
              <th scope="col">{t.t('services.nameEn')}</th>
              <th scope="col">{t.t('services.hours')}</th>
              <th scope="col">{t.t('services.state')}</th>
              <th scope="col">
                <span class="visually-hidden">{t.t('common.edit')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((s) => (
              <tr key={s.id} data-testid={`service-row-${s.id}`}>
                <td>{s.prefix}</td>
                <td>{s.nameZh}</td>
                <td lang="en">{s.nameEn}</td>
                <td>{hoursSummary(s.hours, dayName, t.t('services.closedWeek'))}</td>
                <td>{s.active ? t.t('common.active') : t.t('common.inactive')}</td>
                <td>
                  <button
                    type="button"
                    data-testid={`edit-service-${s.id}`}
                    aria-label={`${t.t('common.edit')} ${s.nameZh}`}
                    onClick={() => setEditing({ service: s, create: false })}
                  >
                    {t.t('common.edit')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        <button type="button" onClick={() => setEditing({ service: BLANK, create: true })}>
          {t.t('services.new')}
        </button>
      </p>
      {editing && (
        <ServiceForm
          key={`${editing.service.id}-${editing.create}`}
          service={editing.service}
          create={editing.create}
          onDone={() => {
            list.reload();
          }}
          onClose={() => setEditing(undefined)}
        />
      )}
      <ClosedDays services={list.data ?? []} />
    </Page>
  );
}

function ServiceForm(props: { service: Service; create: boolean; onDone(): void; onClose(): void }) {
  const { t } = useUi();
  const [s, setS] = useState(props.service);
  const [hours, setHours] = useState(hoursToText(props.service.hours));
  const { status, busy, run } = useAction();
  const set = (patch: Partial<Service>) => setS({ ...s, ...patch });
  const num = (k: keyof Service) => (e: Event) => set({ [k]: Number((e.target as HTMLInputElement).value) });
  const text = (k: keyof Service) => (e: Event) => set({ [k]: (e.target as HTMLInputElement).value });
  const save = async (e: Event) => {
    e.preventDefault();
    const { id, ...rest } = { ...s, hours: textToHours(hours) };
    const ok = await run(() =>
      props.create ? api.createService({ id, ...rest }) : api.updateService(id, rest),
    );
    if (ok) props.onDone();
  };
  return (
    <form class="panel" onSubmit={save} data-testid="service-form" aria-labelledby="service-form-title">
      <h2 id="service-form-title">
        {props.create ? t.t('services.new') : t.t('services.editing', { name: props.service.nameZh })}
      </h2>
      <div class="grid">
        {props.create && (
          <label>
            {t.t('services.id')}
            <input value={s.id} onInput={text('id')} required pattern="[a-z][a-z0-9-]{0,39}" name="id" />
          </label>
        )}
        <label>
          {t.t('services.nameZh')}
          <input value={s.nameZh} onInput={text('nameZh')} required maxLength={40} name="nameZh" />
        </label>
        <label>
          {t.t('services.nameEn')}
          <input value={s.nameEn} onInput={text('nameEn')} required maxLength={80} name="nameEn" lang="en" />
        </label>
        <label>
          {t.t('services.prefix')}
          <input
            value={s.prefix}
            onInput={text('prefix')}
            required
            pattern="[A-Z]"
            maxLength={1}
            name="prefix"
          />
        </label>
        <label>
          {t.t('services.rangeStart')}
          <input type="number" value={s.rangeStart} onInput={num('rangeStart')} min={0} max={9999} />
        </label>
        <label>
          {t.t('services.rangeEnd')}
          <input type="number" value={s.rangeEnd} onInput={num('rangeEnd')} min={1} max={9999} />
        </label>
        <label>
          {t.t('services.dailyCap')}
          <input type="number" value={s.dailyCap} onInput={num('dailyCap')} min={0} max={9999} />
        </label>
        <label>
          {t.t('services.expected')}
          <input
            type="number"
            value={s.expectedServiceS}
            onInput={num('expectedServiceS')}
            min={10}
            max={86400}
          />
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={s.idRequired}
            onChange={(e) => set({ idRequired: (e.target as HTMLInputElement).checked })}
          />
          {t.t('services.idRequired')}
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={s.active}
            onChange={(e) => set({ active: (e.target as HTMLInputElement).checked })}
          />
          {t.t('common.active')}
        </label>
      </div>
      <fieldset>
        <legend>{t.t('services.hours')}</legend>
        <p class="help">{t.t('services.hoursHelp')}</p>
        <div class="presets">
          {(['weekdays', 'staggered', 'allYear'] as const).map((p) => (
            <button
              type="button"
              key={p}
              data-testid={`preset-${p}`}
              onClick={() => setHours(hoursToText(PRESETS[p]))}
            >
              {t.t(`services.preset.${p}`)}
            </button>
          ))}
        </div>
        <div class="hours">
          {WEEKDAYS.map((d) => (
            <label key={d}>
              {t.t(`weekday.${d}` as 'weekday.0')}
              <input
                name={`hours-${d}`}
                data-testid={`hours-${d}`}
                value={hours[d]}
                onInput={(e) => setHours({ ...hours, [d]: (e.target as HTMLInputElement).value })}
              />
            </label>
          ))}
        </div>
      </fieldset>
      <StatusLine status={status} id="service-status" />
      <div class="actions">
        <button type="submit" data-primary disabled={busy} data-testid="save-service">
          {t.t('common.save')}
        </button>
        <button type="button" onClick={props.onClose}>
          {t.t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
