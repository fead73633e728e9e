// Without a card: scan the appointment code (or, to rate, the QR code on the ticket) at the scanner.
import { ScanIcon } from '../../components/icons/icons.tsx';
import { Screen, styles } from '../../components/screen/Screen.tsx';
import { useUi } from '../../ui-context.ts';
import scan from './scan.module.css';

export function Scan({ purpose, onHome }: { purpose: 'appointment' | 'rate'; onHome(): void }) {
  const { t } = useUi();
  const appt = purpose === 'appointment';
  return (
    <Screen testId={`scan-${purpose}`} onHome={onHome} center>
      <h1 class={styles.h1}>{t.t(appt ? 'scan.title' : 'rate.scanTitle')}</h1>
      <p class={styles.lead}>{t.t(appt ? 'scan.sub' : 'rate.scanSub')}</p>
      <div class={scan.art} aria-hidden="true">
        <span class={scan.icon}>
          <ScanIcon />
        </span>
        <span class={scan.arrow}>↓</span>
      </div>
    </Screen>
  );
}
