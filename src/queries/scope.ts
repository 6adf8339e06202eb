/**
 * The team scope every query is limited to: all services, or a set of service names and globs.
 * Builders take a `Scope` and turn it into one matcher, so a call site never writes a service
 * name into a query itself.
 */
import { QueryBuildError, globToRegex, escapeRegex, isGlob } from './literal';

export type Scope =
  | { readonly kind: 'all' }
  | {
      /** Names and globs (`payments-*`); a service is in scope if it matches any entry. */
      readonly kind: 'services';
      readonly services: readonly string[];
    };

export const ALL_SERVICES: Scope = Object.freeze({ kind: 'all' });

export function scopeOf(services: readonly string[]): Scope {
  return { kind: 'services', services: [...services] };
}

/** How a scope constrains the service label: nothing, one exact name, or an anchored RE2 pattern. */
export type ScopeMatcher =
  | { readonly op: 'any' }
  | { readonly op: '='; readonly value: string }
  | { readonly op: '=~'; readonly pattern: string };

/**
 * Reduces a scope to a single matcher. The pattern is anchored explicitly (`^(…)$`) even though
 * Prometheus and Loki anchor regexes themselves, because older Tempo versions do not.
 * An empty service list is refused: a query that can match nothing is a caller bug
 * (for example a user who owns no services), and the caller should say so instead of querying.
 */
export function scopeMatcher(scope: Scope): ScopeMatcher {
  if (scope.kind === 'all') {
    return { op: 'any' };
  }
  const entries = [...new Set(scope.services)];
  if (entries.length === 0) {
    throw new QueryBuildError('the scope lists no services; nothing would match');
  }
  if (entries.some((entry) => entry.length === 0)) {
    throw new QueryBuildError('the scope contains an empty service name');
  }
  const only = entries[0];
  if (entries.length === 1 && only !== undefined && !isGlob(only)) {
    return { op: '=', value: only };
  }
  const alternatives = entries.map((entry) => (isGlob(entry) ? globToRegex(entry) : escapeRegex(entry)));
  return { op: '=~', pattern: `^(${alternatives.join('|')})$` };
}
