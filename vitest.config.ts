import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      // React hook tests (JSX; each file picks the jsdom environment in its docblock).
      'packages/*/test/**/*.test.tsx',
      // Browser end-to-end tests of the examples (Playwright driving Debian's Chromium).
      'examples/*/e2e/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
})
