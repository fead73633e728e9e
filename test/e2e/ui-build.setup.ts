// vitest globalSetup of the UI tests: build the resident screens if the build is missing or stale,
// so `npm test` works on a fresh clone.
import { buildScreen } from '../../scripts/build-ui.ts';

export default async function setup(): Promise<void> {
  await buildScreen('kiosk', { ifStale: true });
}
