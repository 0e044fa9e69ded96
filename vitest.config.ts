import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup/response-checks.ts'],
    // Each file gets its own database; files run in parallel workers, tests in a file run in order.
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: a single worker on the 2-core CI machines.
    // Two run each suite faster there (2026-12-07, one after the other: PostgreSQL 366 -> 261 s,
    // PGlite about 400 -> 330 s), since a test file spends much of its time waiting on its database.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // A worker keeps its imported modules from one file to the next. Every file still builds its own
    // database and service instance (nothing in src/ keeps per-database state at module level; the
    // module caches are keyed by value). Importing the service afresh for each of 116 files was half
    // of the suite's time: 5 min 46 s -> 2 min 55 s on PGlite, and CI was at 18 of its 20 minutes.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
