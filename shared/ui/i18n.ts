// The catalogue helper of every screen: a language is one file, a flat map of keys to strings with
// {name} placeholders. The first catalogue (zh-CN) defines the keys; a catalogue may be partial
// (a language still being translated) and falls back to the base language key by key.
export type Catalogue<K extends string = string> = Record<K, string>;

export interface Language<K extends string> {
  /** BCP 47 tag: 'zh-CN', 'en', 'ug'. */
  tag: string;
  /** The language's own name, shown on the language switch. */
  name: string;
  dir: 'ltr' | 'rtl';
  /** Needs a native speaker's review before use in a station. */
  review?: boolean;
  strings: Partial<Catalogue<K>>;
}

export type Params = Record<string, string | number>;

export interface Translator<K extends string> {
  readonly lang: Language<K>;
  t(key: K, params?: Params): string;
  /** The string if this language or the base has it, else undefined (for optional keys such as service names). */
  maybe(key: string, params?: Params): string | undefined;
}

export function fill(s: string, params?: Params): string {
  if (!params) return s;
  return s.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}

export function translator<K extends string>(lang: Language<K>, base: Language<K>): Translator<K> {
  const own = lang.strings as Record<string, string | undefined>;
  const fallback = base.strings as Record<string, string | undefined>;
  const maybe = (key: string, params?: Params): string | undefined => {
    const s = own[key] ?? fallback[key];
    return s === undefined ? undefined : fill(s, params);
  };
  return {
    lang,
    t: (key, params) => maybe(key, params) ?? key,
    maybe,
  };
}

/** Keys a partial catalogue still lacks (for the docs and the review list). */
export function missingKeys<K extends string>(lang: Language<K>, base: Language<K>): K[] {
  return (Object.keys(base.strings) as K[]).filter((k) => !(k in lang.strings));
}
