// One configuration loader for the Node services: defaults from the schema, then a JSON file,
// then overrides from code, then the environment; every value checked against the schema with
// an error naming the key (and the variable it came from). A variable with the service's prefix
// that nobody reads is refused with the nearest known name: a typo must not pass in silence.
import { readFileSync } from 'node:fs';
import { LinliError } from '@linli/shared';
import type { Static, TObject } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { expectation, type Setting, settingsOf } from './config-settings.ts';
import { nearestName } from './nearest-name.ts';

export class ConfigError extends LinliError {
  constructor(
    /** The config path (`mqtt.port`), or the variable's name when the variable itself is unknown. */
    readonly key: string,
    message: string,
    /** The environment variable the bad value came from, if any. */
    readonly variable?: string,
  ) {
    super('CONFIG', `config ${key}: ${message}${variable && variable !== key ? ` (env ${variable})` : ''}`);
  }
}

export interface ServiceConfigSpec<T extends TObject> {
  schema: T;
  /** The service's own variable prefix, e.g. `LINLI_GW_`: unknown variables with it are refused. */
  prefix: string;
  /** Variables with the prefix that other code reads (not settings of this schema). */
  declared?: readonly string[];
  /** Treat a variable set to '' as unset (otherwise '' is the value). */
  emptyIsUnset?: boolean;
}

export interface LoadOptions {
  /** A JSON file of settings (same shape as the config). */
  file?: string;
  /** Settings from code (tests, embedding); same shape as the config. */
  overrides?: unknown;
  env?: NodeJS.ProcessEnv;
  /** Skip the unknown-variable check (a part of a service whose whole prefix is checked elsewhere). */
  allowUnknown?: boolean;
}

type Tree = Record<string, unknown>;

function setPath(target: Tree, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
    node = node[part] as Tree;
  }
  node[parts[parts.length - 1]!] = value;
}

function getPath(source: Tree, path: string): unknown {
  let node: unknown = source;
  for (const part of path.split('.')) node = (node as Tree | undefined)?.[part];
  return node;
}

/** The variable names this spec knows: its settings' and the declared ones. */
export function knownVariables(spec: ServiceConfigSpec<TObject>): string[] {
  const own = settingsOf(spec.schema).flatMap((s) => (s.schema.env ? [s.schema.env] : []));
  return [...own, ...(spec.declared ?? [])];
}

/** Refuse a variable with the spec's prefix that no code reads, naming the nearest known one. */
export function refuseUnknownVariables(spec: ServiceConfigSpec<TObject>, env: NodeJS.ProcessEnv): void {
  const known = new Set(knownVariables(spec));
  for (const name of Object.keys(env)) {
    if (!name.startsWith(spec.prefix) || known.has(name)) continue;
    const nearest = nearestName(name, known);
    throw new ConfigError(name, `unknown setting${nearest ? `; did you mean ${nearest}?` : ''}`);
  }
}

/** Read a variable's text as a value of the setting's type; throws a message on bad text. */
function readText(schema: Setting['schema'], raw: string): unknown {
  if (schema.parse) return schema.parse(raw);
  const bad = (): never => {
    throw new Error(`must be ${expectation(schema)}, got ${JSON.stringify(raw)}`);
  };
  switch (schema.type) {
    case 'integer':
      return /^-?\d+$/.test(raw.trim()) ? Number(raw) : bad();
    case 'number':
      return raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : bad();
    case 'boolean':
      if (/^(true|1|yes)$/i.test(raw)) return true;
      return /^(false|0|no)$/i.test(raw) ? false : bad();
    case 'array':
      return raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '')
        .map((item) => readText(schema.items, item));
    default:
      return raw;
  }
}

function applyTree(config: Tree, tree: unknown, settings: Map<string, Setting>, prefix = ''): void {
  if (tree === undefined || tree === null) return;
  if (typeof tree !== 'object' || Array.isArray(tree))
    throw new ConfigError(prefix || '(root)', 'must be an object of settings');
  for (const [name, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${name}` : name;
    if (value === undefined) continue;
    if (settings.has(path)) setPath(config, path, structuredClone(value));
    else if ([...settings.keys()].some((key) => key.startsWith(`${path}.`)))
      applyTree(config, value, settings, path);
    else {
      const nearest = nearestName(path, settings.keys());
      throw new ConfigError(path, `unknown key${nearest ? `; did you mean ${nearest}?` : ''}`);
    }
  }
}

function readFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(file, `cannot read the config file: ${(err as Error).message}`);
  }
}

/** Defaults ← file ← overrides ← environment, each value checked against the schema. */
export function loadServiceConfig<T extends TObject>(
  spec: ServiceConfigSpec<T>,
  options: LoadOptions = {},
): Static<T> {
  const env = options.env ?? process.env;
  if (!options.allowUnknown) refuseUnknownVariables(spec, env);
  const settings = new Map(settingsOf(spec.schema).map((s) => [s.path, s]));
  const config: Tree = {};
  for (const { path, schema } of settings.values())
    if (schema.default !== undefined) setPath(config, path, structuredClone(schema.default));
  if (options.file) applyTree(config, readFile(options.file), settings);
  applyTree(config, options.overrides, settings);
  const fromEnv = new Map<string, string>();
  for (const { path, schema } of settings.values()) {
    const raw = schema.env ? env[schema.env] : undefined;
    if (raw === undefined || (raw === '' && spec.emptyIsUnset)) continue;
    try {
      setPath(config, path, readText(schema, raw));
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      throw new ConfigError(path, (err as Error).message, schema.env);
    }
    fromEnv.set(path, schema.env!);
  }
  return checkSettings(spec, config, fromEnv);
}

/** Check every setting of a whole config against the schema; throws ConfigError naming the key
 *  (and the variable, when `fromEnv` says the value came from one). */
export function checkSettings<T extends TObject>(
  spec: ServiceConfigSpec<T>,
  config: unknown,
  fromEnv: ReadonlyMap<string, string> = new Map(),
): Static<T> {
  for (const { path, schema } of settingsOf(spec.schema)) {
    const value = getPath(config as Tree, path);
    if (value === undefined && schema.default === undefined) continue; // optional, not set
    if (!Value.Check(schema, value))
      throw new ConfigError(
        path,
        `must be ${expectation(schema)}, got ${JSON.stringify(value)}`,
        fromEnv.get(path),
      );
  }
  return config as Static<T>;
}
