import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'tests/**/*.test.ts'],
    // Tests that spawn bin/khien.mjs run the compiled CLI: built first when the sources are newer.
    globalSetup: ['tests/cli/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: { TZ: 'Asia/Ho_Chi_Minh' },
  },
});
