// The services as large buttons: icon, name, and in words whether it is open now (or when it
// opens), how many are waiting, and whether an ID card is needed. Closed services stay tappable
// so the resident is told when to come back.
import type { Service } from '../../api.ts';
import { serviceName, useUi } from '../../ui-context.ts';
import { ServiceIcon } from '../icons/icons.tsx';
import styles from './service-grid.module.css';

export function ServiceGrid({ services, onPick }: { services: Service[]; onPick(s: Service): void }) {
  const { t } = useUi();
  return (
    <ul class={styles.grid}>
      {services.map((s) => {
        const hours = s.hoursToday.join(' ');
        const state = s.open
          ? s.hoursEnforced === false
            ? t.t('service.openAnyHour', { hours: hours || '—' })
            : t.t('service.open')
          : hours
            ? `${t.t('service.closed')} · ${t.t('service.opensAt', { hours })}`
            : t.t('service.closedToday');
        return (
          <li key={s.id}>
            <button
              type="button"
              class={`${styles.service} ${s.open ? styles.open : styles.closed}`}
              onClick={() => onPick(s)}
              data-testid={`service-${s.id}`}
              data-open={s.open}
            >
              <span class={styles.icon} aria-hidden="true">
                <ServiceIcon id={s.id} />
              </span>
              <span class={styles.body}>
                <span class={styles.name}>{serviceName(t, s)}</span>
                <span class={styles.state}>
                  <span class={styles.dot} aria-hidden="true">
                    {s.open ? '●' : '○'}
                  </span>{' '}
                  {state}
                </span>
                {s.open && (
                  <span class={styles.meta}>
                    {t.t('service.waiting', { n: s.waiting })}
                    {s.waiting > 0 ? ` · ${t.t('service.wait', { min: s.estimatedWaitMin })}` : ''}
                  </span>
                )}
                {s.idRequired && <span class={styles.meta}>{t.t('service.needsCard')}</span>}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
