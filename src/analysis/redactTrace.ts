/**
 * A trace as it may be shown: a copy of the model with every span name, status message and attribute value passed
 * through the redactor, and ids, structure and timing unchanged. The analysis runs on the real trace (grouping by
 * span name must see the real names); views get this copy, so no view can show what the redaction settings hide.
 */
import type { Finding } from './rules';
import { type AttributeValue, type OtlpKeyValue, decodeAnyValue } from './otlp';
import type { Redactor } from './redaction';
import type { CriticalSegment, Span, Trace } from './trace';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** An attribute value back in OTLP/JSON form, for the copy's raw attribute lists. */
function encode(value: AttributeValue): unknown {
  if (typeof value === 'string') {
    return { stringValue: value };
  }
  if (typeof value === 'boolean') {
    return { boolValue: value };
  }
  if (typeof value === 'number') {
    return Number.isInteger(value) ? { intValue: value } : { doubleValue: value };
  }
  if (Array.isArray(value)) {
    return { arrayValue: { values: value.map(encode) } };
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, AttributeValue>);
    return { kvlistValue: { values: entries.map(([key, v]) => ({ key, value: encode(v) })) } };
  }
  return {};
}

function redactAttributes(list: readonly OtlpKeyValue[], redactor: Redactor): OtlpKeyValue[] {
  return list.map((kv) =>
    typeof kv.key === 'string' ? { key: kv.key, value: encode(redactor.value(kv.key, decodeAnyValue(kv.value))) } : kv
  );
}

export function redactTrace(trace: Trace, redactor: Redactor): Trace {
  const copies = new Map<Span, Mutable<Span>>();
  for (const span of trace.spans) {
    copies.set(span, {
      id: span.id,
      parentId: span.parentId,
      name: redactor.text(span.name),
      service: span.service,
      kind: span.kind,
      status: span.status,
      statusMessage: redactor.text(span.statusMessage),
      startMs: span.startMs,
      endMs: span.endMs,
      durationMs: span.durationMs,
      parent: undefined,
      children: [],
      depth: span.depth,
      serviceHops: span.serviceHops,
      selfTimeMs: span.selfTimeMs,
      criticalSelfMs: span.criticalSelfMs,
      rawAttributes: redactAttributes(span.rawAttributes, redactor),
      rawResourceAttributes: redactAttributes(span.rawResourceAttributes, redactor),
    });
  }
  const copyOf = (span: Span): Span => copies.get(span) as Span;
  for (const [span, copy] of copies) {
    copy.parent = span.parent && copyOf(span.parent);
    copy.children = span.children.map(copyOf);
  }
  const byId = new Map([...copies.values()].map((copy) => [copy.id, copy as Span]));
  return {
    traceId: trace.traceId,
    spans: trace.spans.map(copyOf),
    root: trace.root && copyOf(trace.root),
    roots: trace.roots.map(copyOf),
    startUnixMs: trace.startUnixMs,
    durationMs: trace.durationMs,
    services: trace.services,
    criticalPath: trace.criticalPath.map((segment): CriticalSegment => ({
      span: copyOf(segment.span),
      startMs: segment.startMs,
      endMs: segment.endMs,
    })),
    issues: trace.issues,
    spanById: (id) => byId.get(id),
  };
}

/** Findings as they may be shown: their explanations carry span names and values, so they are redacted too. */
export function redactFindings(findings: readonly Finding[], redactor: Redactor): Finding[] {
  return findings.map((finding) => ({ ...finding, explanation: redactor.text(finding.explanation) }));
}
