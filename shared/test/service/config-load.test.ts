import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadServiceConfig, type ServiceConfigSpec } from '../../service/config-load.ts';
import { nearestName } from '../../service/nearest-name.ts';

const spec: ServiceConfigSpec<ReturnType<typeof schema>> = {
  schema: schema(),
  prefix: 'LINLI_T_',
  declared: ['LINLI_T_READ_ELSEWHERE'],
};
function schema() {
  return Type.Object({
    name: Type.String({ default: 'a', env: 'LINLI_T_NAME', description: 'A name.' }),
    http: Type.Object({
      port: Type.Integer({
        minimum: 0,
        maximum: 65535,
        default: 80,
        env: 'LINLI_T_HTTP_PORT',
        description: 'Port.',
      }),
    }),
    ratio: Type.Number({ exclusiveMinimum: 0, default: 1.5, env: 'LINLI_T_RATIO', description: 'Ratio.' }),
    on: Type.Boolean({ default: false, env: 'LINLI_T_ON', description: 'Switch.' }),
    chain: Type.Array(Type.Number({ exclusiveMinimum: 0 }), {
      default: [1, 2],
      env: 'LINLI_T_CHAIN',
      description: 'Chain.',
    }),
    secret: Type.Optional(Type.String({ env: 'LINLI_T_SECRET', description: 'Unset by default.' })),
  });
}

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const errorOf = (fn: () => unknown): ConfigError => {
  try {
    fn();
  } catch (err) {
    return err as ConfigError;
  }
  throw new Error('did not throw');
};

describe('loadServiceConfig', () => {
  it('gives the schema defaults, optional keys unset', () => {
    expect(loadServiceConfig(spec, { env: {} })).toEqual({
      name: 'a',
      http: { port: 80 },
      ratio: 1.5,
      on: false,
      chain: [1, 2],
    });
  });

  it('takes file, then code, then environment, each over the one before', () => {
    dir = mkdtempSync(join(tmpdir(), 'linli-config-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ name: 'file', http: { port: 81 }, ratio: 3 }));
    const config = loadServiceConfig(spec, {
      file,
      overrides: { http: { port: 82 } },
      env: { LINLI_T_NAME: 'env', LINLI_T_ON: 'yes', LINLI_T_CHAIN: '5, 10', LINLI_T_SECRET: 's' },
    });
    expect(config).toEqual({
      name: 'env',
      http: { port: 82 },
      ratio: 3,
      on: true,
      chain: [5, 10],
      secret: 's',
    });
  });

  it('names the key, the variable and what was wrong with a bad value', () => {
    const fromEnv = errorOf(() => loadServiceConfig(spec, { env: { LINLI_T_HTTP_PORT: 'eighty' } }));
    expect(fromEnv).toBeInstanceOf(ConfigError);
    expect(fromEnv).toMatchObject({ code: 'CONFIG', key: 'http.port', variable: 'LINLI_T_HTTP_PORT' });
    expect(fromEnv.message).toBe(
      'config http.port: must be an integer ≥ 0 and ≤ 65535, got "eighty" (env LINLI_T_HTTP_PORT)',
    );
    expect(errorOf(() => loadServiceConfig(spec, { env: { LINLI_T_HTTP_PORT: '70000' } })).message).toMatch(
      /^config http.port: must be an integer ≥ 0 and ≤ 65535, got 70000/,
    );
    expect(errorOf(() => loadServiceConfig(spec, { env: { LINLI_T_CHAIN: '1,-2' } })).key).toBe('chain');
    expect(errorOf(() => loadServiceConfig(spec, { env: { LINLI_T_ON: 'maybe' } })).message).toMatch(
      /config on: must be true or false/,
    );
    const fromCode = errorOf(() => loadServiceConfig(spec, { overrides: { ratio: 0 }, env: {} }));
    expect(fromCode.message).toBe('config ratio: must be a number > 0, got 0');
  });

  it('refuses an unknown variable of its prefix with the nearest known name', () => {
    const err = errorOf(() => loadServiceConfig(spec, { env: { LINLI_T_HTTP_PROT: '1' } }));
    expect(err.key).toBe('LINLI_T_HTTP_PROT');
    expect(err.message).toBe('config LINLI_T_HTTP_PROT: unknown setting; did you mean LINLI_T_HTTP_PORT?');
    // declared variables and other prefixes (other processes sharing the environment) pass
    expect(() =>
      loadServiceConfig(spec, { env: { LINLI_T_READ_ELSEWHERE: 'x', LINLI_OTHER_X: '1', PATH: '/bin' } }),
    ).not.toThrow();
  });

  it('refuses an unknown key in code or file overrides with the nearest known key', () => {
    const err = errorOf(() => loadServiceConfig(spec, { overrides: { http: { prot: 1 } }, env: {} }));
    expect(err.message).toBe('config http.prot: unknown key; did you mean http.port?');
    dir = mkdtempSync(join(tmpdir(), 'linli-config-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{ not json');
    expect(errorOf(() => loadServiceConfig(spec, { file, env: {} })).message).toMatch(
      /cannot read the config file/,
    );
  });

  it('finds the nearest name', () => {
    expect(
      nearestName('LINLI_GW_ESCALATON_CRITICAL', [
        'LINLI_GW_ESCALATION_MAJOR',
        'LINLI_GW_ESCALATION_CRITICAL',
      ]),
    ).toBe('LINLI_GW_ESCALATION_CRITICAL');
    expect(nearestName('x', [])).toBeUndefined();
  });
});
