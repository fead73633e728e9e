// Request logging never writes a follow token (it allows rating the ticket) or another secret of
// a URL: the kiosk app with its real logger at debug, every line captured (issue #10, defect 18).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger, redactUrl } from '@linli/shared/service';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { ADMIN_PASSWORD } from './helpers.ts';

let close: (() => Promise<void>) | undefined;
afterEach(async () => close?.());

describe('request log', () => {
  it('redacts follow tokens in every logged URL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'linli-reqlog-'));
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const config = loadConfig(
      { dataDir: dir, adminPassword: ADMIN_PASSWORD, checkpointMs: 0, queue: { enforceHours: false } },
      {},
    );
    const logger = createLogger({ name: 'linli-kiosk', level: 'debug', destination: stream });
    const app = await buildApp({ config, logger });
    close = async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    };
    const issued = await app.inject({
      method: 'POST',
      url: '/api/tickets',
      payload: { serviceId: 'general', identity: 'anonymous' },
    });
    const token: string = issued.json().token;
    expect(token).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect((await app.inject({ method: 'GET', url: `/api/follow/${token}` })).statusCode).toBe(200);
    // A refusal (logged by the error handler with its URL) and an unknown route.
    const early = await app.inject({
      method: 'POST',
      url: `/api/follow/${token}/rating`,
      payload: { rating: 5 },
    });
    expect(early.json().error.code).toBe('BAD_STATE');
    const bad = await app.inject({ method: 'POST', url: `/api/follow/${token}/rating`, payload: {} });
    expect(bad.statusCode).toBe(400);
    const unknown = await app.inject({ method: 'GET', url: `/api/follow/${token}/nothing?token=${token}` });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).not.toContain(token);

    const logged = lines.join('');
    expect(logged).toContain('/api/follow/[redacted]');
    expect(logged).toContain('"url":"/api/follow/[redacted]/rating"');
    expect(logged).not.toContain(token);
  });

  it('redactUrl keeps what is not secret', () => {
    expect(redactUrl('/api/follow/abc/rating?x=1')).toBe('/api/follow/[redacted]/rating?x=1');
    expect(redactUrl('/follow/abc')).toBe('/follow/[redacted]');
    expect(redactUrl('/api/stream?types=ticket.&lastEventId=4')).toBe(
      '/api/stream?types=ticket.&lastEventId=4',
    );
    expect(redactUrl('/x?token=s3&code=c&Password=p&k')).toBe(
      '/x?token=[redacted]&code=[redacted]&Password=[redacted]&k',
    );
    expect(redactUrl('/api/follow/')).toBe('/api/follow/');
    expect(redactUrl(undefined)).toBe('');
  });
});
