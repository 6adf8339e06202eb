/**
 * Under "Anomalous traces": what "Slow vs p99" judged the traces against, and the baselines of the range's latest
 * minutes worth a second look — thin ones, and those whose lookback holds a slower stretch (a recent anomaly) — or,
 * with none at all (a stack younger than the range's last anchor), when traces can first have one.
 */
import React from 'react';
import { Stack, Text } from '@grafana/ui';

import { type BaselineCaveat, type LatencyBaseline, type LatencyBaselines, baselineCaveats } from '../../../analysis';
import { BASELINE_RULE_TEXT, anchorText, caveatDetail, firstBaselineText } from '../../components/baselineText';
import { formatDurationMs } from '../../components/format';
import { useAppSettings } from '../../data/useAppSettings';

/** Operations named per caveat; the rest are counted. */
const NAMED = 3;

interface BaselineNoteProps {
  /** The baselines of the range's last anchor. */
  baselines: LatencyBaselines | undefined;
  /** That anchor, Unix seconds. */
  anchor: number;
}

export function BaselineNote({ baselines, anchor }: BaselineNoteProps) {
  const { analysis, redactor } = useAppSettings();
  const entries = [...(baselines ?? [])].map(([key, baseline]) => {
    const [service, operation] = key.split('\u0000') as [string, string];
    return { name: `${service} · ${redactor.text(operation)}`, baseline };
  });
  const list = (caveat: BaselineCaveat, say: (name: string, baseline: LatencyBaseline) => string) => {
    const flagged = entries.filter((e) => baselineCaveats(e.baseline, analysis.slowFactor).includes(caveat));
    const named = flagged.slice(0, NAMED).map((e) => say(e.name, e.baseline));
    return flagged.length > NAMED ? [...named, `and ${flagged.length - NAMED} more`].join('; ') : named.join('; ');
  };
  const slower = list(
    'slower-period',
    (name, b) => `${name} (${formatDurationMs(b.p99Ms)}; ${caveatDetail(b, 'slower-period')})`
  );
  const thin = list('thin', (name, b) => `${name} (${caveatDetail(b, 'thin')})`);

  return (
    <Stack direction="column" gap={0}>
      <Text color="secondary">
        Slow vs p99 judges each trace against {BASELINE_RULE_TEXT} its start, per service and operation
        {entries.length === 0
          ? '.'
          : entries.length === 1
            ? ' (1 operation in scope has one now).'
            : ` (${entries.length} operations in scope have one now).`}
      </Text>
      {entries.length === 0 && (
        <Text color="warning">
          No baseline yet: the span metrics hold no traffic in scope before {anchorText(anchor)}, so no trace in this
          range is judged slow. {firstBaselineText(anchor)}
        </Text>
      )}
      {slower && (
        <Text color="warning">
          A slower stretch in the lookback of {slower}: the median keeps it out of the baseline while it covers less
          than half of the lookback.
        </Text>
      )}
      {thin && <Text color="warning">Thin baselines: {thin}.</Text>}
    </Stack>
  );
}
