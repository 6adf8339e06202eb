/** The incident page's controls: time range and refresh, scope (my teams, one team, all services) and service filter. */
import React from 'react';
import { type TimeRange, dateTime } from '@grafana/data';
import { Button, InlineField, Input, RadioButtonGroup, Stack, TimeRangePicker } from '@grafana/ui';

import { type ScopeChoice, formatScopeChoice, parseScopeChoice } from '../../scope/scope';

export interface IncidentToolbarProps {
  range: TimeRange;
  onRangeChange: (range: TimeRange) => void;
  onRefresh: () => void;
  scope: ScopeChoice;
  teams: string[];
  canSeeAll: boolean;
  onScopeChange: (scope: ScopeChoice) => void;
  service?: string;
  services: string[];
  onServiceChange: (service: string | undefined) => void;
}

const ALL_OF_SCOPE = '';

export function IncidentToolbar(props: IncidentToolbarProps) {
  const { range, onRangeChange } = props;
  const span = range.to.valueOf() - range.from.valueOf();
  // Moving or zooming makes the range absolute, as in Grafana's dashboards.
  const setAbsolute = (fromMs: number, toMs: number) => {
    const from = dateTime(fromMs);
    const to = dateTime(toMs);
    onRangeChange({ from, to, raw: { from, to } });
  };
  const shift = (direction: -1 | 1) =>
    setAbsolute(range.from.valueOf() + direction * span, range.to.valueOf() + direction * span);
  const scopeOptions = [
    { label: 'My teams', value: 'mine' },
    ...props.teams.map((team) => ({ label: team, value: formatScopeChoice({ kind: 'team', team }) })),
    ...(props.canSeeAll ? [{ label: 'All services', value: 'all' }] : []),
  ];
  const listId = 'incident-service-names';

  return (
    <Stack gap={1} alignItems="center" wrap="wrap">
      <RadioButtonGroup
        aria-label="Scope"
        options={scopeOptions}
        value={formatScopeChoice(props.scope)}
        onChange={(value) => props.onScopeChange(parseScopeChoice(value))}
      />
      <InlineField
        label="Service"
        htmlFor="incident-service"
        tooltip="Narrow to one service in scope, by its exact name; empty for all"
      >
        <Input
          id="incident-service"
          width={28}
          list={listId}
          // Uncontrolled and keyed by the URL value, so typing does not query on every keystroke.
          key={props.service ?? ALL_OF_SCOPE}
          defaultValue={props.service ?? ALL_OF_SCOPE}
          placeholder="All services in scope"
          onBlur={(event) => props.onServiceChange(event.currentTarget.value.trim() || undefined)}
          onKeyDown={(event) =>
            event.key === 'Enter' && props.onServiceChange(event.currentTarget.value.trim() || undefined)
          }
        />
      </InlineField>
      <datalist id={listId}>
        {props.services.map((service) => (
          <option key={service} value={service} />
        ))}
      </datalist>
      <TimeRangePicker
        value={range}
        onChange={onRangeChange}
        onChangeTimeZone={() => {}}
        onMoveBackward={() => shift(-1)}
        onMoveForward={() => shift(1)}
        onZoom={() => setAbsolute(range.from.valueOf() - span / 2, range.to.valueOf() + span / 2)}
      />
      <Button variant="secondary" icon="sync" onClick={props.onRefresh} aria-label="Refresh">
        Refresh
      </Button>
    </Stack>
  );
}
