/**
 * Builds a Go program of this repository (a directory with its own go.mod) and caches the binary outside the
 * repository under ~/.cache/tracingops/<name>/<hash of go.mod, go.sum and every .go file>, so it is built once per
 * change of its sources; Go's own build cache makes a rebuild after a small change quick too. Used for the
 * controller tests' Go sampler and the demo's Go service.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

class GoBuildError extends Error {
  override readonly name = 'GoBuildError';
}

/** Where built programs are kept; `TRACINGOPS_CACHE` moves it (as `TRACINGOPS_CACHE_DIR` does for scripts/). */
function cacheRoot(): string {
  return process.env.TRACINGOPS_CACHE ?? join(homedir(), '.cache', 'tracingops');
}

/** Returns the path of the built binary `name` for the Go module in `sourceDir`, building it when needed. */
export async function buildGoProgram(sourceDir: string, name: string): Promise<string> {
  const sources = readdirSync(sourceDir)
    .filter((f) => f === 'go.mod' || f === 'go.sum' || f.endsWith('.go'))
    .sort();
  const hash = createHash('sha256');
  for (const file of sources) {
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(sourceDir, file)));
  }
  const dir = join(cacheRoot(), name, hash.digest('hex').slice(0, 16));
  const binary = join(dir, name);
  if (existsSync(binary)) {
    return binary;
  }
  mkdirSync(dir, { recursive: true });
  const partial = `${binary}.${process.pid}.partial`;
  try {
    await promisify(execFile)('nice', ['-n', '10', 'go', 'build', '-mod=readonly', '-o', partial, '.'], {
      cwd: sourceDir,
      env: { ...process.env, CGO_ENABLED: '0' },
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new GoBuildError(
      `cannot build ${name} from ${sourceDir} (needs Go and the Go module proxy): ${e.stderr?.trim() || e.message}`
    );
  }
  // Two concurrent builds both succeed; the rename makes whichever lands last the cached binary, never a torn one.
  renameSync(partial, binary);
  return binary;
}
