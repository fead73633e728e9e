// WCAG 2.2.1: before the screen goes home on its own, a full screen asks "are you still there?"
// with the seconds left (at least 20) and one large button to continue.
import { BigButton } from '@linli/shared/ui/components/big-button/BigButton.tsx';
import { Screen, styles } from '../../components/screen/Screen.tsx';
import { useUi } from '../../ui-context.ts';

export function Continue(p: {
  secondsLeft: number;
  totalSeconds: number;
  onContinue(): void;
  onLeave(): void;
}) {
  const { t } = useUi();
  return (
    <Screen testId="continue" center>
      <h1 class={styles.h1} style={{ fontSize: 'calc(var(--font-title) * 1.4)' }}>
        {t.t('idle.title')}
      </h1>
      <p
        class={styles.lead}
        role="timer"
        aria-live="off"
        data-testid="idle-seconds"
        data-total={p.totalSeconds}
      >
        {t.t('idle.sub', { s: p.secondsLeft })}
      </p>
      <div class={styles.actions}>
        <BigButton onClick={p.onContinue} testId="idle-continue">
          {t.t('idle.continue')}
        </BigButton>
        <BigButton kind="secondary" onClick={p.onLeave} testId="idle-leave">
          {t.t('idle.leave')}
        </BigButton>
      </div>
    </Screen>
  );
}
