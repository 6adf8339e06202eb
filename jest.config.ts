/**
 * Four Jest projects: `app` renders React in jsdom, `node` runs everything that is plain TypeScript
 * (analysis, queries, contract, controller, demo), `e2e` starts the real stack (Jaeger, Prometheus, controller,
 * demo) and drives the built plugin in Chromium against it, and `dist` inspects the production bundle after
 * `npm run build`.
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
  // How long a test may wait for what it awaits, not a bound on its speed: CI shares two cores with other work, and
  // a default of 5 s failed tests that take a second on a quiet machine (servers, databases, child processes).
  testTimeout: 60_000,
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
      // The real stack (e2e/README.md): minutes, real processes; run on its own, never by `npm test`.
      displayName: 'e2e',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/e2e/**/*.test.ts'],
      transform: swc,
      // The flows use the controller tests' support (it imports the controller, which verifies ID tokens with jose,
      // ESM only).
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
