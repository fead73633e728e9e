// Builds the screens — the resident kiosk (kiosk/ui), the window console and the display board
// (kiosk/window-ui, kiosk/board-ui), the admin and statistics screen (kiosk/admin-ui), the alarm console (gateway/ui) and the responder's phone page
// (gateway/responder-ui), each into its dist/ — each when its build is missing or older than any
// source file of its folder or shared/ui. Used by `npm start`, the UI tests and the benchmarks; `npm run
// build` always builds.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';

const root = resolve(import.meta.dirname, '..');

interface Screen {
  /** the Vite root, holding vite.config.ts */
  dir: string;
  /** files the build must have produced */
  outputs: string[];
}

export const SCREENS = {
  kiosk: { dir: 'kiosk/ui', outputs: ['index.html', 'follow.html'] },
  console: { dir: 'gateway/ui', outputs: ['index.html'] },
  responder: { dir: 'gateway/responder-ui', outputs: ['index.html'] },
  window: { dir: 'kiosk/window-ui', outputs: ['index.html'] },
  board: { dir: 'kiosk/board-ui', outputs: ['index.html'] },
  admin: { dir: 'kiosk/admin-ui', outputs: ['index.html'] },
} satisfies Record<string, Screen>;

export type ScreenName = keyof typeof SCREENS;

function newest(dir: string): number {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return t;
}

export function buildIsStale(name: ScreenName): boolean {
  const screen: Screen = SCREENS[name];
  const dist = join(root, screen.dir, 'dist');
  const outputs = screen.outputs.map((f) => join(dist, f));
  if (!outputs.every((f) => existsSync(f))) return true;
  const built = Math.min(...outputs.map((f) => statSync(f).mtimeMs));
  return [join(root, screen.dir), join(root, 'shared/ui')].some((d) => newest(d) > built);
}

/** Builds one screen; with `ifStale`, only when its build is missing or stale. True if it built. */
export async function buildScreen(name: ScreenName, opts: { ifStale?: boolean } = {}): Promise<boolean> {
  if (opts.ifStale && !buildIsStale(name)) return false;
  await build({ configFile: join(root, SCREENS[name].dir, 'vite.config.ts'), logLevel: 'warn' });
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const ifStale = process.argv.includes('--if-stale');
  for (const name of Object.keys(SCREENS) as ScreenName[]) {
    const built = await buildScreen(name, { ifStale });
    process.stdout.write(`${name}: ${built ? `built ${SCREENS[name].dir}/dist` : 'up to date'}\n`);
  }
}
