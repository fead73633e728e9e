// Builds the alarm console (gateway/ui → gateway/ui/dist) when the build is missing or older than
// any source file of gateway/ui or shared/ui. Used by the console tests (test/e2e/console-*);
// `npm run build` always builds.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';

const root = resolve(import.meta.dirname, '..');
const DIST = join(root, 'gateway/ui/dist');
const SOURCES = [join(root, 'gateway/ui'), join(root, 'shared/ui')];

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'dist' || e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export function consoleBuildIsStale(): boolean {
  const stamp = join(DIST, 'index.html');
  if (!existsSync(stamp)) return true;
  const built = statSync(stamp).mtimeMs;
  return SOURCES.some((d) => newest(d) > built);
}

export async function buildConsole(opts: { ifStale?: boolean } = {}): Promise<boolean> {
  if (opts.ifStale && !consoleBuildIsStale()) return false;
  await build({ configFile: join(root, 'gateway/ui/vite.config.ts'), logLevel: 'warn' });
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const built = await buildConsole({ ifStale: process.argv.includes('--if-stale') });
  process.stdout.write(built ? 'console built: gateway/ui/dist\n' : 'console build is up to date\n');
}
