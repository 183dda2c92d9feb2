import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'data/**', '**/*.js', '**/*.mjs', 'vitest.config.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: [
          './examples/chat/tsconfig.json',
          './packages/protocol/tsconfig.test.json',
          './packages/server/tsconfig.test.json',
          './packages/js/tsconfig.test.json',
          './packages/node/tsconfig.test.json',
          './packages/react/tsconfig.test.json',
        ],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Store backends answer an async interface from synchronous reads (LMDB) on purpose.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests read loosely typed JSON responses; the production code keeps the strict rules.
    files: ['**/*.test.ts', '**/test/**/*.ts', '**/store/contract/**/*.ts', '**/store/contract.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
)
