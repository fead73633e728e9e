// A service's configuration is one TypeBox object schema. Each leaf is a setting and carries, as
// schema options, its `default`, a `description`, the environment variable `env` that overrides
// it, and optionally `expect` (how a good value is described in errors and docs) and `parse`
// (how the variable's text becomes a value, when the type's own reading is not enough).
import type { TObject, TSchema } from '@sinclair/typebox';

export interface SettingOptions {
  env?: string;
  expect?: string;
  parse?: (raw: string) => unknown;
}

export interface Setting {
  /** Dotted path in the config object, e.g. `mqtt.port`. */
  path: string;
  schema: TSchema & SettingOptions;
}

const isSection = (schema: TSchema): schema is TObject =>
  schema.type === 'object' && typeof schema.properties === 'object';

/** Every leaf of the schema, in declaration order. */
export function settingsOf(schema: TObject, prefix = ''): Setting[] {
  const out: Setting[] = [];
  for (const [name, child] of Object.entries(schema.properties)) {
    const path = prefix ? `${prefix}.${name}` : name;
    if (isSection(child)) out.push(...settingsOf(child, path));
    else out.push({ path, schema: child as Setting['schema'] });
  }
  return out;
}

/** How a good value of this setting looks, in words. */
export function expectation(schema: Setting['schema']): string {
  if (schema.expect) return schema.expect;
  const range = (): string => {
    const parts: string[] = [];
    if (schema.exclusiveMinimum !== undefined) parts.push(`> ${schema.exclusiveMinimum}`);
    if (schema.minimum !== undefined) parts.push(`≥ ${schema.minimum}`);
    if (schema.maximum !== undefined) parts.push(`≤ ${schema.maximum}`);
    return parts.length ? ` ${parts.join(' and ')}` : '';
  };
  if (schema.type === 'integer') return `an integer${range()}`;
  if (schema.type === 'number') return `a number${range()}`;
  if (schema.type === 'boolean') return 'true or false';
  if (schema.type === 'array') return `a comma-separated list of ${expectation(schema.items)}s`;
  if (Array.isArray(schema.anyOf))
    return `one of ${schema.anyOf.map((s: TSchema) => JSON.stringify(s.const)).join(', ')}`;
  if (schema.type === 'string') return schema.pattern ? `a string matching ${schema.pattern}` : 'a string';
  return 'a value';
}
