// English — the second line of the display board.
import type { Language } from '@linli/shared/ui/i18n.ts';
import type { Key } from './zh-CN.ts';

export const en: Language<Key> = {
  tag: 'en',
  name: 'English',
  dir: 'ltr',
  strings: {
    'board.title': 'Community service station',
    'board.now': 'Now calling',
    'board.toWindow': 'Please go to window {window}',
    'board.recall': 'Called again',
    'board.none': 'No call yet',
    'board.windows': 'Last call at each window',
    'board.window': 'Window {window}',
    'board.windowIdle': '—',
    'board.queues': 'Waiting',
    'board.waiting': '{n}',
    'board.stale': 'Connection lost, reconnecting… (this may not be up to date)',
    'board.failed': 'Display problem, recovering…',
    'board.date': '{y}-{m}-{d}',
    'board.weekdays': 'SMTWTFS',
  },
};
