import {
  INSTRUMENTATION_ATTRIBUTE_KEYS,
  type Trace,
  buildTrace,
  compareAttributes,
  compileRedaction,
  keyGlobs,
  twoProportionZ,
} from '.';
import { REGIONS, failingCheckouts, healthyCheckouts, recordTrace, regionalCheckout, toTempoJson } from './fixtures';

const build = (traces: readonly unknown[]): Trace[] => traces.map((t) => buildTrace(t));
const redactor = compileRedaction();
const STATUS = { scope: 'intrinsic', key: 'status' } as const;

describe('compareAttributes: planted value with decoys', () => {
  const selection = build(failingCheckouts());
  const baseline = build(healthyCheckouts());
  const result = compareAttributes(selection, baseline, { redactor, ignore: [STATUS] });
  const rankedNames = result.ranked.map((r) => `${r.attribute.scope}.${r.attribute.key}=${String(r.value)}`);

  it('ranks the value every failing trace shares first, with its counts and shares per trace', () => {
    expect(result.unit).toBe('trace');
    expect(result.selection).toEqual({ traces: 12, units: 12 });
    expect(result.baseline).toEqual({ traces: 48, units: 48 });
    expect(result.ranked[0]).toMatchObject({
      attribute: { scope: 'resource', key: 'cloud.region' },
      value: 'eu-west',
      selection: { count: 12, share: 1 },
      baseline: { count: 12, share: 0.25 },
      difference: 0.75,
    });
    expect(result.ranked[0]!.z).toBeCloseTo(twoProportionZ(12, 12, 12, 48), 10);
  });

  it('does not rank a value as common in the baseline as in the selection', () => {
    expect(rankedNames.filter((n) => n.includes('deployment.environment.name'))).toEqual([]);
  });

  it('does not rank a value seen in only two selected traces, however rare in the baseline', () => {
    expect(rankedNames.filter((n) => n.includes('feature.flag'))).toEqual([]);
  });

  it('collapses a per-trace id into a high-cardinality note instead of ranking its values', () => {
    expect(rankedNames.filter((n) => n.includes('request.id'))).toEqual([]);
    expect(result.highCardinality).toEqual([
      { attribute: { scope: 'span', key: 'request.id' }, distinctValues: 60, capped: false },
    ]);
  });

  it('reports that redacted attributes differ without ever showing their values', () => {
    expect(result.redacted).toEqual([
      { scope: 'span', key: 'session.id' },
      { scope: 'span', key: 'user.email' },
    ]);
    const shown = JSON.stringify(result);
    for (const secret of ['sess-vip-0042', 'vip.customer@example.com', 'sess-', 'example.org']) {
      expect(shown).not.toContain(secret);
    }
  });

  it('ranks the attribute that defines the selection (status) unless told to ignore it', () => {
    const unfiltered = compareAttributes(selection, baseline, { redactor });
    expect(unfiltered.ranked[0]).toMatchObject({ attribute: STATUS, value: 'error', difference: 1 });
    expect(result.ranked.some((r) => r.attribute.key === 'status')).toBe(false);
  });

  it('counts spans instead of traces when asked, and the planted value still ranks first', () => {
    const perSpan = compareAttributes(selection, baseline, { redactor, ignore: [STATUS], unit: 'span' });
    const spansPerTrace = selection[0]!.spans.length;
    expect(perSpan.unit).toBe('span');
    expect(perSpan.selection).toEqual({ traces: 12, units: 12 * spansPerTrace });
    // Payments holds the server span of /payments and the client span of /score.
    const paymentsSpans = selection[0]!.spans.filter((s) => s.service === 'payments').length;
    expect(perSpan.ranked[0]).toMatchObject({
      attribute: { scope: 'resource', key: 'cloud.region' },
      value: 'eu-west',
      selection: { count: 12 * paymentsSpans, share: paymentsSpans / spansPerTrace },
      baseline: { count: 12 * paymentsSpans },
    });
  });

  it('gives the same comparison for Tempo JSON (base64 ids, string enums) as for OTLP JSON', () => {
    const fromTempo = compareAttributes(
      build(failingCheckouts().map((t) => toTempoJson(t))),
      build(healthyCheckouts().map((t) => toTempoJson(t))),
      { redactor, ignore: [STATUS] }
    );
    expect(fromTempo).toEqual(result);
  });
});

