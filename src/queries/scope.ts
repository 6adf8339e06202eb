/**
 * The team scope every query is limited to: all services, or service names and ownership patterns.
 * A name is a literal and matches only itself, whatever characters it holds; only a pattern (`payments-*`)
 * has wildcards, and the types keep the two apart, so a name that came from a URL, a picker or trace data
 * can never be read as a glob. Builders take a `Scope` and turn it into one matcher, so a call site never
 * writes a service name into a query itself.
 */
import { QueryBuildError, globToRegex, escapeRegex, isGlob } from './literal';

declare const literal: unique symbol;
declare const pattern: unique symbol;

/** A service name, matched exactly: `*` and `?` in it are characters like any other. */
export type ServiceName = string & { readonly [literal]: true };

/**
 * A glob from the ownership table (`*` any run of characters, `?` one character). Only the scope resolver
 * makes these, from the globs of the teams it resolved (`src/app/scope`); nothing else may widen a scope.
 */
export type ServicePattern = string & { readonly [pattern]: true };

export type Scope =
  | { readonly kind: 'all' }
  | {
      /** A service is in scope if it equals one of `names` or matches one of `patterns`. */
      readonly kind: 'services';
      readonly names: readonly ServiceName[];
      readonly patterns: readonly ServicePattern[];
    };

export const ALL_SERVICES: Scope = Object.freeze({ kind: 'all' });

export function serviceName(name: string): ServiceName {
  return name as ServiceName;
}

/** The scope of these services, by name: each matches itself only. */
export function scopeOf(names: readonly string[]): Scope {
  return { kind: 'services', names: names.map(serviceName), patterns: [] };
}

/**
 * The scope of the viewer's ownership globs. Call it with globs read from the ownership table only: a pattern
 * made of anything else (a URL's `service`, a name from a trace) would widen the scope.
 */
export function ownershipScope(globs: readonly string[]): Scope {
  return { kind: 'services', names: [], patterns: globs.map((glob) => glob as ServicePattern) };
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
  const names = [...new Set(scope.names)];
  const patterns = [...new Set(scope.patterns)];
  if (names.length + patterns.length === 0) {
    throw new QueryBuildError('the scope lists no services; nothing would match');
  }
  if (names.some((name) => name.length === 0) || patterns.some((glob) => glob.length === 0)) {
    throw new QueryBuildError('the scope contains an empty service name');
  }
  const entries = [...names, ...patterns];
  // One name, or one pattern without wildcards, matches one service exactly.
  const only = entries.length === 1 ? entries[0] : undefined;
  if (only !== undefined && !patterns.some(isGlob)) {
    return { op: '=', value: only };
  }
  const alternatives = [...names.map(escapeRegex), ...patterns.map(globToRegex)];
  return { op: '=~', pattern: `^(${alternatives.join('|')})$` };
}
