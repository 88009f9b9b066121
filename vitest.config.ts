import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    pool: 'forks',
    // The Ink tests draw on fake terminals: CI=true (as CI sets it) would make Ink draw only its
    // last frame. is-in-ci treats "false" as not CI.
    env: { CI: 'false' },
    globalSetup: ['test/helpers/build.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // SoftHSM tokens, ports and data dirs are per test file. Two cores, three files at once: most
    // end-to-end files spend their time waiting on another process (tmux, Pebble, PostgreSQL,
    // serve, npm), so a third keeps the cores busy.
    maxWorkers: 3,
    reporters: ['default'],
  },
});
