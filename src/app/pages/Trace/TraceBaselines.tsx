/**
 * The latency baselines a trace was judged against: the rule and its anchor, and per operation of the trace the p99
 * the `slow` rule compared with, what it rests on and what to keep in mind about it — or that it has none, and when
 * there is none at all (a stack younger than the trace's anchor), when traces can first have one.
 */
import React from 'react';
import { Alert, Stack, Text } from '@grafana/ui';

import {
  BASELINE_RULE_TEXT,
  anchorText,
  caveatTexts,
  firstBaselineText,
  trafficTime,
} from '../../components/baselineText';
import { formatDurationMs } from '../../components/format';
import type { AnalysedTrace } from '../../data/traceAnalysis';

export function TraceBaselines({ analysed, slowFactor }: { analysed: AnalysedTrace; slowFactor: number }) {
  const { baselines, baselineAnchor, baselineProblem } = analysed;
  if (baselineProblem) {
    return (
      <Alert severity="warning" title="No latency baselines">
        The slow-vs-p99 rule is off: {baselineProblem}
      </Alert>
    );
  }
  const rule = (
    <Text color="secondary">
      Slow vs p99 compares each span with {BASELINE_RULE_TEXT} {anchorText(baselineAnchor)} (the trace’s start, to five
      minutes) for its service and operation; it flags spans over {slowFactor}× that.
    </Text>
  );
  if (baselines.every((b) => b.baseline === undefined)) {
    return (
      <Stack direction="column" gap={1}>
        {rule}
        <Alert severity="info" title="No baseline yet">
          The span metrics hold no traffic of this trace’s operations before {anchorText(baselineAnchor)}, so no span of
          it is judged slow. {firstBaselineText(baselineAnchor)}
        </Alert>
      </Stack>
    );
  }
  return (
    <Stack direction="column" gap={1}>
      {rule}
      <table aria-label="Latency baselines of the trace’s operations">
        <thead>
          <tr>
            <th>Operation</th>
            <th>p99 baseline</th>
            <th>Requests</th>
            <th>Traffic</th>
            <th>Note</th>
          </tr>
        </thead>
        <tbody>
          {baselines.map(({ service, operation, baseline }) => (
            <tr key={`${service} · ${operation}`}>
              <td>
                {service} · {operation}
              </td>
              <td>{baseline ? formatDurationMs(baseline.p99Ms) : '–'}</td>
              <td>{baseline?.requests?.toLocaleString('en-US') ?? '–'}</td>
              <td>{baseline?.windows !== undefined ? trafficTime(baseline.windows) : '–'}</td>
              <td>
                {baseline
                  ? caveatTexts(baseline, slowFactor).join('; ')
                  : 'no baseline: no span metrics for it in the lookback, so it is not judged'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Stack>
  );
}
