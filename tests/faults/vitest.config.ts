import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

/**
 * `npm run test:faults`: the fault runs (a PostgreSQL restart under load, BOK killed during an upload)
 * take a scratch PostgreSQL server and child processes, so they stay out of `npm test`; the
 * backup/restore test is quick and runs in both.
 */
export default defineConfig({
  root: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..'),
  test: {
    include: ['tests/faults/**/*.fault.ts', 'tests/faults/**/*.test.ts'],
    globalSetup: ['tests/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 180_000,
    hookTimeout: 180_000,
    reporters: ['default'],
  },
})
