/**
 * Why the analysis flags this trace: each finding's rule, explanation and evidence spans. Picking an
 * evidence span selects it in the correlated view below.
 */
import { css } from '@emotion/css';
import React from 'react';
import { type GrafanaTheme2 } from '@grafana/data';
import { Button, Stack, Text, useStyles2 } from '@grafana/ui';

import type { Finding, Span, Trace } from '../../../analysis';
import { formatDurationMs } from '../../components/format';
import { RuleBadge } from '../../components/RuleBadge';
import { Explanation } from '../../components/Explanation';

interface Props {
  trace: Trace;
  findings: readonly Finding[];
  selectedSpanId: string | undefined;
  onSelectSpan: (spanId: string) => void;
}

/**
 * A finding often points at many spans of one operation (eleven `SELECT ledger_entries`): when and for how long each
 * ran is what tells them apart, and where in the trace to look.
 */
function evidenceLabel(span: Span): string {
  return `${span.service} · ${span.name} · at +${formatDurationMs(span.startMs)}, ${formatDurationMs(span.durationMs)}`;
}

export function TraceFindings({ trace, findings, selectedSpanId, onSelectSpan }: Props) {
  const styles = useStyles2(getStyles);
  if (findings.length === 0) {
    return <Text color="secondary">The analysis finds nothing anomalous in this trace.</Text>;
  }
  return (
    <ul className={styles.list} aria-label="Findings">
      {findings.map((finding, index) => (
        <li key={`${finding.rule}-${index}`} className={styles.finding}>
          <Stack direction="column" gap={1}>
            <Stack alignItems="center" gap={1}>
              <RuleBadge rule={finding.rule} severity={finding.severity} />
              <Explanation text={finding.explanation} />
            </Stack>
            <Stack gap={1} wrap="wrap" alignItems="center">
              <Text color="secondary" variant="bodySmall">
                Evidence:
              </Text>
              {finding.spanIds.map((spanId) => {
                const span = trace.spanById(spanId);
                const label = span ? evidenceLabel(span) : spanId;
                return (
                  <Button
                    key={spanId}
                    size="sm"
                    variant={spanId === selectedSpanId ? 'primary' : 'secondary'}
                    fill={spanId === selectedSpanId ? 'solid' : 'outline'}
                    aria-pressed={spanId === selectedSpanId}
                    aria-label={`Select evidence span ${label} (${spanId})`}
                    onClick={() => onSelectSpan(spanId)}
                  >
                    {label}
                  </Button>
                );
              })}
            </Stack>
          </Stack>
        </li>
      ))}
    </ul>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  list: css({
    listStyle: 'none',
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1.5),
  }),
  finding: css({
    padding: theme.spacing(1, 1.5),
    borderLeft: `3px solid ${theme.colors.border.medium}`,
    background: theme.colors.background.secondary,
  }),
});
