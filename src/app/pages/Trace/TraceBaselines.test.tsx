/**
 * What the Trace page says about the baselines a trace was judged against on a young stack: none at all before the
 * first traffic (said plainly, with when traces can first have one, instead of a table of dashes), and a few minutes
 * of traffic counted in minutes rather than as "0 h".
 */
import { render, screen, within } from '@testing-library/react';
import React from 'react';

import {
  DEFAULT_ANALYSIS_SETTINGS,
  type LatencyBaselines,
  baselineAnchor,
  baselineKey,
  buildTrace,
  compileRedaction,
} from '../../../analysis';
import { call, recordTrace } from '../../../analysis/fixtures';
import { analyseTrace } from '../../data/traceAnalysis';
import { TraceBaselines } from './TraceBaselines';

/** 2026-12-07 23:07:30 UTC: anchored at 23:05. */
const START_MS = Date.UTC(2026, 11, 7, 23, 7, 30);
const checkout = buildTrace(
  recordTrace(
    {
      service: 'gateway',
      name: 'POST /checkout',
      kind: 'server',
      at: 0,
      duration: 60,
      children: [call('gateway', 'payments', 'POST /payments', 5, 40)],
    },
    { seed: 7, startUnixMs: START_MS }
  )
);

function renderJudgedAgainst(baselines: LatencyBaselines) {
  const analysed = analyseTrace(checkout, baselines, DEFAULT_ANALYSIS_SETTINGS, compileRedaction());
  render(<TraceBaselines analysed={analysed} slowFactor={DEFAULT_ANALYSIS_SETTINGS.slowFactor} />);
}

describe('TraceBaselines on a young stack', () => {
  it('says there is no baseline yet, and from when traces are judged, when no operation has one', () => {
    expect(baselineAnchor(START_MS)).toBe(Date.UTC(2026, 11, 7, 23, 5) / 1000);
    renderJudgedAgainst(new Map());

    const alert = screen.getByRole('status');
    expect(alert).toHaveTextContent('No baseline yet');
    expect(alert).toHaveTextContent(
      'The span metrics hold no traffic of this trace’s operations before 2026-12-07 23:05 UTC, so no span of it is ' +
        'judged slow.'
    );
    expect(alert).toHaveTextContent('traces that start from 2026-12-07 23:10 UTC on are judged');
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('counts a few minutes of traffic in minutes', () => {
    renderJudgedAgainst(
      new Map([[baselineKey('gateway', 'POST /checkout'), { p99Ms: 80, worstP99Ms: 90, windows: 12, requests: 900 }]])
    );

    const rows = within(screen.getByRole('table', { name: 'Latency baselines of the trace’s operations' }))
      .getAllByRole('row')
      .map((row) => row.textContent);
    expect(rows[1]).toBe('gateway · POST /checkout80 ms90012 minthin: 12 min of traffic');
    expect(rows[2]).toContain('no baseline');
  });
});
