/**
 * TraceQL builders for finding candidate traces in Tempo. Every value is quoted with
 * `quote`, durations are formatted, attribute names are quoted when they are not plain
 * identifiers, and the scope becomes one `resource.service.name` matcher.
 */
import { QueryBuildError, durationMs, quote } from './literal';
import { type Scope, scopeMatcher } from './scope';

export type SpanStatus = 'error' | 'ok' | 'unset';

export interface TraceSearch {
  readonly scope: Scope;
  /** Only spans with this status. */
  readonly status?: SpanStatus;
  /** Only spans at least this long. */
  readonly minSpanDurationMs?: number;
  /** Only traces at least this long (TraceQL `traceDuration`). */
  readonly minTraceDurationMs?: number;
  /** Only spans with this name. */
  readonly spanName?: string;
  /** Only traces whose root span has this name. */
  readonly rootName?: string;
}

const SERVICE = 'resource.service.name';

function scopeCondition(scope: Scope): string | undefined {
  const m = scopeMatcher(scope);
  switch (m.op) {
    case 'any':
      return undefined;
    case '=':
      return `${SERVICE} = ${quote(m.value)}`;
    case '=~':
      return `${SERVICE} =~ ${quote(m.pattern)}`;
  }
}

function spansetFilter(conditions: ReadonlyArray<string | undefined>): string {
  const present = conditions.filter((c): c is string => c !== undefined);
  return present.length === 0 ? '{ }' : `{ ${present.join(' && ')} }`;
}

/** `{ resource.service.name =~ "…" && status = error && duration >= 200ms && … }` */
export function traceqlSearch(search: TraceSearch): string {
  return spansetFilter([
    scopeCondition(search.scope),
    search.status === undefined ? undefined : `status = ${statusKeyword(search.status)}`,
    search.spanName === undefined ? undefined : `name = ${quote(search.spanName)}`,
    search.minSpanDurationMs === undefined ? undefined : `duration >= ${durationMs(search.minSpanDurationMs)}`,
    search.rootName === undefined ? undefined : `rootName = ${quote(search.rootName)}`,
    search.minTraceDurationMs === undefined ? undefined : `traceDuration >= ${durationMs(search.minTraceDurationMs)}`,
  ]);
}

function statusKeyword(status: SpanStatus): string {
  if (status !== 'error' && status !== 'ok' && status !== 'unset') {
    throw new QueryBuildError(`unknown span status ${JSON.stringify(status)}`);
  }
  return status;
}

/**
 * The incident page's candidate query: spans in scope that failed or ran at least
 * `slowSpanMs`, in one search so Tempo's limit applies to the union.
 */
export function traceqlCandidates(
  scope: Scope,
  slowSpanMs: number,
  filters: readonly TraceAttributeFilter[] = []
): string {
  const inScope = scopeCondition(scope);
  const anomaly = `(status = error || duration >= ${durationMs(slowSpanMs)})`;
  return [spansetFilter([inScope, anomaly]), ...filters.map(traceqlAttributeFilter)].join(' && ');
}

/** Every trace with a span in scope, narrowed by `filters`: "Where to look first"'s samples of a window. */
export function traceqlInScope(scope: Scope, filters: readonly TraceAttributeFilter[] = []): string {
  return [spansetFilter([scopeCondition(scope)]), ...filters.map(traceqlAttributeFilter)].join(' && ');
}

/**
 * Traces to compare the anomalous ones with: spans in scope that neither failed nor ran
 * `slowSpanMs`, narrowed by the same `filters` as the candidates. TraceQL cannot ask for traces *without* such spans, so a trace found here may
 * still hold one elsewhere; the caller drops those after fetching (see `app/data/comparison.ts`).
 */
export function traceqlBaseline(
  scope: Scope,
  slowSpanMs: number,
  filters: readonly TraceAttributeFilter[] = []
): string {
  const normal = spansetFilter([scopeCondition(scope), 'status != error', `duration < ${durationMs(slowSpanMs)}`]);
  return [normal, ...filters.map(traceqlAttributeFilter)].join(' && ');
}

