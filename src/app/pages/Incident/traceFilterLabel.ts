/** How an attribute value a responder can filter by reads on the page: `resource.cloud.region = "eu-west"`. */
import type { TraceAttributeFilter } from '../../../queries';
import { formatDurationMs } from '../../components/format';

export function traceFilterLabel(filter: TraceAttributeFilter): string {
  if (filter.scope !== 'intrinsic') {
    const value = typeof filter.value === 'string' ? JSON.stringify(filter.value) : String(filter.value);
    return `${filter.scope}.${filter.key} = ${value}`;
  }
  switch (filter.key) {
    case 'name':
      return `name = ${JSON.stringify(filter.value)}`;
    case 'status':
    case 'kind':
      return `${filter.key} = ${filter.value}`;
    case 'duration':
    case 'traceDuration':
      return filter.maxMs === undefined
        ? `${filter.key} ≥ ${formatDurationMs(filter.minMs)}`
        : `${filter.key} ${formatDurationMs(filter.minMs)} – ${formatDurationMs(filter.maxMs)}`;
  }
}
