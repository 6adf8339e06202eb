/**
 * docs/architecture.md is read from the repository alone (issue 25): every file it points to, by a Markdown link or
 * a `../` path, is in the repository, and it links to no web page.
 */
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const doc = path.join(root, 'docs/architecture.md');

/** Markdown link targets and backticked `../` paths, as written. */
function pointers(text: string): string[] {
  const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
  const relative = [...text.matchAll(/`(\.\.\/[^`\s]+)`/g)].map((m) => m[1]!);
  return [...links, ...relative];
}

describe('docs/architecture.md', () => {
  const targets = pointers(fs.readFileSync(doc, 'utf8'));

  it('links to no web page', () => {
    expect(targets.filter((target) => /^[a-z]+:/i.test(target))).toEqual([]);
  });

  it('points only to files in the repository', () => {
    const outside = targets
      .filter((target) => !/^[a-z]+:/i.test(target) && !target.startsWith('#'))
      .filter((target) => {
        const file = path.resolve(path.dirname(doc), target.split('#')[0]!);
        return path.relative(root, file).startsWith('..') || !fs.existsSync(file);
      });
    expect(outside).toEqual([]);
  });
});
