// Priority classes and the fairness policy of calling (docs/kiosk-queue.md: strict, ratio, weighted).
import { useState } from 'preact/hooks';
import { api, type Policy as PolicyT } from '../api.ts';
import { Loading, Page, StatusLine } from '../components.tsx';
import { useAction, useLoad, useUi } from '../ui-context.ts';

export function Policy() {
  const { t } = useUi();
  const data = useLoad(api.policy);
  return (
    <Page title={t.t('policy.title')}>
      {data.data ? <PolicyForm p={data.data} /> : <Loading error={data.error} text={t.t('common.loading')} />}
    </Page>
  );
}

function PolicyForm({ p }: { p: PolicyT }) {
  const { t } = useUi();
  const [v, setV] = useState(p);
  const [classes, setClasses] = useState(p.priorityClasses.join(', '));
  const { status, busy, run } = useAction();
  const num = (k: keyof PolicyT) => (e: Event) =>
    setV({ ...v, [k]: Number((e.target as HTMLInputElement).value) });
  const save = async (e: Event) => {
    e.preventDefault();
    const priorityClasses = classes.split(/[,，\s]+/).filter(Boolean);
    await run(() => api.setPolicy({ ...v, priorityClasses }));
  };
  return (
    <form class="panel" onSubmit={save} data-testid="policy-form">
      <p class="help">{t.t('policy.help')}</p>
      <fieldset>
        <legend>{t.t('policy.policy')}</legend>
        {(['strict', 'ratio', 'weighted'] as const).map((k) => (
          <label class="check" key={k}>
            <input
              data-testid={`policy-${k}`}
              type="radio"
              name="policy"
              value={k}
              checked={v.policy === k}
              onChange={() => setV({ ...v, policy: k })}
            />
            {t.t(`policy.${k}`)}
          </label>
        ))}
      </fieldset>
      <div class="grid">
        <label>
          {t.t('policy.normalPerPriority')}
          <input
            type="number"
            min={1}
            max={100}
            value={v.normalPerPriority}
            onInput={num('normalPerPriority')}
          />
        </label>
        <label>
          {t.t('policy.priorityWeight')}
          <input type="number" min={1} max={100} value={v.priorityWeight} onInput={num('priorityWeight')} />
        </label>
        <label>
          {t.t('policy.priorityAge')}
          <input type="number" min={0} max={150} value={v.priorityAge} onInput={num('priorityAge')} />
        </label>
        <label class="wide">
          {t.t('policy.classes')}
          <input value={classes} onInput={(e) => setClasses((e.target as HTMLInputElement).value)} />
        </label>
      </div>
      <StatusLine status={status} id="policy-status" />
      <button type="submit" data-primary disabled={busy}>
        {t.t('common.save')}
      </button>
    </form>
  );
}
