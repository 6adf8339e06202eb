/**
 * "Where to look first", above the anomalous traces: the services (and an operation, where the evidence is that
 * sharp) that changed most between the hour before the range and the range, each with its reason and counts, a
 * button that narrows the list to the traces whose evidence involves it, and an example trace opened at its evidence
 * span; or, plainly, that there is not enough evidence. It says what the baseline was, and when it is thin.
 */
import React from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2, dateTimeFormat } from '@grafana/data';
import { Alert, Badge, Button, Stack, Text, TextLink, useStyles2 } from '@grafana/ui';

import { type Suspects, THIN_BASELINE_TRACES } from '../../data/suspects';
import type { ShownSuspect } from '../../data/suspectAnalysis';
import { AppPage, appUrl } from '../../routes';
import { Explanation } from '../../components/Explanation';

export interface WhereToLookFirstProps {
  suspects: Suspects;
  /** Whether a service is in the page's scope; one that is not is marked, never queried (docs/decisions.md). */
  inScope: (service: string) => boolean;
  /** The suspect the list is narrowed to. */
  selected?: string;
  onSelect: (service: string | undefined) => void;
}

const getStyles = (theme: GrafanaTheme2) => ({
  suspects: css({ listStyle: 'none', padding: 0, margin: 0, display: 'grid', gap: theme.spacing(1) }),
});

const time = (ms: number) => dateTimeFormat(ms, { format: 'HH:mm:ss' });

const label = (s: ShownSuspect) => (s.operation ? `${s.service} · ${s.operation}` : s.service);

function SuspectItem({
  suspect,
  outside,
  selected,
  onSelect,
}: {
  suspect: ShownSuspect;
  outside: boolean;
  selected: boolean;
  onSelect: (service: string | undefined) => void;
}) {
  return (
    <li>
      <Stack direction="column" gap={0}>
        <Stack gap={1} alignItems="center" wrap="wrap">
          <Button
            size="sm"
            variant={selected ? 'primary' : 'secondary'}
            aria-pressed={selected}
            aria-label={
              selected
                ? `Show all anomalous traces again, not only those involving ${suspect.service}`
                : `Only traces whose evidence involves ${suspect.service}`
            }
            onClick={() => onSelect(selected ? undefined : suspect.service)}
          >
            {label(suspect)}
          </Button>
          {outside && (
            <Badge
              color="orange"
              text="not in your scope"
              tooltip="A service your teams do not own: its owners can look into it."
            />
          )}
          {suspect.example && (
            <TextLink
              href={appUrl(AppPage.Trace, { traceId: suspect.example.traceId, spanId: suspect.example.spanId })}
              inline={false}
            >
              Open an example trace
            </TextLink>
          )}
        </Stack>
        <Explanation text={suspect.reason} />
      </Stack>
    </li>
  );
}

export function WhereToLookFirst({ suspects, inScope, selected, onSelect }: WhereToLookFirstProps) {
  const styles = useStyles2(getStyles);
  const { ranking, baselineWindow, partial } = suspects;
  if (!ranking) {
    return <Text color="secondary">Waiting for the baseline from before the range…</Text>;
  }
  const thin = ranking.baselineTraces < THIN_BASELINE_TRACES;
  const baselineSpan =
    ranking.baselineFromMs === undefined || ranking.baselineToMs === undefined
      ? `${time(baselineWindow.start * 1000)}–${time(baselineWindow.end * 1000)}`
      : `${time(ranking.baselineFromMs)}–${time(ranking.baselineToMs)}`;
  return (
    <Stack direction="column" gap={1}>
      <Text color="secondary">
        Compared {ranking.rangeTraces} traces of the range with {ranking.baselineTraces} traces from the hour before it
        ({baselineSpan}), sampled alike over every trace in scope.
        {thin &&
          ` The baseline is thin (under ${THIN_BASELINE_TRACES} traces): a p99 of few samples is their maximum, so only large changes count.`}
      </Text>
      {ranking.verdict === 'not-enough-evidence' ? (
        <Alert severity="info" title="Not enough evidence to say where to look first">
          <ul>
            {ranking.notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        </Alert>
      ) : (
        <>
          <ol aria-label="Suspects, most evidence first" className={styles.suspects}>
            {ranking.suspects.map((s) => (
              <SuspectItem
                key={label(s)}
                suspect={s}
                outside={!inScope(s.service)}
                selected={selected === s.service}
                onSelect={onSelect}
              />
            ))}
          </ol>
          {ranking.notes.length > 0 && (
            <details>
              <summary>What the ranking could not judge, and how it ordered ties</summary>
              <ul>
                {ranking.notes.map((note) => (
                  <li key={note}>{note}</li>
                ))}
              </ul>
            </details>
          )}
        </>
      )}
      {partial.length > 0 && <Text color="warning">{partial.join(' ')}</Text>}
    </Stack>
  );
}
