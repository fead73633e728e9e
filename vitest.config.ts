import { defineConfig } from 'vitest/config';

// One command runs every workspace's tests and the end-to-end tests: `npm test`.
// Each workspace is a project so a developer can run one: `npx vitest run --project shared`.
export default defineConfig({
  test: {
    reporters: ['default', './scripts/summary-reporter.ts'],
    globalSetup: ['test/e2e/screens-build.setup.ts'],
    projects: [
      { test: { name: 'shared', root: 'shared', include: ['test/**/*.test.ts'] } },
      {
        test: {
          name: 'firmware-sim',
          root: 'firmware-sim',
          include: ['test/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'gateway',
          root: 'gateway',
          include: ['test/**/*.test.ts'],
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'kiosk',
          root: 'kiosk',
          include: ['test/**/*.test.ts'],
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          root: 'test',
          include: ['e2e/**/*.test.ts'],
          exclude: ['e2e/ui-*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        // Browser tests of the resident screens: headless Chromium against the real kiosk service.
        test: {
          name: 'e2e-ui',
          root: 'test',
          include: ['e2e/ui-*.test.ts'],
          testTimeout: 90_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
    coverage: {
      provider: 'v8',
      include: ['shared/src/**/*.ts'],
      exclude: ['shared/src/cli/**'],
      reporter: ['text-summary', 'text'],
      thresholds: { lines: 95 },
    },
  },
});
