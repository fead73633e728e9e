// A resident page: the top bar, then the page's own content in one main landmark.
import type { ComponentChildren } from 'preact';
import { useUi } from '../../ui-context.ts';
import { TopBar } from '../top-bar/TopBar.tsx';
import styles from './screen.module.css';

export { styles };

export function Screen(p: {
  children: ComponentChildren;
  onHome?: () => void;
  center?: boolean;
  testId: string;
}) {
  const { t } = useUi();
  return (
    <>
      <TopBar onHome={p.onHome} />
      <main
        class={`${styles.main} ${p.center ? styles.center : ''}`}
        data-testid={p.testId}
        data-screen={p.testId}
      >
        {t.lang.review && (
          <p class={styles.review} lang={t.lang.tag}>
            {t.t('lang.review')}
          </p>
        )}
        {p.children}
      </main>
    </>
  );
}
