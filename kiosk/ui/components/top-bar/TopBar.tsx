// Always on top: the language switch (each language in its own script), high contrast, larger
// text, sound, and the way home — each one tap, each a labelled toggle.
import { BigButton } from '@linli/shared/ui/components/big-button/BigButton.tsx';
import { LANGUAGES } from '../../i18n/index.ts';
import { useUi } from '../../ui-context.ts';
import { HomeIcon } from '../icons/icons.tsx';
import styles from './top-bar.module.css';

export function TopBar({ onHome, showSound = true }: { onHome?: () => void; showSound?: boolean }) {
  const { t, prefs, setPrefs } = useUi();
  return (
    <header class={styles.bar}>
      {onHome ? (
        <BigButton kind="secondary" size="normal" icon={<HomeIcon />} onClick={onHome} testId="home">
          {t.t('bar.home')}
        </BigButton>
      ) : (
        <span class={styles.title}>{t.t('app.title')}</span>
      )}
      <nav class={styles.tools} aria-label={t.t('lang.label')}>
        {LANGUAGES.map((l) => (
          <button
            key={l.tag}
            type="button"
            lang={l.tag}
            dir={l.dir}
            class={styles.toggle}
            aria-pressed={prefs.lang === l.tag}
            onClick={() => setPrefs({ lang: l.tag })}
            data-testid={`lang-${l.tag}`}
          >
            {l.name}
          </button>
        ))}
        <button
          type="button"
          class={styles.toggle}
          aria-pressed={prefs.contrast}
          onClick={() => setPrefs({ contrast: !prefs.contrast })}
          data-testid="contrast"
        >
          ◐ {t.t('bar.contrast')}
        </button>
        <button
          type="button"
          class={styles.toggle}
          aria-pressed={prefs.larger}
          onClick={() => setPrefs({ larger: !prefs.larger })}
          data-testid="larger"
        >
          A+ {t.t('bar.larger')}
        </button>
        {showSound && (
          <button
            type="button"
            class={styles.toggle}
            aria-pressed={prefs.sound}
            onClick={() => setPrefs({ sound: !prefs.sound })}
            data-testid="sound"
          >
            ♪ {t.t('bar.sound')}
          </button>
        )}
      </nav>
    </header>
  );
}
