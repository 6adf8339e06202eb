/**
 * The controller and the demo are npm workspaces with their own dependencies (docs/decisions.md, "Packages"): the
 * controller image installs only what the controller's package.json declares, so every package its code loads must
 * be declared there, and a dependency shared between packages must be the same version everywhere.
 */
import fs from 'node:fs';
import path from 'node:path';
import { builtinModules } from 'node:module';

const root = path.resolve(__dirname, '../..');

interface Manifest {
  name: string;
  workspaces?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const manifest = (dir: string): Manifest =>
  JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8')) as Manifest;

const isTest = (file: string) => /\.test\.tsx?$|[/\\]testing[/\\]|[/\\]fixtures[/\\]|\.testing\.ts$/.test(file);

/** The npm packages the production files under `dirs` import (`@scope/name` or `name`), Node built-ins left out. */
function importedPackages(dirs: string[]): Set<string> {
  const packages = new Set<string>();
  for (const dir of dirs) {
    for (const file of fs.readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })) {
      if (!/\.tsx?$/.test(file) || isTest(`/${file}`) || file.includes('node_modules')) {
        continue;
      }
      const text = fs.readFileSync(path.join(root, dir, file), 'utf8');
      for (const [, specifier] of text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'".][^'"]*)['"]/g)) {
        const name = specifier!.startsWith('@')
          ? specifier!.split('/').slice(0, 2).join('/')
          : specifier!.split('/')[0]!;
        if (!name.startsWith('node:') && !builtinModules.includes(name)) {
          packages.add(name);
        }
      }
    }
  }
  return packages;
}

describe('workspaces', () => {
  it('are the controller and the demo, beside the plugin at the root', () => {
    expect(manifest('.').workspaces).toEqual(['src/controller', 'demo']);
    expect([manifest('src/controller').name, manifest('demo').name]).toEqual([
      '@tracingops/controller',
      '@tracingops/demo',
    ]);
  });

  it.each([
    ['src/controller', ['src/controller', 'src/contract']],
    ['demo', ['demo']],
  ])('%s declares every package its production code imports', (workspace, dirs) => {
    const declared = Object.keys(manifest(workspace).dependencies ?? {});
    expect([...importedPackages(dirs)].filter((name) => !declared.includes(name)).sort()).toEqual([]);
  });

  it('gives the controller no front-end package', () => {
    const declared = Object.keys({ ...manifest('src/controller').dependencies });
    expect(declared.filter((name) => /^(@grafana\/|react|@emotion\/|rxjs)/.test(name))).toEqual([]);
  });

  it('pins a dependency shared between packages to one version', () => {
    const versions = new Map<string, Set<string>>();
    for (const dir of ['.', 'src/controller', 'demo']) {
      const { dependencies, devDependencies } = manifest(dir);
      for (const [name, version] of Object.entries({ ...dependencies, ...devDependencies })) {
        versions.set(name, (versions.get(name) ?? new Set()).add(version));
      }
    }
    expect([...versions].filter(([, v]) => v.size > 1).map(([name, v]) => `${name}: ${[...v].join(' vs ')}`)).toEqual(
      []
    );
  });
});
