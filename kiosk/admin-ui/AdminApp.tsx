// The admin and statistics screen of the station head: sign in (the shared staff form), then the
// pages under a navigation bar. A window clerk who signs in is told plainly that the screen needs
// the administrator role; the API refuses them anyway (every /api/admin route is admin only).
import { ErrorBoundary } from '@linli/shared/ui/components/error-boundary/ErrorBoundary.tsx';
import { SignInForm } from '@linli/shared/ui/components/sign-in/SignInForm.tsx';
import { signInStrings, useStaffLanguage } from '@linli/shared/ui/staff-shell.ts';
import { useEffect, useState } from 'preact/hooks';
import { api, type Staff } from './api.ts';
import { type Key, LANGUAGES, makeT } from './i18n/index.ts';
import { Appointments } from './pages/Appointments.tsx';
import { Audit } from './pages/Audit.tsx';
import { Policy } from './pages/Policy.tsx';
import { Ratings } from './pages/Ratings.tsx';
import { Services } from './pages/Services.tsx';
import { StaffPage } from './pages/Staff.tsx';
import { Stats } from './pages/Stats.tsx';
import { Windows } from './pages/Windows.tsx';
import { UiContext, useRoute } from './ui-context.ts';

const LANG_KEY = 'linli.admin.lang';
const PAGES: { id: string; key: Key; Page: () => preact.JSX.Element }[] = [
  { id: 'services', key: 'nav.services', Page: Services },
  { id: 'windows', key: 'nav.windows', Page: Windows },
  { id: 'policy', key: 'nav.policy', Page: Policy },
  { id: 'staff', key: 'nav.staff', Page: StaffPage },
  { id: 'appointments', key: 'nav.appointments', Page: Appointments },
  { id: 'stats', key: 'nav.stats', Page: Stats },
  { id: 'ratings', key: 'nav.ratings', Page: Ratings },
  { id: 'audit', key: 'nav.audit', Page: Audit },
];

export function AdminApp() {
  const { lang, setLang, t } = useStaffLanguage(LANG_KEY, makeT);
  const [user, setUser] = useState<Staff | null>();
  const [today, setToday] = useState('');
  const route = useRoute();

  useEffect(() => {
    api.me().then(
      (r) => setUser(r.staff),
      () => setUser(null),
    );
    api.today().then(setToday, () => setToday(new Date().toISOString().slice(0, 10)));
  }, []);

  const signOut = async () => {
    await api.logout().catch(() => undefined);
    setUser(null);
  };
  const langSwitch = (
    <label class="lang">
      {t.t('lang.label')}
      <select value={lang} onChange={(e) => setLang((e.target as HTMLSelectElement).value)}>
        {LANGUAGES.map((l) => (
          <option key={l.tag} value={l.tag} lang={l.tag}>
            {l.name}
          </option>
        ))}
      </select>
    </label>
  );

  if (user === undefined) return <main aria-busy="true" />;
  if (user === null)
    return (
      <SignInForm
        strings={signInStrings(t)}
        login={async (username, password) => setUser((await api.login(username, password)).staff)}
        lang={lang}
        languages={LANGUAGES}
        onLang={setLang}
      />
    );
  if (user.role !== 'admin')
    return (
      <main class="norole" data-testid="no-role">
        <h1>{t.t('norole.title')}</h1>
        <p role="alert">{t.t('norole.text', { name: user.displayName })}</p>
        <button type="button" onClick={signOut}>
          {t.t('signout')}
        </button>
        {langSwitch}
      </main>
    );

  const page = PAGES.find((p) => p.id === route) ?? (PAGES[0] as (typeof PAGES)[number]);
  return (
    <UiContext.Provider value={{ t, lang, today }}>
      <header class="top">
        <span class="app-title">{t.t('app.title')}</span>
        <span>{t.t('signedInAs', { name: user.displayName })}</span>
        {langSwitch}
        <button type="button" onClick={signOut}>
          {t.t('signout')}
        </button>
      </header>
      <nav class="tabs" aria-label={t.t('nav.label')}>
        {PAGES.map((p) => (
          <a
            key={p.id}
            href={`#/${p.id}`}
            aria-current={p.id === page.id ? 'page' : undefined}
            data-testid={`nav-${p.id}`}
          >
            {t.t(p.key)}
          </a>
        ))}
      </nav>
      <main>
        <ErrorBoundary key={page.id} message={t.t('app.failed')}>
          {today && <page.Page />}
        </ErrorBoundary>
      </main>
    </UiContext.Provider>
  );
}
