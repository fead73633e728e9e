// The console's keyboard shortcuts: one table drives both the key handler and the list on screen.
import type { Key } from './i18n/index.ts';

export type ShortcutAction = 'callNext' | 'recall' | 'start' | 'noShow' | 'finish' | 'transfer' | 'number';

export const SHORTCUTS: { key: string; action: ShortcutAction; label: Key }[] = [
  { key: 'N', action: 'callNext', label: 'act.callNext' },
  { key: 'R', action: 'recall', label: 'act.recall' },
  { key: 'S', action: 'start', label: 'act.start' },
  { key: 'X', action: 'noShow', label: 'act.noShow' },
  { key: 'F', action: 'finish', label: 'act.finish' },
  { key: 'T', action: 'transfer', label: 'act.transfer' },
  { key: 'G', action: 'number', label: 'act.callNumber' },
];

/** The action of a key press, unless the user is typing in a field or holds a modifier. */
export function shortcutOf(e: KeyboardEvent): ShortcutAction | undefined {
  if (e.ctrlKey || e.altKey || e.metaKey || e.repeat) return undefined;
  const el = e.target as HTMLElement | null;
  if (
    el &&
    (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable)
  )
    return undefined;
  return SHORTCUTS.find((s) => s.key === e.key.toUpperCase())?.action;
}
