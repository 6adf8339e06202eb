/**
 * The sampling history (`GET /api/v1/sampling/history`): which probability a service, and each of its operations,
 * was sampled at over a time range, piece by piece, and the spikes that made the pieces — so a rate measured from
 * sampled spans can be corrected, and spikes shown where rates are. Browser-safe: imports nothing but zod.
 */
import { z } from 'zod';
import { OverrideSchema, ServiceNameSchema, StrategySourceSchema, epochMs } from './admin';

/** Longest range one request may ask for: 31 days. */
const MAX_HISTORY_RANGE_MS = 31 * 24 * 60 * 60 * 1000;
/** At most this many spikes are read for one answer; a range holding more is answered up to the first left out. */
export const MAX_HISTORY_SPIKES = 200;
/** At most this many segments (service-wide and per operation together) in one answer; the range is cut before more. */
export const MAX_HISTORY_SEGMENTS = 2000;

export const SamplingHistoryQuerySchema = z
  .object({
    service: ServiceNameSchema,
    /** Start of the range, epoch milliseconds (as Grafana's time range). */
    from: epochMs(`from`),
    /** End of the range, epoch milliseconds; after `from`, at most 31 days later. */
    to: epochMs(`to`),
  })
  .strict()
  .superRefine((q, ctx) => {
    if (q.to <= q.from) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must be later than from, the start of the range' });
    } else if (q.to - q.from > MAX_HISTORY_RANGE_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `the range may span at most ${MAX_HISTORY_RANGE_MS / 86_400_000} days; ask for a shorter one`,
      });
    }
  });

/** One piece of constant sampling: from (inclusive) to (exclusive). */
export const SamplingSegmentSchema = z.object({
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  /** Probability of keeping a trace started here; absent while the service is rate limited (no fixed probability). */
  samplingRate: z.number().optional(),
  /** Set while the service is rate limited (the strategies file's `ratelimiting`). */
  maxTracesPerSecond: z.number().optional(),
  source: StrategySourceSchema,
});

/** How a spike ended: ran out, reverted by a person, ended by its trace goal, or by its alert's resolution. */
export const SpikeEndSchema = z.object({
  at: z.iso.datetime(),
  how: z.enum(['expired', 'reverted', 'goal-reached', 'alert-resolved']),
  /** Who reverted it (for `reverted` and `alert-resolved`). */
  by: z.string().optional(),
  /** The count that ended it (for `goal-reached`). */
  traces: z.number().int().optional(),
});

export const HistorySpikeSchema = z.object({
  override: OverrideSchema,
  /** Absent while it runs. */
  ended: SpikeEndSchema.optional(),
});

export const SamplingHistorySchema = z.object({
  service: z.string(),
  from: z.iso.datetime(),
  /** Where the answer ends: the `to` asked for, or earlier when `complete` is false. */
  to: z.iso.datetime(),
  /** False when the range held more spikes or segments than one answer carries; ask again from `to`. */
  complete: z.boolean(),
  /**
   * When the strategies file in use was loaded. Its earlier contents are not kept, so the base rates of the whole
   * range are the ones in use now: a reload within the range is not reflected before it.
   */
  strategiesLoadedAt: z.iso.datetime(),
  /** The service-wide sampling over the range, in time order, adjacent equal pieces merged. */
  segments: z.array(SamplingSegmentSchema),
  /** Operations with their own rate (in the strategies file or spiked), each over the range. */
  operations: z.array(
    z.object({
      operation: z.string(),
      /** Where the operation has no rate of its own, the service-wide piece. */
      segments: z.array(SamplingSegmentSchema),
    })
  ),
  /** The spikes of the service active at some time in the range, oldest first. */
  spikes: z.array(HistorySpikeSchema),
});

export type SamplingSegment = z.infer<typeof SamplingSegmentSchema>;
export type SpikeEnd = z.infer<typeof SpikeEndSchema>;
export type HistorySpike = z.infer<typeof HistorySpikeSchema>;
export type SamplingHistory = z.infer<typeof SamplingHistorySchema>;
