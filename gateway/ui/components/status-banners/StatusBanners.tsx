// Loud lines under the top bar: critical alerts nobody has taken, sound off, stale data.
import { dateTime } from '../../format.ts';
import { useUi } from '../../ui-context.ts';
import css from './status-banners.module.css';

interface Props {
  untakenCritical: number;
  soundOn: boolean;
  onSound(): void;
  stale: boolean;
  syncedAt: number | undefined;
}

export function StatusBanners({ untakenCritical, soundOn, onSound, stale, syncedAt }: Props) {
  const { t, lang } = useUi();
  return (
    <div class={css.stack}>
      {untakenCritical > 0 && (
        <p class={css.alarm} role="alert" data-testid="alarm-banner">
          {t.t('alarm.banner', { n: untakenCritical })}
        </p>
      )}
      {!soundOn && (
        <button type="button" class={css.soundOff} onClick={onSound} data-testid="sound-off">
          {t.t('sound.off')}
        </button>
      )}
      {stale && (
        <p class={css.stale} role="status" data-testid="stale">
          {syncedAt ? t.t('live.stale', { time: dateTime(lang, syncedAt) }) : t.t('live.offline')}
        </p>
      )}
    </div>
  );
}
