// The console's top bar: the pages, the signed-in operator, sound state, language, sign out.
import { LANGUAGES } from '../../i18n/index.ts';
import { useUi } from '../../ui-context.ts';
import { SiteFilter } from './SiteFilter.tsx';
import css from './top-bar.module.css';

interface Props {
  page: string;
  soundOn: boolean;
  onSound(): void;
  onLang(tag: string): void;
  onSignOut(): void;
}

export function TopBar({ page, soundOn, onSound, onLang, onSignOut }: Props) {
  const { t, lang, user, role } = useUi();
  const link = (href: string, name: string, label: string) => (
    <a href={href} class={css.link} aria-current={page === name ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <header class={css.bar}>
      <span class={css.title}>{t.t('app.title')}</span>
      <nav aria-label={t.t('nav.label')} class={css.nav}>
        {role === 'center' && link('#/stations', 'stations', t.t('nav.stations'))}
        {link('#/queue', 'queue', t.t('nav.queue'))}
        {link('#/devices', 'devices', t.t('nav.devices'))}
        {link('#/history', 'history', t.t('nav.history'))}
      </nav>
      <span class={css.spacer} />
      {role === 'center' && <SiteFilter />}
      <button
        type="button"
        class={soundOn ? css.soundOn : css.soundOff}
        onClick={onSound}
        aria-pressed={soundOn}
      >
        {soundOn ? t.t('sound.on') : t.t('sound.off')}
      </button>
      <label class={css.lang}>
        <span>{t.t('lang.label')}</span>
        <select value={lang} onChange={(e) => onLang((e.target as HTMLSelectElement).value)}>
          {LANGUAGES.map((l) => (
            <option key={l.tag} value={l.tag} lang={l.tag}>
              {l.name}
            </option>
          ))}
        </select>
      </label>
      {user && (
        <span class={css.user}>
          {t.t('nav.user', {
            name: user.displayName ?? user.username,
            role: t.maybe(`role.${user.role}`) ?? user.role,
          })}
        </span>
      )}
      <button type="button" onClick={onSignOut}>
        {t.t('nav.signOut')}
      </button>
    </header>
  );
}
