/**
 * Converts a trace in the Jaeger UI API's JSON (`/api/traces/{id}`: `references`, `processID` into
 * `processes`, typed `tags`, microseconds, `logs`) into spec OTLP/JSON for `buildTrace`, undoing
 * what Jaeger's OTLP→Jaeger translation did: `span.kind`, `otel.status_code`/`error` and
 * `otel.status_description`, `otel.scope.*` and `w3c.tracestate` tags become fields again, logs
 * become events (named by their `event` field), references other than the parent become links, and
 * each process becomes a resource. Older Jaeger (before `/api/v3`) only has this API.
 */
import { TraceFormatError } from './trace';

/** The OTLP/JSON this produces; only the fields `buildTrace` and the tests read are typed. */
export interface OtlpJsonValue {
  readonly stringValue?: string;
  readonly boolValue?: boolean;
  readonly intValue?: string;
  readonly doubleValue?: number;
  readonly bytesValue?: string;
}

export interface OtlpJsonAttribute {
  readonly key: string;
  readonly value: OtlpJsonValue;
}

export interface OtlpJsonSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly traceState?: string;
  readonly name: string;
  readonly kind: number;
  readonly startTimeUnixNano: string;
  readonly endTimeUnixNano: string;
  readonly attributes: OtlpJsonAttribute[];
  readonly events: Array<{ timeUnixNano: string; name: string; attributes: OtlpJsonAttribute[] }>;
  readonly links: Array<{ traceId: string; spanId: string; attributes: OtlpJsonAttribute[] }>;
  readonly status: { code?: number; message?: string };
}

export interface OtlpJsonTrace {
  readonly resourceSpans: Array<{
    resource: { attributes: OtlpJsonAttribute[] };
    scopeSpans: Array<{ scope: { name: string; version?: string }; spans: OtlpJsonSpan[] }>;
  }>;
}

const KIND_BY_TAG: Record<string, number> = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };
const STATUS_UNSET = 0;
const STATUS_OK = 1;
const STATUS_ERROR = 2;
/** Tags Jaeger derived from span fields; they go back into the fields, not the attributes. */
const FIELD_TAGS = new Set([
  'span.kind',
  'error',
  'otel.status_code',
  'otel.status_description',
  'otel.scope.name',
  'otel.scope.version',
  'otel.library.name',
  'otel.library.version',
  'w3c.tracestate',
]);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Jaeger prints a trace id whose high 64 bits are zero with 16 digits; OTLP always has 32. */
function hexId(value: unknown, digits: 16 | 32): string {
  return typeof value === 'string' && /^[0-9a-fA-F]{1,32}$/.test(value)
    ? value.toLowerCase().padStart(digits, '0')
    : '';
}

/** Whole microseconds to a nanosecond decimal string; '' (an invalid span for `buildTrace`) otherwise. */
function microsToNanos(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) {
    return '';
  }
  return value === 0 ? '0' : `${value}000`;
}

function tagValue(tag: Json): OtlpJsonValue {
  const value = tag.value;
  switch (tag.type) {
    case 'bool':
      return { boolValue: value === true || value === 'true' };
    case 'int64':
      return { intValue: String(value) };
    case 'float64':
      return { doubleValue: Number(value) };
    case 'binary':
      return { bytesValue: String(value) };
    default:
      return { stringValue: typeof value === 'string' ? value : JSON.stringify(value) };
  }
}

function attributes(tags: readonly unknown[], skip?: ReadonlySet<string>): OtlpJsonAttribute[] {
  const out: OtlpJsonAttribute[] = [];
  for (const tag of tags) {
    if (isObject(tag) && typeof tag.key === 'string' && !skip?.has(tag.key)) {
      out.push({ key: tag.key, value: tagValue(tag) });
    }
  }
  return out;
}

/** The tags Jaeger derived from span fields, by key. */
function fieldTags(tags: readonly unknown[]): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const tag of tags) {
    if (isObject(tag) && typeof tag.key === 'string' && FIELD_TAGS.has(tag.key)) {
      out.set(tag.key, tag.value);
    }
  }
  return out;
}

/** Like Jaeger's own translator: a true `error` tag wins, then `otel.status_code`. */
function status(fields: Map<string, unknown>): OtlpJsonSpan['status'] {
  const error = fields.get('error');
  const code = text(fields.get('otel.status_code'))?.toUpperCase();
  const message = text(fields.get('otel.status_description'));
  const value =
    error === true || error === 'true'
      ? STATUS_ERROR
      : code === 'ERROR'
        ? STATUS_ERROR
        : code === 'OK'
          ? STATUS_OK
          : STATUS_UNSET;
  return value === STATUS_UNSET ? {} : message ? { code: value, message } : { code: value };
}