/**
 * Structural query for errors that happen below a span in scope, including errors in other
 * teams' services called by ours: `{ <scope> } >> { status = error }`.
 */
export function traceqlErrorsBelow(scope: Scope): string {
  return `${spansetFilter([scopeCondition(scope)])} >> { status = error }`;
}

/**
 * One attribute value a responder narrowed the traces to, in TraceQL's terms: a resource or span
 * attribute, a span name, status or kind, or a duration bucket (`minMs` ≤ d < `maxMs`) of a span
 * or of the whole trace.
 */
export type TraceAttributeFilter =
  | { readonly scope: 'resource' | 'span'; readonly key: string; readonly value: string | number | boolean }
  | { readonly scope: 'intrinsic'; readonly key: 'name'; readonly value: string }
  | { readonly scope: 'intrinsic'; readonly key: 'status'; readonly value: SpanStatus }
  | { readonly scope: 'intrinsic'; readonly key: 'kind'; readonly value: TraceqlSpanKind }
  | {
      readonly scope: 'intrinsic';
      readonly key: 'duration' | 'traceDuration';
      readonly minMs: number;
      readonly maxMs?: number;
    };

export type TraceqlSpanKind = 'server' | 'client' | 'producer' | 'consumer' | 'internal' | 'unspecified';
const SPAN_KINDS: readonly string[] = ['server', 'client', 'producer', 'consumer', 'internal', 'unspecified'];

/** Plain attribute names TraceQL reads unquoted; anything else is written `span."…"`. */
const PLAIN_ATTRIBUTE = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*$/;
const CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]/;

/**
 * `resource.cloud.region`, or `span."weird name"` with `\\` and `\"` escaped: the only escapes
 * Tempo's quoted attribute names take, so control characters are refused.
 */
function attributeRef(scope: 'resource' | 'span', key: string): string {
  if (PLAIN_ATTRIBUTE.test(key)) {
    return `${scope}.${key}`;
  }
  if (key.length === 0 || CONTROL.test(key)) {
    throw new QueryBuildError(`attribute name ${JSON.stringify(key)} is empty or holds control characters`);
  }
  // `quote` checks for unpaired surrogates; its escaping is the same for `\` and `"`.
  return `${scope}.${quote(key)}`;
}

function attributeValue(value: string | number | boolean): string {
  if (typeof value === 'string') {
    return quote(value);
  }
  if (typeof value === 'boolean') {
    return String(value);
  }
  const text = String(value);
  if (typeof value !== 'number' || !Number.isFinite(value) || /e/i.test(text)) {
    throw new QueryBuildError(`attribute value ${text} is not a plain finite number`);
  }
  return text;
}

/** `{ resource.cloud.region = "eu-west" }`, `{ kind = server }`, `{ traceDuration >= 500ms && traceDuration < 1000ms }` */
export function traceqlAttributeFilter(filter: TraceAttributeFilter): string {
  if (filter.scope !== 'intrinsic') {
    return spansetFilter([`${attributeRef(filter.scope, filter.key)} = ${attributeValue(filter.value)}`]);
  }
  switch (filter.key) {
    case 'name':
      return spansetFilter([`name = ${quote(filter.value)}`]);
    case 'status':
      return spansetFilter([`status = ${statusKeyword(filter.value)}`]);
    case 'kind':
      if (!SPAN_KINDS.includes(filter.value)) {
        throw new QueryBuildError(`unknown span kind ${JSON.stringify(filter.value)}`);
      }
      return spansetFilter([`kind = ${filter.value}`]);
    case 'duration':
    case 'traceDuration':
      return spansetFilter([
        `${filter.key} >= ${durationMs(filter.minMs)}`,
        filter.maxMs === undefined ? undefined : `${filter.key} < ${durationMs(filter.maxMs)}`,
      ]);
    default:
      throw new QueryBuildError(`unknown intrinsic ${JSON.stringify((filter as { key: unknown }).key)}`);
  }
}
