/**
 * A tiny SVG line of one series; an SVG rather than @grafana/ui's uPlot
 * Sparkline because a dozen of them render in one overview table and need no interaction.
 */
import React from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

export interface SparklineProps {
  values: ReadonlyArray<number | null>;
  /** Accessible name, e.g. "checkout error ratio over the range". */
  label: string;
  width?: number;
  height?: number;
}

export function Sparkline({ values, label, width = 120, height = 24 }: SparklineProps) {
  const styles = useStyles2(getStyles);
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const max = Math.max(...finite, 0);
  const min = Math.min(...finite, 0);
  const span = max - min || 1;
  const x = (i: number) => (values.length > 1 ? (i / (values.length - 1)) * (width - 4) + 2 : width / 2);
  const y = (v: number) => height - 2 - ((v - min) / span) * (height - 4);
  const points = values
    .map((v, i) => (v === null || !Number.isFinite(v) ? undefined : `${x(i).toFixed(1)},${y(v).toFixed(1)}`))
    .filter((p): p is string => p !== undefined)
    .join(' ');

  return (
    <svg role="img" aria-label={label} width={width} height={height} viewBox={`0 0 ${width} ${height}`}>
      <polyline className={styles.line} points={points} fill="none" />
    </svg>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  line: css({ stroke: theme.colors.primary.main, strokeWidth: 1.5 }),
});
