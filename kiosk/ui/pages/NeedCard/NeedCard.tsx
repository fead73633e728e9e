// A service that needs an ID card was chosen without one: the card cue, then the ticket follows
// as soon as the card is read.
import type { Service } from '../../api.ts';
import { CardCue } from '../../components/card-cue/CardCue.tsx';
import { Screen } from '../../components/screen/Screen.tsx';
import { serviceName, useUi } from '../../ui-context.ts';

export function NeedCard({ service, onHome }: { service: Service; onHome(): void }) {
  const { t } = useUi();
  return (
    <Screen testId="need-card" onHome={onHome}>
      <CardCue title={t.t('card.needed', { service: serviceName(t, service) })} sub={t.t('card.neededSub')} />
    </Screen>
  );
}
