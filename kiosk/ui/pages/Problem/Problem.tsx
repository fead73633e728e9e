// Errors in words a resident understands — what happened and what to do — never a code. Card
// problems show the card cue again; broken devices say to call staff.
import { BigButton } from '@linli/shared/ui/components/big-button/BigButton.tsx';
import type { Service } from '../../api.ts';
import { CardCue } from '../../components/card-cue/CardCue.tsx';
import { AlertIcon } from '../../components/icons/icons.tsx';
import { Screen, styles } from '../../components/screen/Screen.tsx';
import type { Key } from '../../i18n/index.ts';
import type { ProblemKind } from '../../state/types.ts';
import { serviceName, useUi } from '../../ui-context.ts';

const TEXT: Record<ProblemKind, [Key, Key?]> = {
  cardUnreadable: ['err.cardUnreadable', 'err.cardUnreadableSub'],
  cardExpired: ['err.cardExpired', 'err.cardExpiredSub'],
  cardUnknown: ['err.cardUnknown', 'err.callStaff'],
  readerBroken: ['err.readerBroken', 'err.callStaff'],
  printerBroken: ['err.printerBroken', 'err.callStaff'],
  serviceClosed: ['err.serviceClosed', 'err.serviceClosedSub'],
  full: ['err.full', 'err.fullSub'],
  scanUnknown: ['scan.unknown', 'scan.unknownSub'],
  scanWrongDay: ['scan.wrongDay', 'err.callStaff'],
  network: ['err.network'],
  generic: ['err.generic'],
};

export function Problem(p: { kind: ProblemKind; service?: Service; hours?: string; onBack(): void }) {
  const { t } = useUi();
  const [title, sub] = TEXT[p.kind];
  const params = {
    service: p.service ? serviceName(t, p.service) : '',
    hours: p.hours || t.t('service.closedToday'),
  };
  const again = p.kind === 'cardUnreadable';
  return (
    <Screen testId="problem" onHome={p.onBack} center>
      <div class={styles.alert} role="alert" data-testid={`problem-${p.kind}`}>
        <span class={styles.bigIcon} aria-hidden="true">
          <AlertIcon />
        </span>
        <h1 class={styles.h1}>{t.t(title, params)}</h1>
        {sub && <p class={styles.lead}>{t.t(sub, params)}</p>}
      </div>
      {again && <CardCue title={t.t('home.cardCue')} sub={t.t('err.cardUnreadableSub')} />}
      <BigButton onClick={p.onBack} testId="problem-back">
        {t.t('err.back')}
      </BigButton>
    </Screen>
  );
}
