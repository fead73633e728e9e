// 好差评: five large faces with words; 1 and 2 ask why (the service requires a reason for them);
// then thanks. Used on the kiosk (after scanning the ticket) and on the phone page.
import { BigButton } from '@linli/shared/ui/components/big-button/BigButton.tsx';
import { useState } from 'preact/hooks';
import { ApiError, api } from '../../api.ts';
import type { Key } from '../../i18n/index.ts';
import { useUi } from '../../ui-context.ts';
import { CheckIcon } from '../icons/icons.tsx';
import { Face } from './Face.tsx';
import styles from './rating.module.css';

const REASONS = [
  'long-wait',
  'attitude',
  'slow',
  'unclear',
  'repeat-visits',
  'environment',
  'other',
] as const;

export function Rating({ token, number, onDone }: { token: string; number: string; onDone?: () => void }) {
  const { t } = useUi();
  const [step, setStep] = useState<'faces' | 'reasons' | 'thanks' | 'already' | 'error'>('faces');
  const [rating, setRating] = useState(0);

  const send = async (r: number, reason?: string) => {
    try {
      await api.rate(token, r, reason);
      setStep('thanks');
    } catch (err) {
      setStep(err instanceof ApiError && err.code === 'ALREADY_RATED' ? 'already' : 'error');
    }
  };
  const pick = (r: number) => {
    setRating(r);
    if (r <= 2) setStep('reasons');
    else void send(r);
  };

  if (step === 'thanks' || step === 'already' || step === 'error') {
    const key: Key = step === 'thanks' ? 'rate.thanks' : step === 'already' ? 'rate.already' : 'err.generic';
    return (
      <div class={styles.done} data-testid={`rating-${step}`}>
        <span class={styles.doneIcon} aria-hidden="true">
          <CheckIcon />
        </span>
        <p class={styles.doneText} role="status">
          {t.t(key)}
        </p>
        {onDone && (
          <BigButton onClick={onDone} testId="rating-close">
            {t.t('err.back')}
          </BigButton>
        )}
      </div>
    );
  }
  if (step === 'reasons') {
    return (
      <section class={styles.rating} aria-labelledby="reason-title">
        <h2 id="reason-title" class={styles.title}>
          {t.t('rate.reasonTitle')}
        </h2>
        <div class={styles.reasons}>
          {REASONS.map((code) => (
            <BigButton
              key={code}
              kind="secondary"
              size="normal"
              onClick={() => void send(rating, code)}
              testId={`reason-${code}`}
            >
              {t.t(`rate.reason.${code}` as Key)}
            </BigButton>
          ))}
        </div>
      </section>
    );
  }
  return (
    <section class={styles.rating} aria-labelledby="rate-title">
      <h2 id="rate-title" class={styles.title}>
        {t.t('rate.title')}
      </h2>
      <p class={styles.number}>{t.t('rate.ticket', { number })}</p>
      <div class={styles.faces}>
        {[5, 4, 3, 2, 1].map((r) => (
          <button
            key={r}
            type="button"
            class={`${styles.face} ${styles[`r${r}`]}`}
            onClick={() => pick(r)}
            data-testid={`rate-${r}`}
          >
            <span class={styles.faceIcon}>
              <Face rating={r} />
            </span>
            <span>{t.t(`rate.${r}` as Key)}</span>
          </button>
        ))}
      </div>
    </section>
  );
}
