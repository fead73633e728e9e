// The keyboard shortcuts, listed on screen (the same table drives the key handler).
import css from '../console.module.css';
import { SHORTCUTS } from '../shortcuts.ts';
import { useUi } from '../ui-context.ts';

export function Shortcuts() {
  const { t } = useUi();
  return (
    <section class={css.panel} aria-labelledby="keys-title">
      <h2 id="keys-title">{t.t('keys.title')}</h2>
      <p class={css.muted}>{t.t('keys.help')}</p>
      <dl class={css.keys} data-testid="shortcuts">
        {SHORTCUTS.map((s) => (
          <div key={s.key}>
            <dt>
              <kbd>{s.key}</kbd>
            </dt>
            <dd>{t.t(s.label)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