describe('compareAttributes: guards and edges', () => {
  it('finds nothing when selection and baseline are alike', () => {
    const a = build(healthyCheckouts().slice(0, 24));
    const b = build(healthyCheckouts().slice(24));
    expect(compareAttributes(a, b, { redactor }).ranked).toEqual([]);
  });

  it('ranks nothing without a baseline, but still counts the selection', () => {
    const result = compareAttributes(build(failingCheckouts()), [], { redactor });
    expect(result.ranked).toEqual([]);
    expect(result.baseline).toEqual({ traces: 0, units: 0 });
    expect(result.selection.units).toBe(12);
  });

  it('ranks nothing seen in only two selected traces, even in all of them and never in the baseline', () => {
    const two = build(failingCheckouts().slice(0, 2));
    expect(twoProportionZ(2, 2, 0, 48)).toBeGreaterThan(3); // the z test alone would let it through
    const result = compareAttributes(two, build(healthyCheckouts()), { redactor, ignore: [STATUS] });
    expect(result.ranked).toEqual([]);
    const lowered = compareAttributes(two, build(healthyCheckouts()), { redactor, ignore: [STATUS], minSupport: 2 });
    // eu-west (2 of 2 against 12 of 48) is not significant with two traces: z ≈ 2.3.
    expect(lowered.ranked.map((r) => r.value)).toEqual(['beta-checkout']);
  });

  it('counts only the spans asked for, and traces without such spans not at all', () => {
    const onlyFraud = compareAttributes(build(failingCheckouts()), build(healthyCheckouts()), {
      spans: (span) => span.service === 'fraud',
      ignore: [STATUS],
    });
    // Fraud's resource has no region: nothing distinguishes the fraud spans of failing checkouts.
    expect(onlyFraud.ranked).toEqual([]);
    expect(onlyFraud.selection).toEqual({ traces: 12, units: 12 });
    const none = compareAttributes(build(failingCheckouts()), build(healthyCheckouts()), { spans: () => false });
    expect(none.selection).toEqual({ traces: 0, units: 0 });
  });

  it('buckets trace durations on a 1-2-5 scale and ranks the bucket the slow traces fall in', () => {
    const slow = (seed: number) =>
      recordTrace({ service: 'gateway', name: 'GET /', kind: 'server', at: 0, duration: 700 }, { seed });
    const fast = (seed: number) =>
      recordTrace({ service: 'gateway', name: 'GET /', kind: 'server', at: 0, duration: 30 }, { seed });
    const result = compareAttributes(
      build(Array.from({ length: 10 }, (_, i) => slow(i + 1))),
      build(Array.from({ length: 30 }, (_, i) => fast(i + 100)))
    );
    expect(result.ranked).toEqual([
      expect.objectContaining({
        attribute: { scope: 'intrinsic', key: 'traceDuration' },
        value: 500,
        bucket: { minMs: 500, maxMs: 1000 },
        selection: { count: 10, share: 1 },
        baseline: { count: 0, share: 0 },
      }),
    ]);
  });

  it('hides a card number recorded as a number, and a span name carrying an e-mail', () => {
    const card = 4111111111111111;
    const traces = (seed: number, value: number, name: string) =>
      Array.from({ length: 10 }, (_, i) =>
        recordTrace(
          { service: 'shop', name, kind: 'server', at: 0, duration: 10, attributes: { 'payment.card': value } },
          { seed: seed + i }
        )
      );
    const result = compareAttributes(
      build(traces(1, card, 'notify jane@example.com')),
      build(traces(100, 42, 'notify')),
      { redactor }
    );
    expect(result.ranked).toEqual([]);
    expect(result.redacted).toEqual([
      { scope: 'intrinsic', key: 'name' },
      { scope: 'span', key: 'payment.card' },
    ]);
    expect(JSON.stringify(result)).not.toMatch(/4111|jane/);
  });

  it('computes the pooled two-proportion z statistic', () => {
    // 30/100 against 10/100: pooled 0.2, standard error √(0.2 · 0.8 · 0.02).
    expect(twoProportionZ(30, 100, 10, 100)).toBeCloseTo(0.2 / Math.sqrt(0.0032), 10);
    expect(twoProportionZ(5, 5, 5, 5)).toBe(0);
    expect(twoProportionZ(1, 0, 1, 10)).toBe(0);
  });
});

