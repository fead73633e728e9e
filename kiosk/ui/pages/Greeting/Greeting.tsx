// Card read: the greeting with the masked name (李*明), priority when it applies, then the services.
import type { Service } from '../../api.ts';
import { CheckIcon } from '../../components/icons/icons.tsx';
import { Screen, styles } from '../../components/screen/Screen.tsx';
import { ServiceGrid } from '../../components/service-grid/ServiceGrid.tsx';
import { useUi } from '../../ui-context.ts';

export function Greeting(p: {
  maskedName: string;
  priority: boolean;
  services: Service[];
  onPick(s: Service): void;
  onHome(): void;
}) {
  const { t } = useUi();
  return (
    <Screen testId="greet" onHome={p.onHome}>
      <div class={styles.panel}>
        <h1 class={styles.h1} data-testid="greeting">
          <bdi>{t.t('greet.hello', { name: p.maskedName })}</bdi>
        </h1>
        {p.priority && (
          <p
            class={styles.lead}
            data-testid="priority"
            style={{ color: 'var(--ok)', display: 'flex', gap: '12px', alignItems: 'center' }}
          >
            <span class={styles.smallIcon} aria-hidden="true">
              <CheckIcon />
            </span>
            {t.t('greet.priority')}
          </p>
        )}
      </div>
      <h2 class={styles.h2}>{t.t('greet.choose')}</h2>
      <ServiceGrid services={p.services} onPick={p.onPick} />
    </Screen>
  );
}
