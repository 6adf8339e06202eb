import { DataFrameView, type TraceSpanRow } from '@grafana/data';

import { REDACTED, buildTrace, compileRedaction } from '../../../analysis';
import { healthyTrace, plainError, toTempoJson } from '../../../analysis/fixtures';
import { traceFrame } from './traceFrame';

const redactor = compileRedaction();
const TRACE_START = Date.UTC(2025, 0, 1);

function rows(input: unknown): TraceSpanRow[] {
  return new DataFrameView<TraceSpanRow>(traceFrame(buildTrace(input), redactor)).toArray().map((row) => ({ ...row }));
}

function row(all: TraceSpanRow[], service: string, operation: string, kind?: string): TraceSpanRow {
  const found = all.find(
    (r) => r.serviceName === service && r.operationName === operation && (!kind || r.kind === kind)
  );
  if (!found) {
    throw new Error(`no span ${service} ${operation} ${kind ?? ''}`);
  }
  return found;
}

describe('traceFrame', () => {
  it('is a trace frame with the fields the traces panel reads', () => {
    const frame = traceFrame(buildTrace(healthyTrace()), redactor);

    expect(frame.meta?.preferredVisualisationType).toBe('trace');
    expect(frame.fields.map((f) => [f.name, f.type])).toEqual([
      ['traceID', 'string'],
      ['spanID', 'string'],
      ['parentSpanID', 'string'],
      ['operationName', 'string'],
      ['serviceName', 'string'],
      ['kind', 'string'],
      ['statusCode', 'number'],
      ['statusMessage', 'string'],
      ['serviceTags', 'other'],
      ['startTime', 'number'],
      ['duration', 'number'],
      ['logs', 'other'],
      ['references', 'other'],
      ['tags', 'other'],
      ['warnings', 'other'],
    ]);
    expect(frame.length).toBe(buildTrace(healthyTrace()).spans.length);
  });

  it('links each span to its parent by hex id, and leaves the root without a parent', () => {
    const spans = rows(healthyTrace());
    const root = row(spans, 'gateway', 'GET /checkout');
    const charge = row(spans, 'gateway', 'POST /charge', 'client');
    const chargeServer = row(spans, 'payments', 'POST /charge', 'server');

    expect(root.parentSpanID).toBeUndefined();
    expect(charge.parentSpanID).toBe(root.spanID);
    expect(chargeServer.parentSpanID).toBe(charge.spanID);
    expect(root.traceID).toMatch(/^[0-9a-f]{32}$/);
    expect(spans.every((s) => /^[0-9a-f]{16}$/.test(s.spanID) && s.traceID === root.traceID)).toBe(true);
  });

  it('gives start times as Unix milliseconds and durations in milliseconds', () => {
    const frame = traceFrame(buildTrace(healthyTrace()), redactor);
    const spans = rows(healthyTrace());

    expect(row(spans, 'gateway', 'GET /checkout')).toMatchObject({ startTime: TRACE_START, duration: 120 });
    expect(row(spans, 'gateway', 'POST /charge', 'client')).toMatchObject({
      startTime: TRACE_START + 30,
      duration: 80,
    });
    expect(frame.fields.find((f) => f.name === 'duration')?.config.unit).toBe('ms');
  });

  it('keeps resource attributes as service tags and span attributes as tags, both redacted', () => {
    const chargeServer = row(rows(healthyTrace()), 'payments', 'POST /charge', 'server');

    expect(chargeServer.serviceTags).toContainEqual({ key: 'service.name', value: 'payments' });
    expect(chargeServer.tags).toContainEqual({ key: 'http.route', value: '/charge' });
    expect(chargeServer.tags).toContainEqual({ key: 'user.email', value: REDACTED });
    expect(chargeServer.tags?.some((t) => t.key === 'service.name')).toBe(false);
    expect(JSON.stringify(chargeServer)).not.toContain('jane@example.com');
  });

  it('marks failed spans with OTLP status code 2 and their redacted message', () => {
    const spans = rows(plainError());
    const query = row(spans, 'payments', 'db.query');

    expect(query).toMatchObject({ statusCode: 2, statusMessage: 'deadlock detected', kind: 'client' });
    expect(row(spans, 'auth', 'SELECT users').statusCode).toBe(0);
  });

  it('builds the same frame from Tempo JSON with base64 ids and string enums', () => {
    const otlp = plainError();
    expect(rows(toTempoJson(otlp))).toEqual(rows(otlp));
  });
});
