// Staff accounts: create, change role, reset a password, disable or enable (the service keeps at
// least one active administrator and closes the sessions of a disabled or reset account).
import { useState } from 'preact/hooks';
import { api, type Role, type Staff } from '../api.ts';
import { Loading, Page, StatusLine } from '../components.tsx';
import { useAction, useLoad, useUi } from '../ui-context.ts';

export function StaffPage() {
  const { t } = useUi();
  const list = useLoad(api.staff);
  const { status, busy, run } = useAction();
  const [reset, setReset] = useState<{ id: number; password: string }>();
  const [n, setN] = useState({ username: '', displayName: '', role: 'window' as Role, password: '' });
  const create = async (e: Event) => {
    e.preventDefault();
    if (await run(() => api.createStaff(n))) {
      setN({ username: '', displayName: '', role: 'window', password: '' });
      list.reload();
    }
  };
  const act = async (fn: () => Promise<unknown>, ok?: string) => {
    if (await run(fn, ok)) list.reload();
  };
  return (
    <Page title={t.t('staff.title')}>
      <StatusLine status={status} id="staff-status" />
      {!list.data ? (
        <Loading error={list.error} text={t.t('common.loading')} />
      ) : (
        <table data-testid="staff-table">
          <thead>
            <tr>
              <th scope="col">{t.t('staff.displayName')}</th>
              <th scope="col">{t.t('staff.username')}</th>
              <th scope="col">{t.t('staff.role')}</th>
              <th scope="col">{t.t('staff.state')}</th>
              <th scope="col">{t.t('staff.reset')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((s: Staff) => (
              <tr key={s.id} data-testid={`staff-${s.username}`}>
                <td>{s.displayName}</td>
                <td>{s.username}</td>
                <td>
                  <select
                    aria-label={`${t.t('staff.role')} ${s.displayName}`}
                    value={s.role}
                    onChange={(e) =>
                      act(() =>
                        api.updateStaff(s.id, { role: (e.target as HTMLSelectElement).value as Role }),
                      )
                    }
                  >
                    <option value="window">{t.t('staff.role.window')}</option>
                    <option value="admin">{t.t('staff.role.admin')}</option>
                  </select>
                </td>
                <td>
                  {s.active ? t.t('common.active') : t.t('common.inactive')}{' '}
                  <button
                    type="button"
                    data-testid={`toggle-${s.username}`}
                    onClick={() => act(() => api.updateStaff(s.id, { active: !s.active }))}
                  >
                    {s.active ? t.t('staff.disable') : t.t('staff.enable')}
                  </button>
                </td>
                <td>
                  {reset?.id === s.id ? (
                    <form
                      class="inline"
                      onSubmit={(e) => {
                        e.preventDefault();
                        void act(
                          () => api.updateStaff(s.id, { password: reset.password }),
                          t.t('staff.resetDone', { name: s.displayName }),
                        ).then(() => setReset(undefined));
                      }}
                    >
                      <label>
                        {t.t('staff.newPassword')}
                        <input
                          type="password"
                          autocomplete="new-password"
                          required
                          minLength={8}
                          value={reset.password}
                          onInput={(e) =>
                            setReset({ id: s.id, password: (e.target as HTMLInputElement).value })
                          }
                        />
                      </label>
                      <button type="submit" disabled={busy}>
                        {t.t('common.save')}
                      </button>
                    </form>
                  ) : (
                    <button
                      type="button"
                      data-testid={`reset-${s.username}`}
                      onClick={() => setReset({ id: s.id, password: '' })}
                    >
                      {t.t('staff.reset')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form class="panel grid" onSubmit={create} aria-labelledby="new-staff" data-testid="new-staff">
        <h2 id="new-staff">{t.t('staff.new')}</h2>
        <label>
          {t.t('staff.username')}
          <input
            name="username"
            required
            pattern="[a-z][a-z0-9._-]{1,31}"
            value={n.username}
            onInput={(e) => setN({ ...n, username: (e.target as HTMLInputElement).value })}
          />
        </label>
        <label>
          {t.t('staff.displayName')}
          <input
            name="displayName"
            required
            maxLength={40}
            value={n.displayName}
            onInput={(e) => setN({ ...n, displayName: (e.target as HTMLInputElement).value })}
          />
        </label>
        <label>
          {t.t('staff.role')}
          <select
            name="role"
            value={n.role}
            onChange={(e) => setN({ ...n, role: (e.target as HTMLSelectElement).value as Role })}
          >
            <option value="window">{t.t('staff.role.window')}</option>
            <option value="admin">{t.t('staff.role.admin')}</option>
          </select>
        </label>
        <label>
          {t.t('staff.password')}
          <input
            name="password"
            type="password"
            autocomplete="new-password"
            required
            value={n.password}
            onInput={(e) => setN({ ...n, password: (e.target as HTMLInputElement).value })}
          />
        </label>
        <p class="help">{t.t('staff.passwordHelp')}</p>
        <button type="submit" data-primary disabled={busy}>
          {t.t('common.add')}
        </button>
      </form>
    </Page>
  );
}
