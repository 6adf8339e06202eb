/**
 * What the incident list says about the baselines of its range's last anchor on a young stack: with none at all,
 * plainly that there is no baseline yet and from when traces are judged; with a few minutes of traffic, minutes.
 */
import { screen } from '@testing-library/react';
import React from 'react';

import { type LatencyBaselines, baselineKey } from '../../../analysis';
import { renderInApp } from '../../testing/renderInApp';
import { BaselineNote } from './BaselineNote';

/** 2026-12-07 23:05 UTC. */
const ANCHOR = Date.UTC(2026, 11, 7, 23, 5) / 1000;

const renderNote = (baselines: LatencyBaselines | undefined) =>
  renderInApp(<BaselineNote baselines={baselines} anchor={ANCHOR} />);

describe('BaselineNote on a young stack', () => {
  it('says there is no baseline yet, and from when traces are judged', () => {
    renderNote(new Map());

    expect(screen.getByText(/^No baseline yet/)).toHaveTextContent(
      'No baseline yet: the span metrics hold no traffic in scope before 2026-12-07 23:05 UTC, so no trace in this ' +
        'range is judged slow. A baseline exists from the first 5-minute mark after traffic is recorded: if the span ' +
        'metrics are recording traffic now, traces that start from 2026-12-07 23:10 UTC on are judged.'
    );
  });

  it('counts a thin baseline’s traffic in minutes', () => {
    renderNote(new Map([[baselineKey('gateway', 'POST /checkout'), { p99Ms: 80, windows: 3, requests: 400 }]]));

    expect(screen.getByText(/^Thin baselines/)).toHaveTextContent(
      'Thin baselines: gateway · POST /checkout (3 min of traffic).'
    );
    expect(screen.queryByText(/No baseline yet/)).toBeNull();
  });
});
