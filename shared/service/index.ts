// Node service infrastructure shared by the gateway and the kiosk service (not protocol code:
// shared/src stays pure). Import as `@linli/shared/service` or `@linli/shared/service/<module>.ts`.

export * from './cli-errors.ts';
export * from './config-doc.ts';
export * from './config-load.ts';
export * from './config-settings.ts';
export * from './free-port.ts';
export * from './keys.ts';
export * from './logger.ts';
export * from './login-limiter.ts';
export * from './metrics.ts';
export * from './nearest-name.ts';
export * from './private-files.ts';
export * from './redact-url.ts';
export * from './scrypt.ts';
export * from './session-cookie.ts';
export * from './sqlite-backup.ts';
export * from './sse.ts';
export * from './url-errors.ts';
