/**
 * Enforces the dependency direction of docs/architecture.md on the import statements themselves: the engine
 * packages import nothing of ours, the controller only the contract and the query builders, the app never the
 * controller, and no production code imports the test-only fixtures; the engine packages import no third-party or
 * Node module (the contract only zod), so they run in the browser, in Node and in a worker alike; inside the app,
 * data loading knows nothing of the views, and pages and panels meet only in the shared features.
 */
import fs from 'node:fs';
import path from 'node:path';

const src = path.resolve(__dirname, '../../src');
const PACKAGES = ['app', 'analysis', 'queries', 'clients', 'contract', 'controller'] as const;
type Package = (typeof PACKAGES)[number];

const ALLOWED: Record<Package, Package[]> = {
  app: ['queries', 'analysis', 'clients', 'contract'],
  analysis: [],
  queries: [],
  clients: ['queries'],
  contract: [],
  controller: ['contract', 'queries'],
};

const isTest = (file: string) => /\.test\.tsx?$|[/\\]testing[/\\]|[/\\]fixtures[/\\]|\.testing\.ts$/.test(file);

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.tsx?$/.test(file))
    .map((file) => path.join(dir, file));
}

/** Every module specifier a file imports, relative or not. */
function specifiers(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

/** Third-party and Node modules a file imports, by package name. */
function externalImports(file: string): string[] {
  return specifiers(file)
    .filter((specifier) => !specifier.startsWith('.'))
    .map((specifier) =>
      specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!
    );
}

/** The third-party (and Node) modules each package's production code may import. */
const EXTERNAL_ALLOWED: Partial<Record<Package, readonly string[]>> = {
  analysis: [],
  queries: [],
  clients: [],
  contract: ['zod'],
};

/**
 * Layers inside the app, by top-level folder (files at the app's root, such as settings.ts and routes.ts, are
 * shared by all). `data` loads and shapes what the views show and knows no view; pages and panels host the shared
 * `features` and never reach into each other.
 */
const APP_LAYERS: Record<string, readonly string[]> = {
  components: [],
  scope: [],
  data: ['scope'],
  features: ['data', 'components', 'scope'],
  pages: ['features', 'data', 'components', 'scope'],
  panels: ['features', 'data', 'components'],
};

/** Our packages a file imports, resolved from its relative import specifiers. */
function importedPackages(file: string): Array<{ target: string; pkg: string }> {
  return specifiers(file)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => {
      const target = path.resolve(path.dirname(file), specifier);
      return { target, pkg: path.relative(src, target).split(path.sep)[0]! };
    });
}

describe('dependency direction', () => {
  it.each(PACKAGES)('%s imports only the packages it may', (pkg) => {
    const violations = sourceFiles(path.join(src, pkg)).flatMap((file) =>
      importedPackages(file)
        .filter(({ pkg: imported }) => imported !== pkg && (PACKAGES as readonly string[]).includes(imported))
        .filter(({ pkg: imported }) => !ALLOWED[pkg].includes(imported as Package))
        .filter(() => !(pkg !== 'app' && isTest(file))) // tests of the engine may use fixtures from elsewhere
        .map(({ pkg: imported }) => `${path.relative(src, file)} → ${imported}`)
    );
    expect(violations).toEqual([]);
  });

  it.each(Object.keys(EXTERNAL_ALLOWED) as Package[])(
    '%s imports no third-party or Node module but the ones it may',
    (pkg) => {
      const violations = sourceFiles(path.join(src, pkg))
        .filter((file) => !isTest(file))
        .flatMap((file) =>
          externalImports(file)
            .filter((name) => !EXTERNAL_ALLOWED[pkg]!.includes(name))
            .map((name) => `${path.relative(src, file)} → ${name}`)
        );
      expect(violations).toEqual([]);
    }
  );

  it.each(Object.keys(APP_LAYERS))('app/%s imports only the app layers below it', (layer) => {
    const app = path.join(src, 'app');
    const violations = sourceFiles(path.join(app, layer))
      .filter((file) => !isTest(file))
      .flatMap((file) =>
        importedPackages(file)
          .filter(({ pkg }) => pkg === 'app')
          .map(({ target }) => path.relative(app, target).split(path.sep)[0]!)
          .filter((imported) => imported !== layer && imported in APP_LAYERS && !APP_LAYERS[layer]!.includes(imported))
          .map((imported) => `${path.relative(src, file)} → app/${imported}`)
      );
    expect(violations).toEqual([]);
  });

  it('lets clients take types only from queries (a Jaeger search names a ServiceName), no builder code', () => {
    const valueImport = /^import\s+(?!type\s)[^;]*?from\s+['"]\.\.\/queries[^'"]*['"]/m;
    const violations = sourceFiles(path.join(src, 'clients'))
      .filter((file) => !isTest(file))
      .filter((file) => valueImport.test(fs.readFileSync(file, 'utf8')))
      .map((file) => path.relative(src, file));
    expect(violations).toEqual([]);
  });

  it('keeps the OpenTelemetry-SDK fixtures out of production code', () => {
    const violations = PACKAGES.flatMap((pkg) => sourceFiles(path.join(src, pkg)))
      .filter((file) => !isTest(file))
      .flatMap((file) =>
        importedPackages(file)
          .filter(({ target }) => target.includes(`${path.sep}analysis${path.sep}fixtures`))
          .map(() => path.relative(src, file))
      );
    expect(violations).toEqual([]);
  });

  it('notices a forbidden import (the check itself works)', () => {
    const dir = fs.mkdtempSync(path.join(src, 'analysis', 'tmp-'));
    const probe = path.join(dir, 'probe.ts');
    try {
      fs.writeFileSync(probe, "import { x } from '../../controller/config';\nimport React from 'react';\n");
      expect(importedPackages(probe).map((i) => i.pkg)).toEqual(['controller']);
      expect(externalImports(probe)).toEqual(['react']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
