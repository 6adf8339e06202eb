/**
 * The Jaeger remote-sampling response the controller serves on `/sampling` and `/api/sampling`.
 * Field names and enum spellings follow Jaeger's `api_v2.SamplingStrategyResponse` as rendered by jsonpb,
 * which is the only shape both the JS (`@opentelemetry/sampler-jaeger-remote`) and Go
 * (`go.opentelemetry.io/contrib/samplers/jaegerremote`) clients accept: the JS client compares
 * `strategyType` to the string `PROBABILISTIC`, and the Go client parses with gogo jsonpb, which rejects unknown fields.
 */
import { z } from 'zod';

const ProbabilisticSamplingSchema = z.object({ samplingRate: z.number().min(0).max(1) }).strict();

export const OperationSamplingStrategySchema = z
  .object({ operation: z.string(), probabilisticSampling: ProbabilisticSamplingSchema })
  .strict();

const PerOperationSamplingSchema = z
  .object({
    defaultSamplingProbability: z.number().min(0).max(1),
    defaultLowerBoundTracesPerSecond: z.number().min(0),
    perOperationStrategies: z.array(OperationSamplingStrategySchema),
  })
  .strict();

export const SamplingStrategyResponseSchema = z
  .object({
    strategyType: z.enum(['PROBABILISTIC', 'RATE_LIMITING']),
    probabilisticSampling: ProbabilisticSamplingSchema.optional(),
    rateLimitingSampling: z
      .object({ maxTracesPerSecond: z.number().int().min(0) })
      .strict()
      .optional(),
    operationSampling: PerOperationSamplingSchema.optional(),
  })
  .strict();

export type SamplingStrategyResponse = z.infer<typeof SamplingStrategyResponseSchema>;
export type OperationSamplingStrategy = z.infer<typeof OperationSamplingStrategySchema>;
