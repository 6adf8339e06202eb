/**
 * The anomalous traces as groups (`groupAnomalousTraces`): one row per root operation, rule and cause, with how many
 * traces, when they were first and last seen, whether the group is still going on, and its worst trace's
 * explanation. A group opens to its traces; the operation links to the worst trace. Presentational: the groups come
 * ready made.
 */
import React, { useState } from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2, dateTimeFormat } from '@grafana/data';
import { Badge, Button, Stack, TextLink, useStyles2 } from '@grafana/ui';

import { Explanation } from '../../components/Explanation';
import { RuleBadge } from '../../components/RuleBadge';
import { formatDurationMs } from '../../components/format';
import { tableStyle } from '../../components/tableStyles';
import type { AnomalousTrace } from '../../data/anomalousTraces';
import type { TraceGroup } from '../../data/traceGroups';

const HEADERS = ['Root service and operation', 'Finding', 'Cause', 'Traces', 'First seen', 'Last seen', 'State', 'Why'];
/** Groups rendered at first, and added by each "Show more". */
const PAGE_GROUPS = 50;

const seen = (ms: number) => dateTimeFormat(ms, { format: 'HH:mm:ss' });

export interface TraceGroupsTableProps {
  groups: readonly TraceGroup[];
  /** The Trace page of a trace, at its evidence span. */
  hrefOf: (trace: AnomalousTrace) => string;
  /** How long without a trace marks a group as ended, for the State column's explanation. */
  quietMs: number;
  /** The traces of an opened group. */
  renderTraces: (group: TraceGroup) => React.ReactNode;
}

export function TraceGroupsTable({ groups, hrefOf, quietMs, renderTraces }: TraceGroupsTableProps) {
  const styles = useStyles2(getStyles);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const [shown, setShown] = useState(PAGE_GROUPS);
  const toggle = (key: string) =>
    setOpen((current) => {
      const next = new Set(current);
      next.has(key) ? next.delete(key) : next.add(key);
      return next;
    });
  const quiet = formatDurationMs(quietMs);
  return (
    <Stack direction="column" gap={1}>
      <table className={styles.table} aria-label="Anomalous trace groups, worst first">
        <thead>
          <tr>
            {HEADERS.map((header) => (
              <th key={header} scope="col">
                {header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {groups.slice(0, shown).map((group) => {
            const worst = group.traces[0]!;
            const isOpen = open.has(group.key);
            const name = `${group.rootService}: ${group.rootOperation}`;
            return (
              <React.Fragment key={group.key}>
                <tr aria-label={`Group of ${group.traces.length} ${name}`}>
                  <td>
                    <Stack gap={0.5} alignItems="center">
                      <Button
                        size="sm"
                        variant="secondary"
                        fill="text"
                        icon={isOpen ? 'angle-down' : 'angle-right'}
                        aria-expanded={isOpen}
                        aria-label={`${isOpen ? 'Hide' : 'Show'} the ${group.traces.length} traces of ${name}`}
                        onClick={() => toggle(group.key)}
                      />
                      <TextLink href={hrefOf(worst)} inline={false} title="Open the worst trace of the group">
                        {name}
                      </TextLink>
                    </Stack>
                  </td>
                  <td>
                    <RuleBadge rule={group.rule} severity={group.severity} />
                  </td>
                  <td>{group.cause ? <code>{`${group.cause.service} ${group.cause.operation}`}</code> : '–'}</td>
                  <td>{group.traces.length.toLocaleString('en-US')}</td>
                  <td>{seen(group.firstSeenMs)}</td>
                  <td>{seen(group.lastSeenMs)}</td>
                  <td>
                    <Badge
                      color={group.ongoing ? 'red' : 'green'}
                      text={group.ongoing ? 'Ongoing' : 'Ended'}
                      title={
                        group.ongoing
                          ? `A trace of this group started in the last ${quiet} of the range`
                          : `No trace of this group in the last ${quiet} of the range`
                      }
                    />
                  </td>
                  <td>
                    <Explanation text={worst.worst.explanation} />
                  </td>
                </tr>
                {isOpen && (
                  <tr>
                    <td colSpan={HEADERS.length} className={styles.members}>
                      {renderTraces(group)}
                    </td>
                  </tr>
                )}
              </React.Fragment>
            );
          })}
        </tbody>
      </table>
      {groups.length > shown && (
        <Button variant="secondary" size="sm" onClick={() => setShown(shown + PAGE_GROUPS)}>
          Show {Math.min(PAGE_GROUPS, groups.length - shown)} more of {groups.length - shown} groups
        </Button>
      )}
    </Stack>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: tableStyle(theme),
  members: css({ paddingLeft: theme.spacing(4), background: theme.colors.background.secondary }),
});
