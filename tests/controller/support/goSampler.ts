/**
 * Builds and drives tests/controller/go-sampler (the real Go Jaeger remote sampler). The binary is cached outside
 * the repository under ~/.cache/tracingops/go-sampler/<hash of go.mod, go.sum, main.go>, so it is built once per
 * change; Go's own build cache makes a rebuild after a small change quick too.
 */
import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

const SOURCE_DIR = join(__dirname, '..', 'go-sampler');

export async function buildGoSampler(): Promise<string> {
  const hash = createHash('sha256');
  for (const f of ['go.mod', 'go.sum', 'main.go']) {
    hash.update(readFileSync(join(SOURCE_DIR, f)));
  }
  const dir = join(
    process.env.TRACINGOPS_CACHE ?? join(homedir(), '.cache', 'tracingops'),
    'go-sampler',
    hash.digest('hex').slice(0, 16)
  );
  const binary = join(dir, 'go-sampler');
  if (!existsSync(binary)) {
    mkdirSync(dir, { recursive: true });
    try {
      await promisify(execFile)('go', ['build', '-mod=readonly', '-o', binary, '.'], {
        cwd: SOURCE_DIR,
        env: { ...process.env, CGO_ENABLED: '0' },
      });
    } catch (err) {
      throw new Error(
        `cannot build the Go sampler test program (needs Go and the Go module proxy): ${(err as Error).message}`
      );
    }
  }
  return binary;
}

export interface GoSampler {
  measure(spanName: string, count: number, seed: number): Promise<number>;
  stop(): Promise<void>;
}

export async function startGoSampler(binary: string, samplingUrl: string, service: string): Promise<GoSampler> {
  const child: ChildProcessWithoutNullStreams = spawn(binary, [samplingUrl, service]);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const nextLine = async () => {
    const { value, done } = await lines.next();
    if (done) {
      throw new Error('the Go sampler exited');
    }
    return value as string;
  };
  if ((await nextLine()) !== 'ready') {
    throw new Error('the Go sampler did not start');
  }
  return {
    async measure(spanName, count, seed) {
      child.stdin.write(`measure ${count} ${seed} ${spanName}\n`);
      const line = await nextLine();
      const m = /^fraction (\S+)$/.exec(line);
      if (!m) {
        throw new Error(`unexpected answer from the Go sampler: ${line}`);
      }
      return Number(m[1]);
    },
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.stdin.end('quit\n');
      }),
  };
}
