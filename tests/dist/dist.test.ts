/**
 * Checks the production bundle in dist/ (run after `npm run build`) is what Grafana loads: a valid manifest with
 * the version stamped, and AMD modules whose only imports are the modules Grafana shares with plugins.
 */
import fs from 'node:fs';
import path from 'node:path';

import { appManifestProblems, pluginJsonSchema } from '../manifest/pluginJsonSchema';

const root = path.resolve(__dirname, '../..');
const dist = path.join(root, 'dist');
const packageVersion = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;

// The names in Grafana's plugin loader (`sharedDependenciesMap`), plus `module`, which the AMD loader provides.
const GRAFANA_SHARED = new Set([
  '@emotion/css',
  '@emotion/react',
  '@grafana/data',
  '@grafana/runtime',
  '@grafana/ui',
  '@grafana/slate-react',
  'd3',
  'emotion',
  'i18next',
  'jquery',
  'lodash',
  'moment',
  'prismjs',
  'react',
  'react/jsx-runtime',
  'react-dom',
  'react-dom/client',
  'react-redux',
  'react-router',
  'redux',
  'rxjs',
  'rxjs/operators',
  'slate',
  'slate-plain-serializer',
  'module',
]);

function readJson(file: string) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** The dependency list of `define([...], factory)` at the start of an AMD bundle. */
function amdDependencies(bundle: string): string[] {
  const match = /^(?:\/\*[\s\S]*?\*\/\s*)*define\((\[[^\]]*\])/.exec(bundle);
  if (!match) {
    throw new Error('bundle is not an AMD module: it does not start with define([...])');
  }
  return JSON.parse(match[1]!);
}

function nestedPluginDirs(): string[] {
  const panels = path.join(dist, 'panels');
  return fs.existsSync(panels) ? fs.readdirSync(panels).map((name) => path.join(panels, name)) : [];
}

beforeAll(() => {
  if (!fs.existsSync(path.join(dist, 'plugin.json'))) {
    throw new Error('dist/ is missing: run `npm run build` first');
  }
});

describe('dist/', () => {
  it("ships the users' README, stamped, not the developers'", () => {
    const readme = fs.readFileSync(path.join(dist, 'README.md'), 'utf8');
    expect(readme).toContain(`Version ${packageVersion}`);
    expect(readme).not.toMatch(/npm run|\.ci\/run|jest/i);
  });

  it('holds the manifest, module, logo, README, CHANGELOG and LICENSE', () => {
    for (const file of ['plugin.json', 'module.js', 'README.md', 'CHANGELOG.md', 'LICENSE']) {
      expect(fs.existsSync(path.join(dist, file))).toBe(true);
    }
  });

  it.each([['.', dist], ...nestedPluginDirs().map((dir) => [path.relative(dist, dir), dir])])(
    '%s/plugin.json is valid, stamped with the package version and its logos exist',
    (_label, dir) => {
      const manifest = readJson(path.join(dir, 'plugin.json'));
      expect(pluginJsonSchema.safeParse(manifest).error?.issues).toBeUndefined();
      expect(manifest.info.version).toBe(packageVersion);
      expect(manifest.info.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      for (const logo of Object.values(manifest.info.logos) as string[]) {
        expect(fs.existsSync(path.join(dir, logo))).toBe(true);
      }
      if (manifest.type === 'app') {
        expect(appManifestProblems(manifest)).toEqual([]);
      }
    }
  );

  it.each([['.', dist], ...nestedPluginDirs().map((dir) => [path.relative(dist, dir), dir])])(
    '%s/module.js is AMD and imports nothing Grafana does not share',
    (_label, dir) => {
      const deps = amdDependencies(fs.readFileSync(path.join(dir, 'module.js'), 'utf8'));
      expect(deps.filter((dep) => !GRAFANA_SHARED.has(dep))).toEqual([]);
      expect(deps).toEqual(expect.arrayContaining(['@grafana/data', '@grafana/ui', 'react']));
    }
  );

  it('does not bundle a second React or a copy of @grafana/ui', () => {
    const bundles = fs
      .readdirSync(dist, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.js'))
      .map((file) => fs.readFileSync(path.join(dist, file), 'utf8'));
    for (const bundle of bundles) {
      // Strings that only React's own runtime and @grafana/ui's theme code contain.
      expect(bundle).not.toContain('__CLIENT_INTERNALS_DO_NOT_USE_OR_WARN_USERS_THEY_CANNOT_UPGRADE');
      expect(bundle).not.toContain('react.transitional.element');
      expect(bundle).not.toContain('createTheme');
    }
  });
});
