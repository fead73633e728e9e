// One table from error code to HTTP status. 4xx answers say exactly what was wrong; 5xx
// answers hide the details (they are logged).
import { LinliError, ValidationError } from '@linli/shared';
import type { Logger } from '@linli/shared/service';
import type { FastifyError, FastifyInstance } from 'fastify';
import { AuthError } from '../auth/errors.ts';
import type { ApiMetrics } from './metrics.ts';

export const STATUS: Record<string, number> = {
  VALIDATION: 400,
  BAD_JSON: 400,
  AUTH: 401,
  BAD_SIGNATURE: 401,
  REPLAY_WINDOW: 401,
  BAD_MESSAGE: 400,
  IDEMPOTENCY_KEY: 400,
  SITE_MISMATCH: 400,
  ALERT_OF_ANOTHER_SITE: 400,
  STATION_NOT_FOUND: 404,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ALERT_NOT_FOUND: 404,
  DEVICE_NOT_FOUND: 404,
  RESIDENT_NOT_FOUND: 404,
  STAFF_NOT_FOUND: 404,
  RESPONDER_NOT_FOUND: 404,
  LINK_INVALID: 401,
  LINK_EXPIRED: 410,
  ALERT_STATE: 409,
  ALERT_ELSEWHERE: 409,
  DEVICE_EXISTS: 409,
  DEVICE_RETIRED: 409,
  RESIDENT_EXISTS: 409,
  STAFF_EXISTS: 409,
  ZIGBEE_NAME_TAKEN: 409,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
};

export interface ErrorBody {
  error: { code: string; message: string; details?: string[] };
}

/** Fastify's own client errors, renamed into our codes. */
const FASTIFY: Record<string, [string, string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: ['BAD_JSON', 'the body is not valid JSON'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['BAD_JSON', 'the body is empty but Content-Type is application/json'],
  FST_ERR_CTP_BODY_TOO_LARGE: ['BODY_TOO_LARGE', 'the body is too large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['UNSUPPORTED_MEDIA_TYPE', 'unsupported Content-Type'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['VALIDATION', 'Content-Length does not match the body'],
};

/** Where 5xx failures are reported (the gateway's logger, pino order: fields, then message). */
export type ErrorLog = Pick<Logger, 'error'>;

export function installErrorHandlers(app: FastifyInstance, metrics: ApiMetrics, log: ErrorLog): void {
  app.setErrorHandler((err: FastifyError | LinliError | Error, req, reply) => {
    let status = 500;
    let body: ErrorBody = { error: { code: 'INTERNAL', message: 'internal error' } };
    const code = (err as { code?: string }).code;
    if (err instanceof LinliError && STATUS[err.code] !== undefined) {
      status = STATUS[err.code]!;
      body = { error: { code: err.code, message: err.message } };
      if (err instanceof ValidationError && err.details.length) body.error.details = err.details;
      if (err instanceof AuthError && err.retryAfterS) reply.header('retry-after', String(err.retryAfterS));
    } else if (code && FASTIFY[code]) {
      const [c, m] = FASTIFY[code]!;
      status = STATUS[c]!;
      body = { error: { code: c, message: c === 'BAD_JSON' ? `${m}: ${err.message}` : m } };
    } else if ((err as FastifyError).validation) {
      status = 400;
      body = { error: { code: 'VALIDATION', message: err.message } };
    } else if (
      typeof (err as FastifyError).statusCode === 'number' &&
      (err as FastifyError).statusCode! >= 400 &&
      (err as FastifyError).statusCode! < 500
    ) {
      status = (err as FastifyError).statusCode!;
      body = { error: { code: 'BAD_REQUEST', message: err.message } };
    }
    if (status >= 500) metrics.errors++;
    else metrics.refuse(body.error.code);
    if (status >= 500) {
      req.log.error({ err }, 'request failed');
      log.error(
        {
          method: req.method,
          url: req.url.split('?')[0],
          ...(code ? { code } : {}),
          err,
        },
        'http request failed',
      );
    } else req.log.info({ code: body.error.code, msg: body.error.message }, 'request refused');
    void reply.code(status).send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    metrics.refuse('NOT_FOUND');
    void reply
      .code(404)
      .send({ error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` } });
  });
}

export function notFound(code: string, message: string): LinliError {
  return new LinliError(code, message);
}
