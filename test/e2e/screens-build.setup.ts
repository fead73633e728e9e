// vitest globalSetup (root config, once per run): build every screen whose build is missing or
// stale, so `npm test` works on a fresh clone — the browser tests drive the built screens, and
// the services serve them (a service without its build answers 503 "not built").
import { buildScreen, SCREENS, type ScreenName } from '../../scripts/build-ui.ts';

export default async function setup(): Promise<void> {
  for (const name of Object.keys(SCREENS) as ScreenName[]) await buildScreen(name, { ifStale: true });
}
