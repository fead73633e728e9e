// The window console: staff sign-in (shared SignInForm), the choice of window, then the console.
// A staff member already signed in at a window goes straight to its console.
import { SignInForm } from '@linli/shared/ui/components/sign-in/SignInForm.tsx';
import { signInStrings, useStaffLanguage } from '@linli/shared/ui/staff-shell.ts';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, type Staff, type WindowInfo } from './api.ts';
import { ChooseWindow } from './ChooseWindow.tsx';
import { Console } from './Console.tsx';
import { LANGUAGES, makeT } from './i18n/index.ts';
import { UiContext } from './ui-context.ts';

const LANG_KEY = 'linli.window.lang';

export function WindowApp() {
  const { lang, setLang, t } = useStaffLanguage(LANG_KEY, makeT);
  const [staff, setStaff] = useState<Staff | null>();
  const [win, setWin] = useState<WindowInfo | null>(null);

  const enter = useCallback(async () => {
    try {
      const me = await api.me();
      if (me.windowId !== null) {
        const { windows } = await api.windows();
        setWin(windows.find((w) => w.id === me.windowId) ?? null);
      }
      setStaff(me.staff);
    } catch {
      setStaff(null);
    }
  }, []);
  useEffect(() => {
    void enter();
  }, [enter]);

  const ended = useCallback(() => {
    setWin(null);
    setStaff(null);
  }, []);
  const signOut = async () => {
    if (win) await api.signOut(win.id).catch(() => {});
    await api.logout().catch(() => {});
    ended();
  };

  let page = null;
  if (staff === null)
    page = (
      <SignInForm
        strings={signInStrings(t)}
        login={async (u, p) => {
          await api.login(u, p).catch((e: { status?: number }) => {
            throw Object.assign(new Error('login'), { status: e.status });
          });
          await enter();
        }}
        lang={lang}
        languages={LANGUAGES}
        onLang={setLang}
      />
    );
  else if (staff && !win) page = <ChooseWindow staff={staff} onChosen={setWin} />;
  else if (staff && win)
    page = (
      <Console
        staff={staff}
        win={win}
        onLang={setLang}
        onSignOut={() => void signOut()}
        onSessionEnded={ended}
      />
    );
  return <UiContext.Provider value={{ t, lang }}>{page}</UiContext.Provider>;
}
