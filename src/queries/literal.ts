/**
 * Lexical safety for every value that enters a TraceQL, PromQL or LogQL query: string literals,
 * regular expressions, durations and label names. All three languages lex double-quoted strings
 * with Go's rules (Tempo and Loki call `strconv.Unquote`, Prometheus ports Go's scanner), so one
 * escaper serves all of them.
 */

/** A value that cannot be put into a query safely; the message says which value and why. */
export class QueryBuildError extends Error {
  override readonly name = 'QueryBuildError';
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Quotes `value` as a double-quoted Go string literal. Backslash and double quote are escaped, and
 * so is every control character, because Prometheus rejects a raw newline inside a string and Go's
 * scanner (Tempo, Loki) does too. Lone UTF-16 surrogates have no UTF-8 form, so they are refused
 * rather than silently replaced by a different name.
 */
export function quote(value: string): string {
  if (LONE_SURROGATE.test(value)) {
    throw new QueryBuildError(`value ${JSON.stringify(value)} contains an unpaired UTF-16 surrogate`);
  }
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x22) {
      out += '\\"';
    } else if (c === 0x5c) {
      out += '\\\\';
    } else if (c === 0x0a) {
      out += '\\n';
    } else if (c === 0x0d) {
      out += '\\r';
    } else if (c === 0x09) {
      out += '\\t';
    } else if (c < 0x20 || c === 0x7f || c === 0x2028 || c === 0x2029) {
      out += '\\u' + c.toString(16).padStart(4, '0');
    } else {
      out += value[i];
    }
  }
  return out + '"';
}

/** Escapes RE2 metacharacters (the set Go's `regexp.QuoteMeta` escapes), so the value matches itself. */
export function escapeRegex(value: string): string {
  return value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** Whether a scope entry is a glob (`*` any run of characters, `?` one character) rather than a name. */
export function isGlob(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/** Translates a glob to an RE2 fragment; everything except `*` and `?` matches literally. */
export function globToRegex(pattern: string): string {
  let out = '';
  for (const ch of pattern) {
    out += ch === '*' ? '.*' : ch === '?' ? '.' : escapeRegex(ch);
  }
  return out;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Checks a Prometheus/Loki label name; label names are identifiers and cannot be quoted portably. */
export function labelName(name: string): string {
  if (!LABEL_NAME.test(name)) {
    throw new QueryBuildError(`label name ${JSON.stringify(name)} is not a valid identifier ([a-zA-Z_][a-zA-Z0-9_]*)`);
  }
  return name;
}

/** A PromQL/LogQL range such as `5m`, from a whole number of seconds. */
export function rangeSeconds(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds <= 0) {
    throw new QueryBuildError(`range ${seconds} must be a positive whole number of seconds`);
  }
  if (seconds % 3600 === 0) {
    return `${seconds / 3600}h`;
  }
  if (seconds % 60 === 0) {
    return `${seconds / 60}m`;
  }
  return `${seconds}s`;
}

/** A PromQL `offset` duration such as `754000ms`, from a whole, positive number of milliseconds. */
export function offsetMs(ms: number): string {
  if (!Number.isInteger(ms) || ms <= 0) {
    throw new QueryBuildError(`offset ${ms} ms must be a positive whole number of milliseconds`);
  }
  return `${ms}ms`;
}

/** A TraceQL duration literal from milliseconds, kept exact down to the microsecond. */
export function durationMs(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) {
    throw new QueryBuildError(`duration ${ms} ms must be a finite, non-negative number`);
  }
  return Number.isInteger(ms) ? `${ms}ms` : `${Math.round(ms * 1000)}us`;
}
