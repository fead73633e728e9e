// The display preferences on the document root: language and direction, high contrast, larger text.
import type { T } from './i18n/index.ts';
import type { Prefs } from './state/types.ts';

export function applyPrefs(p: Pick<Prefs, 'contrast' | 'larger'>, t: T): void {
  const root = document.documentElement;
  root.lang = t.lang.tag;
  root.dir = t.lang.dir;
  root.dataset.contrast = p.contrast ? 'high' : 'normal';
  root.dataset.text = p.larger ? 'large' : 'normal';
  document.title = t.t('app.title');
}