describe('compareAttributes: what is left out and what is said about it', () => {
  const selection = build(failingCheckouts());

  it('says a redacted key differs even when its values elsewhere are too many to compare', () => {
    // Every normal checkout has its own session: the key is near-unique, but the failing ones share one.
    const baseline = build(
      REGIONS.flatMap((region, r) =>
        Array.from({ length: 12 }, (_, i) =>
          regionalCheckout({ seed: 300 + r * 12 + i, region, session: `sess-${r}-${i}`, email: 'a@example.org' })
        )
      )
    );
    const result = compareAttributes(selection, baseline, { redactor, ignore: [STATUS] });
    expect(result.redacted).toContainEqual({ scope: 'span', key: 'session.id' });
    expect(result.highCardinality.map((n) => n.attribute.key)).not.toContain('session.id');
    expect(JSON.stringify(result)).not.toContain('sess-vip-0042');
  });

  it('leaves out the attribute keys matching the ignored globs', () => {
    // The root span of each trace records its sampler and peer, as Jaeger's SDKs do.
    const instrumented = (traces: ReturnType<typeof failingCheckouts>, sampler: string) =>
      build(
        traces.map((trace) => {
          const copy = JSON.parse(JSON.stringify(trace)) as typeof trace;
          const spans = copy.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
          const root = spans.find((span) => !span.parentSpanId) as unknown as { attributes?: readonly unknown[] };
          root.attributes = [
            ...(root.attributes ?? []),
            { key: 'jaeger.sampler.type', value: { stringValue: sampler } },
            { key: 'net.peer.name', value: { stringValue: `${sampler}.local` } },
          ];
          return copy;
        })
      );
    const withSampler = instrumented(failingCheckouts(), 'probabilistic');
    const others = instrumented(healthyCheckouts(), 'const');
    const keys = (ignoreKeys: readonly string[]) =>
      compareAttributes(withSampler, others, { ignore: [STATUS], ignoreKeys }).ranked.map((r) => r.attribute.key);
    expect(keys([])).toEqual(expect.arrayContaining(['jaeger.sampler.type', 'net.peer.name']));
    const left = keys(INSTRUMENTATION_ATTRIBUTE_KEYS);
    expect(left).not.toContain('jaeger.sampler.type');
    expect(left).not.toContain('net.peer.name');
    expect(left).toContain('cloud.region');
  });

  it('matches a glob on whole keys, `*` for any characters, and nothing else as a pattern', () => {
    const ignored = keyGlobs(['telemetry.sdk.*', 'server.port', 'a+b']);
    expect(['telemetry.sdk.language', 'server.port', 'a+b'].map(ignored)).toEqual([true, true, true]);
    expect(['telemetry.sdkX', 'xserver.port', 'server.portal', 'aab', 'http.route'].map(ignored)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('says how many values stood out beyond the listed ones', () => {
    const all = compareAttributes(selection, build(healthyCheckouts()), { ignore: [STATUS] });
    const top = compareAttributes(selection, build(healthyCheckouts()), { ignore: [STATUS], limit: 1 });
    expect(all.ranked.length).toBeGreaterThan(1);
    expect(top.ranked).toEqual(all.ranked.slice(0, 1));
    expect(top.unlisted).toBe(all.ranked.length - 1);
    expect(all.unlisted).toBe(0);
  });
});
