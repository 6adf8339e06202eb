/**
 * Why the analysis flags this trace: each finding's rule, explanation and evidence spans. Picking an
 * evidence span selects it in the correlated view below.
 */
import { css } from '@emotion/css';
import React from 'react';
import { type GrafanaTheme2 } from '@grafana/data';
import { Button, Stack, Text, useStyles2 } from '@grafana/ui';

import type { Finding, Trace } from '../../../analysis';
import { RuleBadge } from '../../components/RuleBadge';
import { explanationParts } from './raiseTarget';

interface Props {
  trace: Trace;
  findings: readonly Finding[];
  selectedSpanId: string | undefined;
  onSelectSpan: (spanId: string) => void;
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
              <Text>
                {explanationParts(finding.explanation).map((part, i) =>
                  part.quoted ? <code key={i}>{part.text}</code> : <React.Fragment key={i}>{part.text}</React.Fragment>
                )}
              </Text>
            </Stack>
            <Stack gap={1} wrap="wrap" alignItems="center">
              <Text color="secondary" variant="bodySmall">
                Evidence:
              </Text>
              {finding.spanIds.map((spanId) => {
                const span = trace.spanById(spanId);
                const label = span ? `${span.service} · ${span.name}` : spanId;
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
