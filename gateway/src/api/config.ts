// HTTP API settings: a section of the gateway's settings with the same LINLI_GW_ prefix. Read
// from `config.api` when the config given to the API has that section, and from the
// environment; every one has a default (schema below, documented in docs/configuration.md).
import { loadServiceConfig, type ServiceConfigSpec } from '@linli/shared/service';
import { type Static, Type } from '@sinclair/typebox';

const count = (env: string, def: number, description: string) =>
  Type.Integer({ exclusiveMinimum: 0, default: def, env, description, expect: 'a positive integer' });
const flag = (env: string | undefined, def: boolean, description: string) =>
  Type.Boolean({ default: def, env, description });

export const ApiSchema = Type.Object({
  secureCookies: flag(
    'LINLI_GW_SECURE_COOKIES',
    false,
    'Mark the session cookie Secure (HTTPS or behind a TLS proxy).',
  ),
  sessionTtlS: count('LINLI_GW_SESSION_TTL_S', 12 * 3600, 'Absolute session lifetime, seconds.'),
  bodyLimitBytes: count('LINLI_GW_BODY_LIMIT', 64 * 1024, 'Largest JSON body, bytes.'),
  csvLimitBytes: count('LINLI_GW_CSV_LIMIT', 5 * 1024 * 1024, 'Largest CSV import, bytes.'),
  loginMaxFailures: count(
    'LINLI_GW_LOGIN_MAX_FAILURES',
    5,
    'Failed logins allowed per (username, client address) within the window (never per username alone).',
  ),
  loginIpMaxFailures: count(
    'LINLI_GW_LOGIN_IP_MAX_FAILURES',
    50,
    'Failed logins allowed per client address within the window.',
  ),
  loginWindowS: count('LINLI_GW_LOGIN_WINDOW_S', 15 * 60, 'Login failure window, seconds.'),
  sseKeepAliveS: Type.Number({
    exclusiveMinimum: 0,
    default: 15,
    description: 'SSE keep-alive comment interval, seconds.',
  }),
  bootstrapAdmin: flag(undefined, true, 'Create the first admin when there is no staff account.'),
  adminPassword: Type.Optional(
    Type.String({
      env: 'LINLI_GW_ADMIN_PASSWORD',
      description: "The first admin's password (unset: generated and printed once).",
    }),
  ),
  trustProxy: flag(
    'LINLI_GW_TRUST_PROXY',
    false,
    'Take the client address from X-Forwarded-For (behind a reverse proxy).',
  ),
  logger: flag('LINLI_GW_HTTP_LOG', false, 'Fastify request log.'),
});

export type ApiConfig = Static<typeof ApiSchema>;

export const API_CONFIG_SPEC: ServiceConfigSpec<typeof ApiSchema> = {
  schema: ApiSchema,
  prefix: 'LINLI_GW_',
  emptyIsUnset: true,
};

export const DEFAULT_API_CONFIG: ApiConfig = loadServiceConfig(API_CONFIG_SPEC, {
  env: {},
  allowUnknown: true,
});

/** The API's settings as given in code: any of them, each checked by the loader. */
export type ApiSection = Partial<ApiConfig>;
/** What the API reads of the gateway's config: its `api` section. */
export interface ApiConfigSource {
  api?: ApiSection | undefined;
}

export function resolveApiConfig(
  config: ApiConfigSource | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ApiConfig {
  // The gateway's loader checks the whole LINLI_GW_ prefix; this section reads its own keys only.
  return loadServiceConfig(API_CONFIG_SPEC, { overrides: config?.api, env, allowUnknown: true });
}
