// HTTP view of the hardware service (registered by app.ts):
//   GET  /api/hardware/health                   every device's state
//   GET  /api/hardware/print-jobs               the print queue, newest first
//   POST /api/hardware/print-jobs/:id/retry     staff retry of a failed (or held) job
// No full ID numbers pass here: health and print jobs carry none. Errors are thrown and answered by
// the kiosk's error handler (kiosk/src/api/errors.ts), in the one shape of every kiosk route.
import type { FastifyPluginAsync } from 'fastify';
import { HardwareError } from './errors.ts';
import type { Hardware } from './types.ts';

export interface HardwareRoutesOptions {
  hardware: Hardware;
}

const deviceHealth = {
  type: 'object',
  required: ['device', 'connected', 'state', 'since'],
  properties: {
    device: { type: 'string', enum: ['idcard', 'printer', 'scanner'] },
    connected: { type: 'boolean' },
    state: { type: 'string', enum: ['ok', 'warning', 'error', 'disconnected'] },
    detail: { type: 'string' },
    lastError: { type: 'string' },
    paper: { type: 'string', enum: ['ok', 'near-end', 'out'] },
    since: { type: 'number' },
  },
} as const;

const printJob = {
  type: 'object',
  required: ['jobId', 'state', 'createdAt'],
  properties: {
    jobId: { type: 'string' },
    ticketId: { type: 'string' },
    state: { type: 'string', enum: ['queued', 'printing', 'printed', 'held', 'failed'] },
    reason: { type: 'string' },
    createdAt: { type: 'number' },
    printedAt: { type: 'number' },
  },
} as const;

export const hardwareRoutes: FastifyPluginAsync<HardwareRoutesOptions> = async (app, { hardware }) => {
  app.get(
    '/api/hardware/health',
    {
      schema: {
        response: {
          200: {
            type: 'object',
            properties: {
              devices: { type: 'array', items: deviceHealth },
              // counters per device: polls, reads, errors, badFrames, timeouts, printed, scans, refused, connects …
              stats: { type: 'object', additionalProperties: true },
            },
          },
        },
      },
    },
    async () => ({ devices: hardware.health(), ...(hardware.stats ? { stats: hardware.stats() } : {}) }),
  );

  app.get<{ Querystring: { limit?: string } }>(
    '/api/hardware/print-jobs',
    {
      schema: {
        querystring: {
          type: 'object',
          // query values are strings here (no type coercion): 1..1000
          properties: { limit: { type: 'string', pattern: '^([1-9][0-9]{0,2}|1000)$' } },
          additionalProperties: false,
        },
        response: { 200: { type: 'object', properties: { jobs: { type: 'array', items: printJob } } } },
      },
    },
    async (req) => ({
      jobs: hardware.printJobs(req.query.limit === undefined ? undefined : Number(req.query.limit)),
    }),
  );

  app.post<{ Params: { id: string } }>(
    '/api/hardware/print-jobs/:id/retry',
    {
      schema: {
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', minLength: 1, maxLength: 64 } },
        },
        response: { 200: { type: 'object', properties: { job: printJob } } },
      },
    },
    // Refusals (PRINT_JOB_NOT_FOUND 404, PRINT_JOB_STATE 409, HW_UNSUPPORTED 501) are thrown as
    // HardwareError and answered by the kiosk's one error handler: {error: {code, message, zh, en}}.
    async (req) => {
      if (!hardware.retryPrintJob)
        throw new HardwareError('HW_UNSUPPORTED', 'this hardware cannot retry print jobs');
      return { job: hardware.retryPrintJob(req.params.id) };
    },
  );
};
