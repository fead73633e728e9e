// Small pieces every admin page uses: the status line after an action, and a page frame.
import type { ComponentChildren } from 'preact';
import type { Status } from './ui-context.ts';

export function StatusLine({ status, id }: { status: Status; id?: string }) {
  if (!status) return null;
  return (
    <p
      class={status.kind === 'ok' ? 'status ok' : 'status error'}
      role={status.kind === 'ok' ? 'status' : 'alert'}
      data-testid={id ?? 'status'}
    >
      {status.text}
    </p>
  );
}

export function Page({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="page" aria-labelledby="page-title">
      <h1 id="page-title">{title}</h1>
      {children}
    </section>
  );
}

export function Loading({ error, text }: { error?: string; text: string }) {
  return error ? (
    <p class="status error" role="alert">
      {error}
    </p>
  ) : (
    <p>{text}</p>
  );
}

/** Epoch ms as local date and time, e.g. 2026-11-23 10:05. */
export function dateTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
