import { defineConfig } from 'vitest/config'
import type { TestProjectInlineConfiguration } from 'vitest/config'

/** One vitest project per workspace package: unit tests sit in src/, shared test code and scenarios in test/. */
const packageProject = (
  name: string,
  test: NonNullable<TestProjectInlineConfiguration['test']> = {},
): TestProjectInlineConfiguration => ({
  extends: true,
  test: { name, include: [`${name}/src/**/*.test.ts`, `${name}/test/**/*.test.ts`], ...test },
})

export default defineConfig({
  test: {
    passWithNoTests: false,
    // The default output for people, then one `tests: N passed, N failed, N skipped` line for CI.
    reporters: ['default', './scripts/vitest-reporter.ts'],
    projects: [
      packageProject('shared'),
      packageProject('server-kit'),
      // Real SQLite, broker and HTTP in-process: slower than pure unit tests on 2 cores.
      packageProject('edge', { testTimeout: 30_000, hookTimeout: 30_000 }),
      // PGlite everywhere, and a throwaway PostgreSQL cluster as well when its binaries exist
      // (always under CI=true): cloud/test/postgres-cluster.ts.
      packageProject('cloud', {
        testTimeout: 30_000,
        hookTimeout: 60_000,
        globalSetup: ['cloud/test/postgres-cluster.ts'],
      }),
      // View-state reducers of the web apps: pure, no DOM.
      { extends: true, test: { name: 'edge-ui', include: ['edge/ui/**/*.test.ts'] } },
      // The web apps in Debian's Chromium against a real appliance; the UI is built first.
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['edge/e2e/**/*.test.ts'],
          globalSetup: ['edge/e2e/build-ui.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      // The cloud console's routing and role rules: pure, no DOM.
      {
        extends: true,
        test: { name: 'cloud-console', include: ['cloud/console/src/**/*.test.ts'] },
      },
      // The cloud console in Debian's Chromium against a real cloud service; built first.
      {
        extends: true,
        test: {
          name: 'cloud-e2e',
          include: ['cloud/e2e/**/*.test.ts'],
          globalSetup: ['cloud/e2e/build-console.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      // Real serial ports through socat PTY pairs with simulators on the far end.
      packageProject('firmware-bridge', { testTimeout: 30_000, hookTimeout: 30_000 }),
      packageProject('provisioning'),
      // The README's `pnpm start` as a new user runs it: every process, real ports, Ctrl-C.
      {
        extends: true,
        test: {
          name: 'system',
          include: ['scripts/**/*.test.ts'],
          globalSetup: ['edge/e2e/build-ui.ts', 'cloud/e2e/build-console.ts'],
          testTimeout: 120_000,
        },
      },
    ],
  },
})
