/**
 * Marks the root spans a service samples the way the Go and Java Jaeger remote samplers do — `jaeger.sampler.type`
 * and `jaeger.sampler.param` (the probability) — which the JS sampler (`@opentelemetry/sampler-jaeger-remote`
 * 0.222) leaves out. Span metrics keep the two as dimensions, so the traces a service started can be told from its
 * spans in traces started upstream: the controller's trace goals and the spike check count them, and a rate of them
 * divided by the probability is the rate of requests (docs/backends.md).
 */
import { type Attributes, type Context, type Link, type SpanKind, isSpanContextValid, trace } from '@opentelemetry/api';
import type { JaegerRemoteSampler } from '@opentelemetry/sampler-jaeger-remote';
import { type Sampler, SamplingDecision, type SamplingResult } from '@opentelemetry/sdk-trace-node';

/** The attribute names of the Go sampler (`go.opentelemetry.io/contrib/samplers/jaegerremote`). */
export const SAMPLER_TYPE = 'jaeger.sampler.type';
export const SAMPLER_PARAM = 'jaeger.sampler.param';

interface RatioSampler {
  _ratio?: unknown;
  getSamplerForOperation?: (spanName: string) => RatioSampler;
}

/**
 * The probability the JS sampler applies to a root span of `spanName` now. The library keeps its current strategy
 * private (`_sampler`: ParentBased over TraceIdRatioBased or a PerOperationSampler), so this reads those fields;
 * `rootSamplingAttributes.test.ts` fails if an upgrade moves them, and the span then carries only the type.
 */
function currentRate(remote: JaegerRemoteSampler, spanName: string): number | undefined {
  const parentBased = (remote as unknown as { _sampler?: { _root?: RatioSampler } })._sampler;
  const root = parentBased?._root;
  const ratio = (root?.getSamplerForOperation?.(spanName) ?? root)?._ratio;
  return typeof ratio === 'number' ? ratio : undefined;
}

export class RootSamplingAttributes implements Sampler {
  constructor(private readonly remote: JaegerRemoteSampler) {}

  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[]
  ): SamplingResult {
    const result = this.remote.shouldSample(context, traceId, spanName, spanKind, attributes, links);
    const parent = trace.getSpanContext(context);
    if (result.decision !== SamplingDecision.RECORD_AND_SAMPLED || (parent && isSpanContextValid(parent))) {
      return result;
    }
    const rate = currentRate(this.remote, spanName);
    return {
      ...result,
      attributes: {
        ...result.attributes,
        [SAMPLER_TYPE]: 'probabilistic',
        ...(rate === undefined ? {} : { [SAMPLER_PARAM]: rate }),
      },
    };
  }

  toString(): string {
    return `RootSamplingAttributes{${this.remote.toString()}}`;
  }
}
