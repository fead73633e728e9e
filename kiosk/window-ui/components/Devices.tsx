// The printer and card reader (and scanner) at a glance, from GET /api/health, and the last card
// read (masked, from the staff live stream).
import type { Device } from '../api.ts';
import css from '../console.module.css';
import type { Key } from '../i18n/index.ts';
import { useUi } from '../ui-context.ts';

export function Devices(p: {
  devices: Device[] | null;
  lastCard: { maskedName: string; maskedId: string } | null;
}) {
  const { t } = useUi();
  return (
    <section class={css.panel} aria-labelledby="dev-title">
      <h2 id="dev-title">{t.t('dev.title')}</h2>
      {p.devices && p.devices.length === 0 && <p class={css.muted}>{t.t('dev.none')}</p>}
      <ul class={css.devices}>
        {(p.devices ?? []).map((d) => {
          const state = d.connected ? d.state : 'disconnected';
          return (
            <li key={d.device} data-testid={`device-${d.device}`} data-state={state}>
              <span>{t.maybe(`dev.${d.device}`) ?? d.device}</span>
              <span class={css.devState} data-ok={state === 'ok' ? 'true' : 'false'}>
                {t.maybe(`dev.state.${state}`) ?? t.t('dev.state.unknown' as Key)}
                {d.detail ? ` (${d.detail})` : ''}
              </span>
            </li>
          );
        })}
      </ul>
      {p.lastCard && (
        <p class={css.muted}>
          {t.t('dev.lastCard', { name: p.lastCard.maskedName, id: p.lastCard.maskedId })}
        </p>
      )}
    </section>
  );
}
