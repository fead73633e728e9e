// "Place your ID card here": a card sliding down onto the reader, over and over (still for
// residents who asked the system for reduced motion), with the words beside it.
import { useUi } from '../../ui-context.ts';
import styles from './card-cue.module.css';

export function CardCue({ title, sub, testId }: { title?: string; sub?: string; testId?: string }) {
  const { t } = useUi();
  return (
    <div class={styles.cue} data-testid={testId ?? 'card-cue'}>
      <div class={styles.art} aria-hidden="true">
        <div class={styles.card}>
          <span class={styles.photo} />
          <span class={styles.line} />
          <span class={styles.line} />
        </div>
        <div class={styles.reader} />
        <div class={styles.arrow}>↓</div>
      </div>
      <div class={styles.words}>
        <p class={styles.title}>{title ?? t.t('home.cardCue')}</p>
        <p class={styles.sub}>{sub ?? t.t('home.cardCueSub')}</p>
      </div>
    </div>
  );
}
