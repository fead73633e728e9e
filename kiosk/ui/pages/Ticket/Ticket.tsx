// The ticket: the number huge (≥ 7:1), people ahead, estimated wait, then "printing…" → "take your
// ticket". If the printer cannot print, the ticket stays on screen, large, with "please photograph
// this" and the QR code of the phone page — never a dead end.
import { BigButton } from '@linli/shared/ui/components/big-button/BigButton.tsx';
import { Qr } from '@linli/shared/ui/components/qr/Qr.tsx';
import type { Issued } from '../../api.ts';
import { Screen, styles as screen } from '../../components/screen/Screen.tsx';
import type { PrintState } from '../../state/types.ts';
import { serviceName, useUi } from '../../ui-context.ts';
import styles from './ticket.module.css';

export function Ticket(p: { issued: Issued; print: PrintState; appointment: boolean; onDone(): void }) {
  const { t } = useUi();
  const { ticket, peopleAhead, estimatedWaitMin } = p.issued;
  const photo = p.print === 'photo';
  return (
    <Screen testId="ticket" onHome={p.onDone} center>
      {p.appointment && (
        <p class={screen.lead}>{t.t(p.issued.late ? 'ticket.late' : 'ticket.appointment')}</p>
      )}
      {p.issued.reused && <p class={screen.lead}>{t.t('ticket.reused')}</p>}
      <div class={`${styles.ticket} ${photo ? styles.photo : ''}`} data-testid="ticket-card">
        <p class={styles.service}>{serviceName(t, ticket)}</p>
        <p class={styles.label}>{t.t('ticket.title')}</p>
        <p class={styles.number} data-testid="ticket-number" dir="ltr">
          {ticket.number}
        </p>
        {ticket.priority && (
          <p class={styles.priority} data-testid="ticket-priority">
            {t.t('ticket.priority')}
          </p>
        )}
        <p class={styles.ahead} data-testid="ticket-ahead">
          {peopleAhead > 0 ? t.t('ticket.ahead', { n: peopleAhead }) : t.t('ticket.aheadNone')}
        </p>
        {peopleAhead > 0 && <p class={styles.wait}>{t.t('ticket.wait', { min: estimatedWaitMin })}</p>}
      </div>
      {photo ? (
        <div class={styles.fallback} data-testid="print-photo">
          <p class={screen.alert} role="alert" style={{ margin: 0 }}>
            <strong class={screen.lead}>{t.t('ticket.photo')}</strong>
          </p>
          {p.issued.followUrl && (
            <div class={styles.qrRow}>
              <Qr text={p.issued.followUrl} label={t.t('ticket.qrLabel')} px={300} />
              <p class={screen.text}>{t.t('ticket.scanQr')}</p>
            </div>
          )}
        </div>
      ) : (
        <p
          class={`${screen.lead} ${styles.status}`}
          role="status"
          data-testid="print-state"
          data-state={p.print}
        >
          {p.print === 'printed' ? `↓ ${t.t('ticket.take')} ↓` : t.t('ticket.printing')}
        </p>
      )}
      <BigButton onClick={p.onDone} testId="ticket-done">
        {t.t('ticket.done')}
      </BigButton>
    </Screen>
  );
}
