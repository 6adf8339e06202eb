/**
 * The sampling history of one service: the probability its samplers were given at each moment of a range,
 * service-wide and per operation, rebuilt from the spikes (override records) in effect during the range and the
 * strategies file in use now — with the same resolution (`resolveStrategy`) the sampling endpoint serves, so the
 * history says what samplers were actually told. An override's record holds its whole life: it took effect at
 * `createdAt` and stopped at the earlier of `revokedAt` (a revert, its alert's resolution, its goal) and
 * `expiresAt` (after every extension), which is exactly when the endpoint stopped serving it.
 */
import {
  type HistorySpike,
  MAX_HISTORY_SEGMENTS,
  MAX_HISTORY_SPIKES,
  type SamplingHistory,
  type SamplingSegment,
  type SpikeEnd,
  type StrategySource,
} from '../contract';
import { toApiOverride } from './overrides';
import type { OverrideRecord } from './storage';
import { type ResolvedStrategy, resolveStrategy } from './strategy';
import type { BaseStrategies } from './strategiesFile';
import { ALERT_ACTOR } from './alertSpikes';

const iso = (ms: number) => new Date(ms).toISOString();

/** When an override stopped being served (or will, if nothing ends it sooner). */
const endOf = (o: OverrideRecord) => Math.min(o.expiresAt, o.revokedAt ?? Number.POSITIVE_INFINITY);

function spikeEnd(o: OverrideRecord, now: number): SpikeEnd | undefined {
  if (o.goalReachedAt !== null) {
    return {
      at: iso(o.goalReachedAt),
      how: 'goal-reached',
      ...(o.tracesSeen === null ? {} : { traces: o.tracesSeen }),
    };
  }
  if (o.revokedAt !== null) {
    return {
      at: iso(o.revokedAt),
      how: o.revokedBy === ALERT_ACTOR ? 'alert-resolved' : 'reverted',
      ...(o.revokedBy === null ? {} : { by: o.revokedBy }),
    };
  }
  return o.expiresAt <= now ? { at: iso(o.expiresAt), how: 'expired' } : undefined;
}

type Piece = Pick<SamplingSegment, 'samplingRate' | 'maxTracesPerSecond' | 'source'>;

const samePiece = (a: Piece, b: Piece) =>
  a.samplingRate === b.samplingRate && a.maxTracesPerSecond === b.maxTracesPerSecond && sameSource(a.source, b.source);

const sameSource = (a: StrategySource, b: StrategySource) => a.kind === b.kind && a.overrideId === b.overrideId;

function servicePiece(r: ResolvedStrategy): Piece {
  return {
    ...(r.samplingRate === undefined ? {} : { samplingRate: r.samplingRate }),
    ...(r.maxTracesPerSecond === undefined ? {} : { maxTracesPerSecond: r.maxTracesPerSecond }),
    source: r.source,
  };
}

/** Segments under construction: end times stay numbers until the answer is written. */
class Timeline {
  readonly pieces: Array<{ from: number; to: number; piece: Piece }> = [];

  /** Adds [from, to) with `piece`; returns how many segments that added (0 when it extended the last). */
  add(from: number, to: number, piece: Piece): number {
    const last = this.pieces[this.pieces.length - 1];
    if (last && last.to === from && samePiece(last.piece, piece)) {
      last.to = to;
      return 0;
    }
    this.pieces.push({ from, to, piece });
    return 1;
  }

  segments(): SamplingSegment[] {
    return this.pieces.map(({ from, to, piece }) => ({ from: iso(from), to: iso(to), ...piece }));
  }
}

export interface HistoryInput {
  service: string;
  from: number;
  to: number;
  now: number;
  base: BaseStrategies;
  strategiesLoadedAt: number;
  /** The service's overrides in effect during [from, to), oldest first: up to MAX_HISTORY_SPIKES + 1 of them. */
  overrides: OverrideRecord[];
}

export function samplingHistory(input: HistoryInput): SamplingHistory {
  const { service, from, base, now } = input;
  let to = input.to;
  let complete = true;
  const overrides = input.overrides.slice(0, MAX_HISTORY_SPIKES);
  const leftOut = input.overrides[MAX_HISTORY_SPIKES];
  if (leftOut) {
    // Every override that took effect before the first one left out is here, so the answer is exact up to it.
    to = Math.max(from, Math.min(to, leftOut.createdAt));
    complete = false;
  }

  const breaks = new Set([from, to]);
  for (const o of overrides) {
    for (const t of [o.createdAt, endOf(o)]) {
      if (t > from && t < to) {
        breaks.add(t);
      }
    }
  }
  const times = [...breaks].sort((a, b) => a - b);

  const serviceLine = new Timeline();
  const operationLines = new Map<string, Timeline>();
  let segmentCount = 0;
  for (let i = 0; i + 1 < times.length; i++) {
    const [start, end] = [times[i]!, times[i + 1]!];
    const inEffect = overrides.filter((o) => o.createdAt <= start && endOf(o) > start);
    const resolved = resolveStrategy(service, base, inEffect);
    const whole = servicePiece(resolved);
    let added = serviceLine.add(start, end, whole);
    const own = new Map(resolved.operations.map((op) => [op.operation, op]));
    const firstSeen: string[] = [];
    for (const name of own.keys()) {
      if (!operationLines.has(name)) {
        firstSeen.push(name);
        // An operation first spiked now had the service-wide rate until then.
        const line = new Timeline();
        for (const p of serviceLine.pieces) {
          if (p.from < start) {
            added += line.add(p.from, Math.min(p.to, start), p.piece);
          }
        }
        operationLines.set(name, line);
      }
    }
    for (const [name, line] of operationLines) {
      const op = own.get(name);
      added += line.add(start, end, op ? { samplingRate: op.samplingRate, source: op.source } : whole);
    }
    if (segmentCount + added > MAX_HISTORY_SEGMENTS && i > 0) {
      // Drop this piece everywhere and end the answer where it began.
      firstSeen.forEach((name) => operationLines.delete(name));
      truncateAt(start, [serviceLine, ...operationLines.values()]);
      to = start;
      complete = false;
      break;
    }
    segmentCount += added;
  }

  const spikes: HistorySpike[] = overrides
    .filter((o) => o.createdAt < to)
    .map((o) => {
      const ended = spikeEnd(o, now);
      return { override: toApiOverride(o, now), ...(ended ? { ended } : {}) };
    });
  return {
    service,
    from: iso(from),
    to: iso(to),
    complete,
    strategiesLoadedAt: iso(input.strategiesLoadedAt),
    segments: serviceLine.segments(),
    operations: [...operationLines]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([operation, line]) => ({ operation, segments: line.segments() })),
    spikes,
  };
}

function truncateAt(t: number, lines: Timeline[]): void {
  for (const line of lines) {
    while (line.pieces.length > 0 && line.pieces[line.pieces.length - 1]!.from >= t) {
      line.pieces.pop();
    }
    const last = line.pieces[line.pieces.length - 1];
    if (last && last.to > t) {
      last.to = t;
    }
  }
}
