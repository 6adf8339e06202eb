/**
 * Four Jest projects: `app` renders React in jsdom, `node` runs everything that is plain TypeScript
 * (analysis, queries, contract, controller, demo), `dist` inspects the production bundle after `npm run build`, and
 * `e2e` drives the built plugin in Chromium against the real backends (`npm run test:e2e`).
 */
import type { Config } from 'jest';

// Packages that @grafana/* pull in and that ship ESM only; Jest must transform them.
const esmOnly = [
  '@grafana/schema',
  '@grafana/i18n',
  '@grafana/ui',
  '@grafana/data',
  '@grafana/runtime',
  '@grafana/e2e-selectors',
  '@react-hookz',
  '@wojtekmaj/date-utils',
  'd3',
  'd3-[a-z-]+',
  'internmap',
  'delaunator',
  'robust-predicates',
  'get-user-locale',
  'marked',
  'memoize',
  'mimic-function',
  'ol',
  'react-calendar',
  'react-colorful',
  'rxjs',
  'uuid',
  'ua-parser-js',
  'react-use',
  'nanoid',
  '@ver0/deep-equal',
];

const swc: Config['transform'] = {
  '^.+\\.(t|j)sx?$|^.+\\.mjs$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', tsx: true },
        transform: { react: { runtime: 'automatic' } },
        target: 'es2022',
      },
      module: { type: 'commonjs' },
    },
  ],
};

const config: Config = {
  projects: [
    {
      displayName: 'app',
      testEnvironment: 'jsdom',
      testMatch: ['<rootDir>/src/app/**/*.test.{ts,tsx}'],
      setupFilesAfterEnv: ['<rootDir>/src/app/testing/jest-setup.ts'],
      moduleNameMapper: {
        '\\.(css|scss|sass)$': 'identity-obj-proxy',
        '^react-inlinesvg$': '<rootDir>/src/app/testing/react-inlinesvg.tsx',
      },
      transform: swc,
      transformIgnorePatterns: [`node_modules/(?!(${esmOnly.join('|')})/)`],
    },
    {
      displayName: 'node',
      testEnvironment: 'node',
      testMatch: [
        '<rootDir>/src/{analysis,queries,clients,contract,controller}/**/*.test.ts',
        '<rootDir>/tests/unit/**/*.test.ts',
        '<rootDir>/tests/controller/**/*.test.ts',
        '<rootDir>/demo/**/*.test.ts',
      ],
      transform: swc,
      // jose ships ESM only; Jest (before Node 24.9) cannot require ESM, so it is transformed like our code.
      transformIgnorePatterns: ['node_modules/(?!(jose)/)'],
    },
    {
      // The real-browser flows (`npm run test:e2e`): need `npm run build` and Debian's chromium and prometheus.
      displayName: 'e2e',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/e2e/flows/**/*.test.ts'],
      transform: swc,
      // The controller (started in-process) verifies ID tokens with jose, which ships ESM only.
      transformIgnorePatterns: ['node_modules/(?!(jose)/)'],
    },
    {
      displayName: 'dist',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/tests/dist/**/*.test.ts'],
      transform: swc,
    },
  ],
};

export default config;
