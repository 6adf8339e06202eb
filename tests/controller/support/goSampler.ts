/**
 * Builds and drives tests/controller/go-sampler (the real Go Jaeger remote sampler). The binary is built once per
 * change of its sources and cached outside the repository (e2e/stack/goProgram.ts).
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { buildGoProgram } from '../../../e2e/stack/goProgram';

const SOURCE_DIR = join(__dirname, '..', 'go-sampler');

export function buildGoSampler(): Promise<string> {
  return buildGoProgram(SOURCE_DIR, 'go-sampler');
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
