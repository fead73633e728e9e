// After sign-in: choose the window to work at (POST /api/windows/:id/sign-in). A window another
// member of staff holds is shown as taken (an admin may still take it over).
import { useEffect, useState } from 'preact/hooks';
import { api, type ServiceInfo, type Staff, type WindowInfo } from './api.ts';
import css from './console.module.css';
import { reason, useUi } from './ui-context.ts';

export function ChooseWindow({ staff, onChosen }: { staff: Staff; onChosen(w: WindowInfo): void }) {
  const { t, lang } = useUi();
  const [windows, setWindows] = useState<WindowInfo[]>();
  const [services, setServices] = useState<ServiceInfo[]>([]);
  const [error, setError] = useState<string>();
  useEffect(() => {
    api.windows().then(
      (r) => setWindows(r.windows.filter((w) => w.active)),
      (err: unknown) => setError(reason(t, err)),
    );
    api.services().then(
      (r) => setServices(r.services),
      () => {},
    );
  }, []);
  const take = async (w: WindowInfo) => {
    try {
      const r = await api.signIn(w.id);
      onChosen(r.window);
    } catch (err) {
      setError(reason(t, err));
    }
  };
  const name = (id: string) => {
    const s = services.find((x) => x.id === id);
    return s ? (lang === 'zh-CN' ? s.nameZh : s.nameEn) : id;
  };
  return (
    <main class={css.choose}>
      <h1>{t.t('choose.title')}</h1>
      {error && (
        <p role="alert" class={css.error}>
          {error}
        </p>
      )}
      <ul>
        {(windows ?? []).map((w) => (
          <li key={w.id}>
            <button type="button" data-primary onClick={() => void take(w)} data-window={w.id}>
              {t.t('choose.take', { name: w.name })}
            </button>
            <span>
              {w.staffId !== null && w.staffId !== staff.id
                ? t.t('choose.takenBy', { name: w.staffName ?? '' })
                : t.t('choose.free')}
            </span>
            <span class={css.muted}>
              {t.t('choose.services', { list: w.serviceIds.map(name).join('、') })}
            </span>
          </li>
        ))}
      </ul>
    </main>
  );
}
