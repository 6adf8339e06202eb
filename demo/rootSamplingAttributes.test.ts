/**
 * The demo's JS services mark the root spans they sample with the rate, as the Go sampler does, reading the real
 * JS Jaeger remote sampler's current strategy from a sampling endpoint over HTTP; spans of traces started upstream
 * and dropped spans carry nothing. Also what the JS sampler cannot do: it writes no sampling threshold (`ot=th:…`)
 * into the trace state.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { JaegerRemoteSampler } from '@opentelemetry/sampler-jaeger-remote';
import { AlwaysOffSampler, SamplingDecision } from '@opentelemetry/sdk-trace-node';
import { RootSamplingAttributes, SAMPLER_PARAM, SAMPLER_TYPE } from './rootSamplingAttributes';

// The JS sampler decides on the trace id's bits: this one is sampled at any rate above 0, the other below 1 never.
const KEPT = '00000000000000000000000000000001';
const DROPPED = 'ffffffff000000000000000000000000';

const STRATEGY = {
  strategyType: 'PROBABILISTIC',
  probabilisticSampling: { samplingRate: 0.5 },
  operationSampling: {
    defaultSamplingProbability: 0.5,
    defaultLowerBoundTracesPerSecond: 0,
    perOperationStrategies: [{ operation: 'POST /charge', probabilisticSampling: { samplingRate: 0.25 } }],
  },
};

describe('root spans marked with the rate they were sampled at', () => {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(STRATEGY));
  });
  let sampler: RootSamplingAttributes;
  let remote: JaegerRemoteSampler;
  let pollTimer: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    // The sampler starts a setInterval it never clears; capture it so the test can stop it.
    const spy = jest.spyOn(global, 'setInterval');
    remote = new JaegerRemoteSampler({
      endpoint: `http://127.0.0.1:${port}`,
      serviceName: 'payments',
      poolingInterval: 20,
      initialSampler: new AlwaysOffSampler(),
    });
    pollTimer = spy.mock.results[0]?.value as NodeJS.Timeout | undefined;
    spy.mockRestore();
    sampler = new RootSamplingAttributes(remote);
    const deadline = Date.now() + 10_000;
    while (!remote.toString().includes('PerOperationSampler') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
  });
  afterAll(async () => {
    clearInterval(pollTimer);
    await new Promise((r) => server.close(r));
  });

  const decide = (traceId: string, spanName: string, parent = ROOT_CONTEXT) =>
    sampler.shouldSample(parent, traceId, spanName, SpanKind.SERVER, {}, []);

  it("writes the type and the operation's rate on a sampled root span", () => {
    expect(decide(KEPT, 'POST /charge')).toMatchObject({
      decision: SamplingDecision.RECORD_AND_SAMPLED,
      attributes: { [SAMPLER_TYPE]: 'probabilistic', [SAMPLER_PARAM]: 0.25 },
    });
    expect(decide(KEPT, 'GET /health').attributes).toEqual({ [SAMPLER_TYPE]: 'probabilistic', [SAMPLER_PARAM]: 0.5 });
  });

  it('writes nothing on a span whose trace started upstream, nor on a dropped root', () => {
    const upstream = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: KEPT,
      spanId: '0000000000000001',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    const child = decide(KEPT, 'POST /charge', upstream);
    expect(child.decision).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(child.attributes).toBeUndefined();
    expect(decide(DROPPED, 'POST /charge')).toEqual({ decision: SamplingDecision.NOT_RECORD });
  });

  it('writes no sampling threshold into the trace state: the JS sampler has none to write', () => {
    expect(decide(KEPT, 'POST /charge').traceState).toBeUndefined();
  });
});
