import { defineConfig } from 'eslint/config';
import grafanaConfig from '@grafana/eslint-config';

export default defineConfig([
  {
    ignores: ['**/node_modules/', 'dist/', 'dist-controller/', 'coverage/'],
  },
  {
    files: ['**/*.{js,mjs,cjs,ts,tsx}'],
    extends: [grafanaConfig],
    rules: {
      'react/prop-types': 'off',
    },
  },
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { project: './tsconfig.json' } },
    rules: { '@typescript-eslint/no-deprecated': 'warn' },
  },
  {
    // Only the scope resolver turns the ownership table's globs into patterns; anything else widening a scope is a leak.
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/app/scope/scope.ts', 'src/queries/index.ts', '**/*.test.{ts,tsx}', '**/*.testing.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          // Grafana's config restricts `moment`; a rule's options replace, so it is repeated here.
          paths: ['moment'],
          patterns: [
            {
              group: ['**/queries', '**/queries/*'],
              importNames: ['ownershipScope'],
              message:
                "Service names are literals: use scopeOf. Only src/app/scope makes the ownership table's patterns.",
            },
          ],
        },
      ],
    },
  },
]);
