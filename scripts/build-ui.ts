// Builds the resident screens (kiosk/ui → kiosk/ui/dist) when the build is missing or older than
// any source file of kiosk/ui or shared/ui. Used by `npm start` and the UI tests (vitest
// globalSetup); `npm run build` always builds.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';

const root = resolve(import.meta.dirname, '..');
const DIST = join(root, 'kiosk/ui/dist');
const SOURCES = [join(root, 'kiosk/ui'), join(root, 'shared/ui')];

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'dist' || e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export function uiBuildIsStale(): boolean {
  const stamp = join(DIST, 'index.html');
  if (!existsSync(stamp) || !existsSync(join(DIST, 'follow.html'))) return true;
  const built = statSync(stamp).mtimeMs;
  return SOURCES.some((d) => newest(d) > built);
}

export async function buildUi(opts: { ifStale?: boolean } = {}): Promise<boolean> {
  if (opts.ifStale && !uiBuildIsStale()) return false;
  await build({ configFile: join(root, 'kiosk/ui/vite.config.ts'), logLevel: 'warn' });
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const built = await buildUi({ ifStale: process.argv.includes('--if-stale') });
  process.stdout.write(built ? 'UI built: kiosk/ui/dist\n' : 'UI build is up to date\n');
}
