/**
 * The attribute values a responder narrowed the anomalous traces to, and whether the "Why these
 * traces?" view is open, in the URL (`where`, `why`), so a link shared in the incident channel opens
 * the same narrowed list. `where` is untrusted: entries that do not parse are dropped.
 */
import { useSearchParams } from 'react-router-dom';
import { z } from 'zod';

import type { TraceAttributeFilter } from '../../../queries';

const MAX_FILTERS = 10;
const millis = z.number().nonnegative();
/** Attribute names without control characters: TraceQL cannot quote them, and no instrumentation writes them. */
const attributeName = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^\u0000-\u001f\u007f]*$/);

const Filter = z.union([
  z.strictObject({
    scope: z.enum(['resource', 'span']),
    key: attributeName,
    value: z.union([z.string().max(1024), z.number(), z.boolean()]),
  }),
  z.strictObject({ scope: z.literal('intrinsic'), key: z.literal('name'), value: z.string().max(1024) }),
  z.strictObject({ scope: z.literal('intrinsic'), key: z.literal('status'), value: z.enum(['error', 'ok', 'unset']) }),
  z.strictObject({
    scope: z.literal('intrinsic'),
    key: z.literal('kind'),
    value: z.enum(['server', 'client', 'producer', 'consumer', 'internal', 'unspecified']),
  }),
  z.strictObject({
    scope: z.literal('intrinsic'),
    key: z.enum(['duration', 'traceDuration']),
    minMs: millis,
    maxMs: millis.optional(),
  }),
]) satisfies z.ZodType<TraceAttributeFilter>;

export function parseTraceFilters(param: string | null): TraceAttributeFilter[] {
  if (!param) {
    return [];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(param);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) {
    return [];
  }
  return parsed
    .flatMap((entry) => {
      const result = Filter.safeParse(entry);
      return result.success ? [result.data] : [];
    })
    .slice(0, MAX_FILTERS);
}

const sameFilter = (a: TraceAttributeFilter, b: TraceAttributeFilter) => JSON.stringify(a) === JSON.stringify(b);

export interface TraceFiltersState {
  filters: TraceAttributeFilter[];
  /** The "Why these traces?" view is open. */
  comparing: boolean;
  setComparing(open: boolean): void;
  addFilter(filter: TraceAttributeFilter): void;
  removeFilter(filter: TraceAttributeFilter): void;
}

export function useTraceFilters(): TraceFiltersState {
  const [params, setParams] = useSearchParams();
  const filters = parseTraceFilters(params.get('where'));
  const update = (change: (next: URLSearchParams, current: TraceAttributeFilter[]) => void) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      change(next, parseTraceFilters(current.get('where')));
      return next;
    });
  const setFilters = (next: URLSearchParams, list: TraceAttributeFilter[]) =>
    list.length === 0 ? next.delete('where') : next.set('where', JSON.stringify(list));
  return {
    filters,
    comparing: params.get('why') === '1',
    setComparing: (open) => update((next) => (open ? next.set('why', '1') : next.delete('why'))),
    addFilter: (filter) =>
      update((next, list) => !list.some((f) => sameFilter(f, filter)) && setFilters(next, [...list, filter])),
    removeFilter: (filter) =>
      update((next, list) =>
        setFilters(
          next,
          list.filter((f) => !sameFilter(f, filter))
        )
      ),
  };
}
