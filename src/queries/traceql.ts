/**
 * TraceQL builders for finding candidate traces in Tempo. Every value is quoted with
 * `quote`, durations are formatted, and the scope becomes one `resource.service.name` matcher.
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
export function traceqlCandidates(scope: Scope, slowSpanMs: number): string {
  const inScope = scopeCondition(scope);
  const anomaly = `(status = error || duration >= ${durationMs(slowSpanMs)})`;
  return spansetFilter([inScope, anomaly]);
}

/**
 * Structural query for errors that happen below a span in scope, including errors in other
 * teams' services called by ours: `{ <scope> } >> { status = error }`.
 */
export function traceqlErrorsBelow(scope: Scope): string {
  return `${spansetFilter([scopeCondition(scope)])} >> { status = error }`;
}
