// Fastify answers a URL it cannot route (a path parameter over maxParamLength, a malformed
// percent-escape) itself, before any error handler, in its own flat shape. Passed as fastify's
// `frameworkErrors` option, this answers them in the service's shape instead, counts the refusal
// and logs it without the URL (it may hold a follow token).
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

export interface UrlRefusal {
  status: number;
  code: string;
  message: string;
}

const REFUSALS: Record<string, UrlRefusal> = {
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, code: 'URL_TOO_LONG', message: 'a path parameter is too long' },
  FST_ERR_BAD_URL: { status: 400, code: 'BAD_URL', message: 'the URL is malformed' },
};
const INTERNAL: UrlRefusal = { status: 500, code: 'INTERNAL', message: 'internal error' };

/** `shape` builds the service's error body; `count` records the answer (metrics). */
export function urlErrors(shape: (r: UrlRefusal) => unknown, count: (r: UrlRefusal) => void) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply): void => {
    const r = REFUSALS[err.code] ?? INTERNAL;
    count(r);
    if (r.status >= 500) req.log.error({ code: err.code }, 'router failed');
    else req.log.info({ code: r.code }, `refused: ${r.message}`);
    void reply.code(r.status).send(shape(r));
  };
}
