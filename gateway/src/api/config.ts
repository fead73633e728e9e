// HTTP API settings. Read from `config.api` when the gateway's config has that section, and
// from LINLI_GW_* environment variables; every one has a default.
import { LinliError } from '@linli/shared';

export interface ApiConfig {
  /** Mark the session cookie Secure (serve over HTTPS or behind a TLS proxy). */
  secureCookies: boolean;
  /** Absolute session lifetime, seconds. */
  sessionTtlS: number;
  /** Largest JSON body, bytes. */
  bodyLimitBytes: number;
  /** Largest CSV import, bytes. */
  csvLimitBytes: number;
  /** Failed logins allowed per (username, client address) and per client address within the
   *  window (never per username alone: a stranger cannot lock an account out). */
  loginMaxFailures: number;
  loginIpMaxFailures: number;
  loginWindowS: number;
  /** SSE keep-alive comment interval, seconds. */
  sseKeepAliveS: number;
  /** Create the first admin when there is no staff account (password from LINLI_GW_ADMIN_PASSWORD or generated). */
  bootstrapAdmin: boolean;
  adminPassword?: string;
  trustProxy: boolean;
  logger: boolean;
}

export const DEFAULT_API_CONFIG: ApiConfig = {
  secureCookies: false,
  sessionTtlS: 12 * 3600,
  bodyLimitBytes: 64 * 1024,
  csvLimitBytes: 5 * 1024 * 1024,
  loginMaxFailures: 5,
  loginIpMaxFailures: 50,
  loginWindowS: 15 * 60,
  sseKeepAliveS: 15,
  bootstrapAdmin: true,
  trustProxy: false,
  logger: false,
};

const ENV: Record<string, [keyof ApiConfig, 'bool' | 'int' | 'string']> = {
  LINLI_GW_SECURE_COOKIES: ['secureCookies', 'bool'],
  LINLI_GW_SESSION_TTL_S: ['sessionTtlS', 'int'],
  LINLI_GW_BODY_LIMIT: ['bodyLimitBytes', 'int'],
  LINLI_GW_CSV_LIMIT: ['csvLimitBytes', 'int'],
  LINLI_GW_LOGIN_MAX_FAILURES: ['loginMaxFailures', 'int'],
  LINLI_GW_LOGIN_IP_MAX_FAILURES: ['loginIpMaxFailures', 'int'],
  LINLI_GW_LOGIN_WINDOW_S: ['loginWindowS', 'int'],
  LINLI_GW_ADMIN_PASSWORD: ['adminPassword', 'string'],
  LINLI_GW_TRUST_PROXY: ['trustProxy', 'bool'],
  LINLI_GW_HTTP_LOG: ['logger', 'bool'],
};

export function resolveApiConfig(config: unknown, env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const section =
    config && typeof config === 'object' && 'api' in config
      ? (config as { api?: Partial<ApiConfig> }).api
      : undefined;
  const out: ApiConfig = { ...DEFAULT_API_CONFIG, ...(section ?? {}) };
  const o = out as unknown as Record<string, unknown>;
  for (const [name, [key, kind]] of Object.entries(ENV)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    if (kind === 'bool') {
      if (!/^(true|false|1|0)$/.test(raw))
        throw new LinliError('CONFIG', `config ${name}: must be true or false`);
      o[key] = raw === 'true' || raw === '1';
    } else if (kind === 'int') {
      if (!/^\d+$/.test(raw) || Number(raw) <= 0) {
        throw new LinliError('CONFIG', `config ${name}: must be a positive integer, got "${raw}"`);
      }
      o[key] = Number(raw);
    } else o[key] = raw;
  }
  return out;
}
