// Rating at the kiosk, after the ticket's QR code was scanned.
import { Rating } from '../../components/faces/Rating.tsx';
import { Screen, styles } from '../../components/screen/Screen.tsx';
import { useUi } from '../../ui-context.ts';

export function Rate(p: { token: string; number: string; canRate: boolean; rated: boolean; onDone(): void }) {
  const { t } = useUi();
  return (
    <Screen testId="rate" onHome={p.onDone}>
      {p.canRate ? (
        <Rating token={p.token} number={p.number} onDone={p.onDone} />
      ) : (
        <p class={styles.h1} role="status" data-testid={p.rated ? 'rate-already' : 'rate-not-yet'}>
          {t.t(p.rated ? 'rate.already' : 'rate.notYet')}
        </p>
      )}
    </Screen>
  );
}
