import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { consoleUiRoutes } from '../../src/api/console-ui.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function appWith(built: boolean) {
  const dist = `${mkdtempSync(join(tmpdir(), 'linli-console-dist-'))}/`;
  dirs.push(dist);
  if (built) {
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(dist, 'assets/index-abc.js'), 'console.log(1)');
  }
  const app = Fastify();
  await consoleUiRoutes(app, dist);
  return app;
}

describe('the console is served at /', () => {
  it('serves index.html uncached with a CSP, and hashed assets cached for good', async () => {
    const app = await appWith(true);
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>console</title>');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    const asset = await app.inject({ method: 'GET', url: '/assets/index-abc.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await app.inject({ method: 'GET', url: '/assets/missing.js' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/assets/../../etc/passwd' })).statusCode).not.toBe(200);
    await app.close();
  });

  it('answers 503 saying how to build when there is no build', async () => {
    const app = await appWith(false);
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build');
    await app.close();
  });
});
