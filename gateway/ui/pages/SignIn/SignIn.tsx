// Sign in: the same click allows the alarm sound (browsers need one click before Web Audio plays).
import { useState } from 'preact/hooks';
import { ApiError, api, type User } from '../../api.ts';
import { LANGUAGES } from '../../i18n/index.ts';
import { useUi } from '../../ui-context.ts';
import css from './sign-in.module.css';

interface Props {
  enableSound(): Promise<boolean>;
  onSignedIn(user: User): void;
  onLang(tag: string): void;
}

export function SignIn({ enableSound, onSignedIn, onLang }: Props) {
  const { t, lang } = useUi();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    void enableSound();
    const f = new FormData(e.target as HTMLFormElement);
    setBusy(true);
    try {
      const { user } = await api.login(String(f.get('username')), String(f.get('password')));
      onSignedIn(user);
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? t.t('signin.failed')
          : err instanceof ApiError && err.status === 429
            ? t.t('signin.limited')
            : t.t('signin.error'),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class={css.page}>
      <form class={css.form} onSubmit={submit}>
        <h1>{t.t('signin.title')}</h1>
        <label>
          {t.t('signin.username')}
          <input name="username" autocomplete="username" required />
        </label>
        <label>
          {t.t('signin.password')}
          <input name="password" type="password" autocomplete="current-password" required />
        </label>
        <p class={css.note}>{t.t('signin.soundNote')}</p>
        {error && (
          <p role="alert" class={css.error}>
            {error}
          </p>
        )}
        <button type="submit" data-primary disabled={busy}>
          {t.t('signin.submit')}
        </button>
        <label class={css.lang}>
          {t.t('lang.label')}
          <select value={lang} onChange={(e) => onLang((e.target as HTMLSelectElement).value)}>
            {LANGUAGES.map((l) => (
              <option key={l.tag} value={l.tag} lang={l.tag}>
                {l.name}
              </option>
            ))}
          </select>
        </label>
      </form>
    </main>
  );
}
