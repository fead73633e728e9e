// HTTP view of the hardware service (registered by app.ts):
//   GET  /api/hardware/health                   every device's state
//   GET  /api/hardware/print-jobs               the print queue, newest first
//   POST /api/hardware/print-jobs/:id/retry     staff retry of a failed (or held) job
// No full ID numbers pass here: health and print jobs carry none.
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

const errorBody = {
  type: 'object',
  required: ['error', 'message'],
  properties: { error: { type: 'string' }, message: { type: 'string' } },
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

  app.get(
    '/api/hardware/print-jobs',
    {
      schema: {
        response: { 200: { type: 'object', properties: { jobs: { type: 'array', items: printJob } } } },
      },
    },
    async () => ({ jobs: hardware.printJobs() }),
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
        response: {
          200: { type: 'object', properties: { job: printJob } },
          404: errorBody,
          409: errorBody,
          501: errorBody,
        },
      },
    },
    async (req, reply) => {
      if (!hardware.retryPrintJob) {
        return reply
          .code(501)
          .send({ error: 'NOT_IMPLEMENTED', message: 'this hardware cannot retry print jobs' });
      }
      try {
        return { job: hardware.retryPrintJob(req.params.id) };
      } catch (err) {
        if (err instanceof HardwareError && err.code === 'PRINT_JOB_NOT_FOUND') {
          return reply.code(404).send({ error: err.code, message: err.message });
        }
        if (err instanceof HardwareError && err.code === 'PRINT_JOB_STATE') {
          return reply.code(409).send({ error: err.code, message: err.message });
        }
        throw err;
      }
    },
  );
};
