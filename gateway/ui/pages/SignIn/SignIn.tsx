// Sign in: the same click allows the alarm sound (browsers need one click before Web Audio plays).
import { SignInForm } from '@linli/shared/ui/components/sign-in/SignInForm.tsx';
import { api, type GatewayRole, type User } from '../../api.ts';
import { LANGUAGES } from '../../i18n/index.ts';
import { useUi } from '../../ui-context.ts';

interface Props {
  enableSound(): Promise<boolean>;
  onSignedIn(user: User, role: GatewayRole): void;
  onLang(tag: string): void;
}

export function SignIn({ enableSound, onSignedIn, onLang }: Props) {
  const { t, lang } = useUi();
  return (
    <SignInForm
      strings={{
        title: t.t('signin.title'),
        username: t.t('signin.username'),
        password: t.t('signin.password'),
        submit: t.t('signin.submit'),
        note: t.t('signin.soundNote'),
        failed: t.t('signin.failed'),
        limited: t.t('signin.limited'),
        error: t.t('signin.error'),
        langLabel: t.t('lang.label'),
      }}
      login={async (username, password) => {
        const { user, gateway } = await api.login(username, password);
        onSignedIn(user, gateway?.role ?? 'station');
      }}
      onSubmitGesture={() => void enableSound()}
      lang={lang}
      languages={LANGUAGES}
      onLang={onLang}
    />
  );
}
