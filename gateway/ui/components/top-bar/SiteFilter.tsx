// At the center: which station's alerts the queue and history show (all by default); the list
// of sites is the center's stations.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { useUi } from '../../ui-context.ts';
import css from './top-bar.module.css';

export function SiteFilter() {
  const { t, site, setSite } = useUi();
  const [sites, setSites] = useState<string[]>([]);
  useEffect(() => {
    api.stations().then(
      (st) => setSites(st.map((s) => s.site)),
      () => {},
    );
  }, []);
  return (
    <label class={css.lang}>
      <span>{t.t('site.label')}</span>
      <select
        value={site}
        data-testid="site-filter"
        onChange={(e) => setSite((e.target as HTMLSelectElement).value)}
      >
        <option value="">{t.t('site.all')}</option>
        {[...new Set([...sites, ...(site ? [site] : [])])].map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
    </label>
  );
}
