// Lint: typescript-eslint's type-aware recommended rules over src/, test/, infra/ and web/ (`npm run lint`). The
// point is the promise rules (no-floating-promises, no-misused-promises): a promise nobody awaits
// loses its error. Type information comes from tsconfig.test.json, which covers both folders.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', 'profiles/**', '.cache/**', '.capacity-plan/**', 'infra/cdk.out/**'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'infra/**/*.ts', 'web/**/*.ts'],
    languageOptions: {
      // web/ui is in tsconfig.web.json (DOM types), everything else in tsconfig.test.json.
      parserOptions: { project: ['./tsconfig.test.json', './tsconfig.web.json'], tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Both are in recommended-type-checked already; named here because they are why lint runs.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // Off: an `async` function without `await` is how a fake or a callback meets a
      // Promise-returning interface, and `async` turns its synchronous throws into rejections,
      // which callers rely on; dropping it would change behaviour, not style.
      '@typescript-eslint/require-await': 'off',
      // An unused parameter kept for a signature (express's 4-argument error handler, stage
      // factories that share one) is named with a leading underscore.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Passing on a caught error (`catch (error) { return Promise.reject(error); }`) is a rethrow:
      // it is an Error whenever what was thrown was one, and wrapping it would lose its class.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
    },
  },
  {
    files: ['test/**/*.ts', 'infra/test/**/*.ts'],
    rules: {
      // Off in tests only: tests read JSON answers (HTTP bodies, JSONL logs, spawned output) as
      // untyped values and check them with expect(), which fails on a wrong shape; typing every
      // body first would add casts, not safety. src/ keeps these rules (zod at every boundary).
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
);
