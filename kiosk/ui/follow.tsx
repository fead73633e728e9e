// Entry of the resident's phone page (follow.html, served at /follow/<token>).
import '@linli/shared/ui/theme.css';
import { ErrorBoundary } from '@linli/shared/ui/components/error-boundary/ErrorBoundary.tsx';
import { render } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { makeT } from './i18n/index.ts';
import { Follow } from './pages/Follow/Follow.tsx';
import { applyPrefs } from './prefs.ts';
import { DEFAULT_PREFS, type Prefs } from './state/types.ts';
import { UiContext } from './ui-context.ts';

const token = decodeURIComponent(location.pathname.split('/').pop() ?? '');
const browserLang = navigator.language.startsWith('zh')
  ? 'zh-CN'
  : navigator.language.startsWith('ug')
    ? 'ug'
    : 'en';

function FollowApp() {
  const [prefs, setPrefsState] = useState<Prefs>({ ...DEFAULT_PREFS, lang: browserLang, sound: false });
  const t = useMemo(() => makeT(prefs.lang), [prefs.lang]);
  applyPrefs(prefs, t);
  return (
    <UiContext.Provider value={{ t, prefs, setPrefs: (p) => setPrefsState((o) => ({ ...o, ...p })) }}>
      <ErrorBoundary message={t.t('err.generic')} onReset={() => location.reload()}>
        <Follow token={token} />
      </ErrorBoundary>
    </UiContext.Provider>
  );
}

render(<FollowApp />, document.getElementById('app')!);
