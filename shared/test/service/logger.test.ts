// The service logger: pino JSON lines with the shared serializers, an unknown level refused.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, memoryLogger } from '../../service/logger.ts';

function sink(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { stream, lines };
}

describe('service logger', () => {
  it('writes JSON lines: name, level, fields first, err with its stack, request URLs redacted', () => {
    const { stream, lines } = sink();
    const log = createLogger({ name: 'linli-test', level: 'info', destination: stream });
    log.debug({ device: 'p1' }, 'not at info');
    log.warn({ device: 'p1', err: new Error('line closed') }, 'device disconnected');
    log.info({ req: { method: 'GET', url: '/api/follow/secret-token?code=1' } }, 'request');
    const [warn, req] = lines();
    expect(lines()).toHaveLength(2);
    expect(warn).toMatchObject({ name: 'linli-test', level: 40, device: 'p1', msg: 'device disconnected' });
    expect(warn!.err).toMatchObject({
      type: 'Error',
      message: 'line closed',
      stack: expect.stringContaining('Error'),
    });
    expect(JSON.stringify(req)).not.toContain('secret-token');
    expect((req!.req as { url: string }).url).toBe('/api/follow/[redacted]?code=[redacted]');
  });

  it('refuses an unknown level, naming the known ones', () => {
    expect(() => createLogger({ name: 'x', level: 'verbose' })).toThrow(/unknown log level "verbose".*debug/);
  });

  it('keeps records in memory for tests', () => {
    const { log, records } = memoryLogger('info');
    log.info('plain');
    log.error({ alertId: 7 }, 'with fields');
    expect(records).toEqual([
      { level: 'info', msg: 'plain' },
      { level: 'error', msg: 'with fields', fields: { alertId: 7 } },
    ]);
  });
});
