/**
 * What every benchmark needs to report a figure that can be trusted on a shared machine: the median over
 * rounds with its spread (interquartile range and full range), a forced full GC between rounds, and the
 * machine's load when the figures were taken.
 */
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface Spread {
  readonly median: number;
  readonly p25: number;
  readonly p75: number;
  readonly min: number;
  readonly max: number;
}

/** Quantile by linear interpolation between the two nearest ranks. */
function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) {
    throw new Error('no values to summarise');
  }
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: quantile(sorted, 0.5),
    p25: quantile(sorted, 0.25),
    p75: quantile(sorted, 0.75),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
  };
}

/** `1.23 (IQR 1.20–1.25, range 1.10–1.40)` with `digits` decimals. */
export function formatSpread(s: Spread, digits = 2, unit = ''): string {
  const f = (v: number) =>
    v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) + unit;
  return `${f(s.median)} (IQR ${f(s.p25)}–${f(s.p75)}, range ${f(s.min)}–${f(s.max)})`;
}

type Gc = (options?: { type: 'minor' | 'major'; execution: 'sync' | 'async' }) => void;

const gc: Gc = (() => {
  const exposed = (globalThis as { gc?: Gc }).gc;
  if (exposed) {
    return exposed;
  }
  // Started without `--expose-gc` (`npx tsx bench/….ts`): switching the flag on exposes `gc` to new contexts.
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as Gc;
})();

/**
 * Empties the young generation, synchronously, so that every round starts with the same free nursery and no
 * phase pays for the garbage of the one before. A minor GC, not a full one: a full GC drops the maps of the
 * parsed JSON that optimised code embeds, which deoptimises the analysis ("weak objects" in `--trace-deopt`)
 * and made the first batch after it 3–4× slower than the next.
 */
export function collectGarbage(): void {
  gc({ type: 'minor', execution: 'sync' });
}

/** One line saying how busy the machine was: figures from a loaded machine are noisier. */
export function machineLoad(): string {
  const [one, five] = loadavg();
  return `load average ${one!.toFixed(2)} (1 min), ${five!.toFixed(2)} (5 min) on ${cpus().length} cores`;
}

const SCHEDSTAT = '/proc/thread-self/schedstat';

/**
 * Milliseconds this thread has run on a CPU (Linux: the first field of `/proc/thread-self/schedstat`, in
 * nanoseconds), or undefined where that is not available. On a shared machine the wall clock also counts the time
 * the thread waited for a core, which other people's jobs decide; the time it ran does not depend on them (GC work
 * on V8's helper threads is left out of both phases alike).
 */
export const threadCpuMs: (() => number) | undefined = existsSync(SCHEDSTAT)
  ? () => Number(readFileSync(SCHEDSTAT, 'latin1').split(' ', 1)[0]) / 1e6
  : undefined;
