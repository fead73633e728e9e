// One error handler, one shape for every kiosk route: {error: {code, message, zh, en, details?}}.
// A QueueError answers with its status and code and both sentences; a HardwareError with the
// status of its code (hardware/errors.ts); a schema failure is a 400 naming the field; anything
// else is a 500 without details. Every refusal is
// counted by code and logged.
import { LinliError } from '@linli/shared';
import { redactUrl } from '@linli/shared/service/redact-url.ts';
import type { FastifyError, FastifyInstance } from 'fastify';
import { HARDWARE_ERROR_HTTP, HardwareError } from '../hardware/errors.ts';
import { QueueError } from '../queue/errors.ts';

export function installErrorHandler(app: FastifyInstance, refusals: Map<string, number>): void {
  const count = (code: string) => refusals.set(code, (refusals.get(code) ?? 0) + 1);
  app.setErrorHandler((err: FastifyError | QueueError | Error, req, reply) => {
    if (err instanceof QueueError) {
      count(err.code);
      req.log.info({ code: err.code, url: redactUrl(req.url) }, `refused: ${err.en}`);
      return reply.status(err.status).send({
        error: { code: err.code, message: err.en, zh: err.zh, en: err.en, details: err.details },
      });
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      count('VALIDATION');
      const details = fe.validation.map((v) =>
        `${fe.validationContext ?? ''}${v.instancePath} ${v.message ?? ''}`.trim(),
      );
      req.log.info({ code: 'VALIDATION', url: redactUrl(req.url), details }, 'refused: bad request');
      return reply.status(400).send({
        error: { code: 'VALIDATION', message: err.message, zh: '请求内容不正确', en: err.message, details },
      });
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      const code = fe.code ?? 'BAD_REQUEST';
      count(code);
      req.log.info({ code, url: redactUrl(req.url) }, `refused: ${err.message}`);
      return reply
        .status(fe.statusCode)
        .send({ error: { code, message: err.message, zh: '请求不正确', en: err.message } });
    }
    if (err instanceof HardwareError && err.code in HARDWARE_ERROR_HTTP) {
      const { status, zh } = HARDWARE_ERROR_HTTP[err.code];
      count(err.code);
      if (status >= 500)
        req.log.warn({ code: err.code, url: redactUrl(req.url), err }, `hardware: ${err.message}`);
      else req.log.info({ code: err.code, url: redactUrl(req.url) }, `refused: ${err.message}`);
      return reply
        .status(status)
        .send({ error: { code: err.code, message: err.message, zh, en: err.message } });
    }
    if (err instanceof LinliError) {
      count(err.code);
      req.log.info({ code: err.code, url: redactUrl(req.url) }, `refused: ${err.message}`);
      return reply
        .status(422)
        .send({ error: { code: err.code, message: err.message, zh: '内容不正确', en: err.message } });
    }
    count('INTERNAL');
    req.log.error({ err, url: redactUrl(req.url) }, 'internal error');
    return reply
      .status(500)
      .send({ error: { code: 'INTERNAL', message: 'internal error', zh: '系统错误', en: 'internal error' } });
  });
  app.setNotFoundHandler((req, reply) => {
    count('NOT_FOUND');
    return reply.status(404).send({
      error: {
        code: 'NOT_FOUND',
        message: `no route ${req.method} ${redactUrl(req.url.split('?')[0])}`,
        zh: '没有这个地址',
        en: 'not found',
      },
    });
  });
}
