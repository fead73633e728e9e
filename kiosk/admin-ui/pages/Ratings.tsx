// 好差评: the bad ratings (不满意, 非常不满意) with their reasons, and marking one followed up
// with a note (audited).
import { useState } from 'preact/hooks';
import { api, type BadRating } from '../api.ts';
import { dateTime, Loading, Page, StatusLine } from '../components.tsx';
import { useAction, useLoad, useUi } from '../ui-context.ts';

export function Ratings() {
  const { t } = useUi();
  const [openOnly, setOpenOnly] = useState(false);
  const list = useLoad(() => api.badRatings(openOnly), [openOnly]);
  return (
    <Page title={t.t('ratings.title')}>
      <label class="check">
        <input
          type="checkbox"
          checked={openOnly}
          onChange={(e) => setOpenOnly((e.target as HTMLInputElement).checked)}
        />
        {t.t('ratings.openOnly')}
      </label>
      {!list.data ? (
        <Loading error={list.error} text={t.t('common.loading')} />
      ) : list.data.length === 0 ? (
        <p>{t.t('ratings.none')}</p>
      ) : (
        <table data-testid="bad-ratings">
          <thead>
            <tr>
              <th scope="col">{t.t('ratings.number')}</th>
              <th scope="col">{t.t('ratings.service')}</th>
              <th scope="col">{t.t('ratings.window')}</th>
              <th scope="col">{t.t('ratings.rating')}</th>
              <th scope="col">{t.t('ratings.reason')}</th>
              <th scope="col">{t.t('ratings.comment')}</th>
              <th scope="col">{t.t('ratings.followup')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((r) => (
              <RatingRow key={`${r.id}-${r.followupAt}`} r={r} onDone={list.reload} />
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}

function RatingRow({ r, onDone }: { r: BadRating; onDone(): void }) {
  const { t } = useUi();
  const [note, setNote] = useState('');
  const { status, busy, run } = useAction();
  return (
    <tr data-testid={`rating-${r.number}`}>
      <th scope="row">
        {r.number}
        <br />
        <small>{dateTime(r.finishedAt)}</small>
      </th>
      <td>{r.serviceZh}</td>
      <td>{r.windowId ?? ''}</td>
      <td>{r.ratingText}</td>
      <td>{r.reasonText ?? ''}</td>
      <td>{r.ratingComment ?? ''}</td>
      <td>
        {r.followupAt ? (
          <span data-testid="followed-up">
            {t.t('ratings.done', { note: r.followupNote ?? '' })} <small>{dateTime(r.followupAt)}</small>
          </span>
        ) : (
          <form
            class="inline"
            onSubmit={async (e) => {
              e.preventDefault();
              if (await run(() => api.followUp(r.id, note))) onDone();
            }}
          >
            <label>
              {t.t('ratings.note')}
              <textarea
                required
                maxLength={500}
                rows={2}
                value={note}
                onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)}
              />
            </label>
            <button type="submit" disabled={busy}>
              {t.t('ratings.mark')}
            </button>
            <StatusLine status={status} />
          </form>
        )}
      </td>
    </tr>
  );
}
