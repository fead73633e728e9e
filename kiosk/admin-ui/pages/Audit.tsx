// The audit log: who did what to what, when, from where; filtered by action family, user, target
// and days; exported as CSV (shared/ui/csv.ts: quoted, UTF-8 BOM).
import { download, toCsv } from '@linli/shared/ui/csv.ts';
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { dateTime, Loading, Page } from '../components.tsx';
import type { Key } from '../i18n/index.ts';
import { useLoad, useUi } from '../ui-context.ts';

const FAMILIES = [
  'service',
  'window',
  'staff',
  'policy',
  'closed-day',
  'rating',
  'ticket',
  'appointment',
  'login',
];

export function Audit() {
  const { t } = useUi();
  const empty = { action: '', username: '', target: '', from: '', to: '' };
  const [form, setForm] = useState(empty);
  const [q, setQ] = useState(empty);
  const list = useLoad(() => api.audit({ ...q, limit: 500 }), [JSON.stringify(q)]);
  const field = (k: keyof typeof empty) => (e: Event) =>
    setForm({ ...form, [k]: (e.target as HTMLInputElement).value });
  const exportCsv = () => {
    const rows = (list.data ?? []).map((e) => [
      dateTime(e.at),
      e.username,
      e.action,
      e.target,
      e.detail === null ? '' : JSON.stringify(e.detail),
      e.address,
    ]);
    download(
      `linli-audit-${q.from || 'all'}-${q.to || 'all'}.csv`,
      toCsv([['at', 'username', 'action', 'target', 'detail', 'address'], ...rows]),
    );
  };
  return (
    <Page title={t.t('audit.title')}>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setQ(form);
        }}
      >
        <label>
          {t.t('audit.action')}
          <select name="action" value={form.action} onChange={field('action')}>
            <option value="">{t.t('audit.allActions')}</option>
            {FAMILIES.map((f) => (
              <option key={f} value={f}>
                {t.t(`audit.family.${f}` as Key)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t.t('audit.username')}
          <input name="username" value={form.username} maxLength={32} onInput={field('username')} />
        </label>
        <label>
          {t.t('audit.target')}
          <input
            name="target"
            value={form.target}
            maxLength={80}
            placeholder="service:legal"
            onInput={field('target')}
          />
        </label>
        <label>
          {t.t('common.from')}
          <input type="date" name="from" value={form.from} onInput={field('from')} />
        </label>
        <label>
          {t.t('common.to')}
          <input type="date" name="to" value={form.to} onInput={field('to')} />
        </label>
        <button type="submit" data-testid="audit-filter">
          {t.t('audit.filter')}
        </button>
        <button type="button" onClick={exportCsv} disabled={!list.data}>
          {t.t('audit.csv')}
        </button>
      </form>
      {!list.data ? (
        <Loading error={list.error} text={t.t('common.loading')} />
      ) : (
        <table data-testid="audit-table">
          <thead>
            <tr>
              <th scope="col">{t.t('audit.at')}</th>
              <th scope="col">{t.t('audit.username')}</th>
              <th scope="col">{t.t('audit.action')}</th>
              <th scope="col">{t.t('audit.target')}</th>
              <th scope="col">{t.t('audit.detail')}</th>
              <th scope="col">{t.t('audit.address')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((e) => (
              <tr key={e.id} data-action={e.action}>
                <td class="nowrap">{dateTime(e.at)}</td>
                <td>{e.username ?? ''}</td>
                <td>{e.action}</td>
                <td>{e.target ?? ''}</td>
                <td class="detail">{e.detail === null ? '' : JSON.stringify(e.detail)}</td>
                <td>{e.address ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.data?.length === 0 && <p>{t.t('common.none')}</p>}
    </Page>
  );
}
