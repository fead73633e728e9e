// Home: the card cue (or, when the reader is out of order, a warning that says so), the
// services with their state, and the ways in without a card: an appointment code, or a rating.
import { BigButton } from '@linli/shared/ui/components/big-button/BigButton.tsx';
import type { Service } from '../../api.ts';
import { CardCue } from '../../components/card-cue/CardCue.tsx';
import { AlertIcon, ScanIcon, StarIcon } from '../../components/icons/icons.tsx';
import { Screen, styles } from '../../components/screen/Screen.tsx';
import { ServiceGrid } from '../../components/service-grid/ServiceGrid.tsx';
import { useUi } from '../../ui-context.ts';

export interface HomeProps {
  services: Service[];
  readerOk: boolean;
  printerOk: boolean;
  onPick(s: Service): void;
  onAppointment(): void;
  onRate(): void;
}

export function Home(p: HomeProps) {
  const { t } = useUi();
  return (
    <Screen testId="home">
      {p.readerOk ? (
        <CardCue />
      ) : (
        <div class={styles.warn} role="status" data-testid="reader-broken">
          <span class={styles.smallIcon} aria-hidden="true">
            <AlertIcon />
          </span>
          {t.t('err.readerBroken')} — {t.t('err.callStaff')}
        </div>
      )}
      {!p.printerOk && (
        <div class={styles.warn} role="status" data-testid="printer-broken">
          <span class={styles.smallIcon} aria-hidden="true">
            <AlertIcon />
          </span>
          {t.t('err.printerBroken')}
        </div>
      )}
      <h1 class={styles.h2}>{t.t('home.chooseTitle')}</h1>
      <ServiceGrid services={p.services} onPick={p.onPick} />
      <div class={styles.actions}>
        <BigButton kind="secondary" icon={<ScanIcon />} onClick={p.onAppointment} testId="appointment">
          {t.t('home.appointment')}
        </BigButton>
        <BigButton kind="secondary" icon={<StarIcon />} onClick={p.onRate} testId="rate">
          {t.t('home.rate')}
        </BigButton>
      </div>
    </Screen>
  );
}
