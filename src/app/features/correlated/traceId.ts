/** Trace ids as responders paste them: 32 hex digits (W3C), or 16 for 64-bit ids from older Jaeger clients. */
const TRACE_ID = /^(?:[0-9a-f]{16}|[0-9a-f]{32})$/;

/** The canonical (lower-case, trimmed) trace id, or undefined when the input is not one. */
export function parseTraceId(input: string): string | undefined {
  const candidate = input.trim().toLowerCase();
  return TRACE_ID.test(candidate) ? candidate : undefined;
}
