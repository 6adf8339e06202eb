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
]);
