// Today's figures of this window (GET /api/windows/:id/today).
import type { Figures as F } from '../api.ts';
import css from '../console.module.css';
import { duration } from '../format.ts';
import { useUi } from '../ui-context.ts';

export function Figures({ f }: { f: F | null }) {
  const { t } = useUi();
  const rated = f ? Object.values(f.ratings).reduce((a, b) => a + b, 0) : 0;
  return (
    <section
      class={css.panel}
      aria-labelledby="fig-title"
      data-testid="figures"
      data-served={f?.served ?? ''}
    >
      <h2 id="fig-title">{t.t('fig.title')}</h2>
      <dl class={css.figures}>
        <dt>{t.t('fig.served')}</dt>
        <dd data-testid="fig-served">{f?.served ?? t.t('fig.none')}</dd>
        <dt>{t.t('fig.called')}</dt>
        <dd>{f?.called ?? t.t('fig.none')}</dd>
        <dt>{t.t('fig.noShow')}</dt>
        <dd>{f?.noShow ?? t.t('fig.none')}</dd>
        <dt>{t.t('fig.transferred')}</dt>
        <dd>{f?.transferred ?? t.t('fig.none')}</dd>
        <dt>{t.t('fig.avgWait')}</dt>
        <dd>{duration(t, f?.avgWaitS == null ? null : f.avgWaitS * 1000)}</dd>
        <dt>{t.t('fig.avgService')}</dt>
        <dd>{duration(t, f?.avgServiceS == null ? null : f.avgServiceS * 1000)}</dd>
        <dt>{t.t('fig.ratings')}</dt>
        <dd data-testid="fig-ratings">
          {f && rated > 0
            ? `${t.t('fig.ratingMean', { mean: f.ratingMean ?? '', n: rated })} · ${[5, 4, 3, 2, 1]
                .map((r) => `${r}★×${f.ratings[String(r) as '1']}`)
                .join(' ')}`
            : t.t('fig.noRatings')}
        </dd>
      </dl>
    </section>
  );
}
