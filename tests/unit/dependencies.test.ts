/**
 * Enforces the dependency direction of docs/architecture.md on the import statements themselves: the engine
 * packages import nothing of ours, the controller only the contract and the query builders, the app never the controller, and no
 * production code imports the test-only fixtures.
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
  clients: [],
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

/** Our packages a file imports, resolved from its relative import specifiers. */
function importedPackages(file: string): Array<{ target: string; pkg: string }> {
  const text = fs.readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
  return specifiers.map((specifier) => {
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
      fs.writeFileSync(probe, "import { x } from '../../controller/config';\n");
      expect(importedPackages(probe).map((i) => i.pkg)).toEqual(['controller']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
