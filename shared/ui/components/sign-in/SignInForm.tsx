// The staff sign-in form shared by every staff screen (alarm console, window console, admin):
// username, password, a language switch, and a plain-words error for a wrong password (401),
// a rate limit (429) or an unreachable service. The screen supplies its strings and its login call.
import { useState } from 'preact/hooks';
import css from './sign-in.module.css';

export interface SignInStrings {
  title: string;
  username: string;
  password: string;
  submit: string;
  /** A line under the fields (e.g. that signing in turns the alarm sound on). */
  note?: string;
  failed: string;
  limited: string;
  error: string;
  langLabel: string;
}

export interface SignInProps {
  strings: SignInStrings;
  /** Resolves when signed in; rejects with an error carrying the HTTP `status` when refused. */
  login(username: string, password: string): Promise<void>;
  /** Runs inside the click, before the request (browsers allow sound only inside a user gesture). */
  onSubmitGesture?(): void;
  lang: string;
  languages: readonly { tag: string; name: string }[];
  onLang(tag: string): void;
}

function statusOf(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

export function SignInForm({ strings, login, onSubmitGesture, lang, languages, onLang }: SignInProps) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    onSubmitGesture?.();
    const form = new FormData(event.target as HTMLFormElement);
    setBusy(true);
    try {
      await login(String(form.get('username')), String(form.get('password')));
    } catch (err) {
      const status = statusOf(err);
      setError(status === 401 ? strings.failed : status === 429 ? strings.limited : strings.error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class={css.page}>
      <form class={css.form} onSubmit={submit}>
        <h1>{strings.title}</h1>
        <label>
          {strings.username}
          <input name="username" autocomplete="username" required />
        </label>
        <label>
          {strings.password}
          <input name="password" type="password" autocomplete="current-password" required />
        </label>
        {strings.note && <p class={css.note}>{strings.note}</p>}
        {error && (
          <p role="alert" class={css.error}>
            {error}
          </p>
        )}
        <button type="submit" data-primary disabled={busy}>
          {strings.submit}
        </button>
        <label class={css.lang}>
          {strings.langLabel}
          <select value={lang} onChange={(e) => onLang((e.target as HTMLSelectElement).value)}>
            {languages.map((l) => (
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