function events(logs: readonly unknown[]): OtlpJsonSpan['events'] {
  return logs.filter(isObject).map((log) => {
    const fields = list(log.fields);
    const name = fields.find((f) => isObject(f) && f.key === 'event') as Json | undefined;
    return {
      timeUnixNano: microsToNanos(Number(log.timestamp)),
      name: text(name?.value) ?? '',
      attributes: attributes(fields, EVENT_NAME),
    };
  });
}
const EVENT_NAME = new Set(['event']);

/**
 * The parent is the first same-trace CHILD_OF reference (what Jaeger's `ParentSpanID` picks); every
 * other reference is a link. Jaeger's UI API drops link attributes, so links have none.
 */
function parentAndLinks(
  references: readonly unknown[],
  traceId: string
): { parentSpanId?: string; links: OtlpJsonSpan['links'] } {
  let parentSpanId: string | undefined;
  const links: OtlpJsonSpan['links'] = [];
  for (const ref of references.filter(isObject)) {
    const refTraceId = hexId(ref.traceID, 32) || traceId;
    const spanId = hexId(ref.spanID, 16);
    if (parentSpanId === undefined && ref.refType === 'CHILD_OF' && refTraceId === traceId) {
      parentSpanId = spanId;
    } else {
      links.push({ traceId: refTraceId, spanId, attributes: [] });
    }
  }
  return parentSpanId === undefined ? { links } : { parentSpanId, links };
}

function span(raw: Json, traceIdOfTrace: string): { span: OtlpJsonSpan; scope: { name: string; version?: string } } {
  const tags = list(raw.tags);
  const fields = fieldTags(tags);
  const traceId = hexId(raw.traceID, 32) || traceIdOfTrace;
  const start = Number(raw.startTime);
  const { parentSpanId, links } = parentAndLinks(list(raw.references), traceId);
  const traceState = text(fields.get('w3c.tracestate'));
  const scopeName = text(fields.get('otel.scope.name') ?? fields.get('otel.library.name')) ?? '';
  const scopeVersion = text(fields.get('otel.scope.version') ?? fields.get('otel.library.version'));
  return {
    scope: scopeVersion === undefined ? { name: scopeName } : { name: scopeName, version: scopeVersion },
    span: {
      traceId,
      spanId: hexId(raw.spanID, 16),
      ...(parentSpanId === undefined ? {} : { parentSpanId }),
      ...(traceState === undefined ? {} : { traceState }),
      name: text(raw.operationName) ?? '',
      kind: KIND_BY_TAG[text(fields.get('span.kind')) ?? ''] ?? 0,
      startTimeUnixNano: microsToNanos(start),
      endTimeUnixNano: microsToNanos(start + Number(raw.duration)),
      attributes: attributes(tags, FIELD_TAGS),
      events: events(list(raw.logs)),
      links,
      status: status(fields),
    },
  };
}

/**
 * One trace of the UI API (an element of its `data` array) as OTLP/JSON: one resource per process
 * (the service name becomes `service.name`), one scope per instrumentation scope.
 */
export function jaegerUiTraceToOtlp(input: unknown): OtlpJsonTrace {
  if (!isObject(input) || !Array.isArray(input.spans)) {
    throw new TraceFormatError('a Jaeger trace must be an object with a `spans` array');
  }
  const processes = isObject(input.processes) ? input.processes : {};
  const traceId = hexId(input.traceID, 32);
  const resources = new Map<string, OtlpJsonTrace['resourceSpans'][number]>();
  for (const raw of input.spans.filter(isObject)) {
    const processId = text(raw.processID) ?? '';
    let resource = resources.get(processId);
    if (!resource) {
      const process = processes[processId];
      const serviceName = isObject(process) ? text(process.serviceName) : undefined;
      const serviceAttribute =
        serviceName === undefined ? [] : [{ key: 'service.name', value: { stringValue: serviceName } }];
      resource = {
        resource: { attributes: [...serviceAttribute, ...attributes(isObject(process) ? list(process.tags) : [])] },
        scopeSpans: [],
      };
      resources.set(processId, resource);
    }
    const converted = span(raw, traceId);
    let scope = resource.scopeSpans.find(
      (s) => s.scope.name === converted.scope.name && s.scope.version === converted.scope.version
    );
    if (!scope) {
      scope = { scope: converted.scope, spans: [] };
      resource.scopeSpans.push(scope);
    }
    scope.spans.push(converted.span);
  }
  return { resourceSpans: [...resources.values()] };
}
