import React from 'react';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import type { ShownRanking, ShownSuspect } from '../../data/suspectAnalysis';
import type { Suspects } from '../../data/suspects';
import { renderInApp } from '../../testing/renderInApp';
import { WhereToLookFirst } from './WhereToLookFirst';

const payments: ShownSuspect = {
  service: 'payments',
  operation: 'SELECT ledger_entries',
  reason: 'own time over 2× its baseline p99 in 9 traces, median ×14.0, 390 ms extra per trace (baseline rate: 0.0)',
  traces: 9,
  expected: 0,
  kinds: ['own-time'],
  example: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) },
};
const ledger: ShownSuspect = {
  service: 'ledger-db',
  reason: '200 ms extra on the wire per trace in 4 traces (calls from payments) (baseline rate: 0.2)',
  traces: 4,
  expected: 0.2,
  kinds: ['wire'],
};

function suspects(ranking: Partial<ShownRanking> = {}, partial: string[] = []): Suspects {
  return {
    ranking: {
      verdict: 'ranked',
      suspects: [payments, ledger],
      notes: ['compared with 80 baseline traces that start 3540 s to 12 s before the range'],
      rangeTraces: 40,
      baselineTraces: 80,
      baselineFromMs: Date.UTC(2026, 11, 7, 21, 0, 5),
      baselineToMs: Date.UTC(2026, 11, 7, 21, 59, 48),
      ...ranking,
    },
    baselineWindow: { start: Date.UTC(2026, 11, 7, 21) / 1000, end: Date.UTC(2026, 11, 7, 22) / 1000 },
    partial,
  };
}

const mine = (service: string) => service.startsWith('payments');

describe('Where to look first', () => {
  it('lists the suspects most evidence first, with the reason, and an example trace opened at the evidence span', () => {
    renderInApp(<WhereToLookFirst suspects={suspects()} inScope={mine} onSelect={() => {}} />);

    const list = screen.getByRole('list', { name: 'Suspects, most evidence first' });
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent('payments · SELECT ledger_entries');
    expect(items[0]).toHaveTextContent('390 ms extra per trace');
    const link = within(items[0]!).getByRole('link', { name: 'Open an example trace' });
    const href = new URL(link.getAttribute('href')!, 'http://grafana');
    expect(href.pathname).toBe('/a/seed-tracingops-app/trace');
    expect([href.searchParams.get('traceId'), href.searchParams.get('spanId')]).toEqual([
      'a'.repeat(32),
      'b'.repeat(16),
    ]);
    // Without an example, no link that would open nothing.
    expect(within(items[1]!).queryByRole('link')).toBeNull();
    expect(
      screen.getByText(/Compared 40 traces of the range with 80 traces from the hour before it/)
    ).toBeInTheDocument();
    expect(screen.queryByText(/The baseline is thin/)).toBeNull();
  });

  it('narrows the list to a suspect on a click, and shows all again on a second one', async () => {
    const onSelect = jest.fn();
    const { unmount } = renderInApp(<WhereToLookFirst suspects={suspects()} inScope={mine} onSelect={onSelect} />);

    await userEvent.click(screen.getByRole('button', { name: 'Only traces whose evidence involves payments' }));
    expect(onSelect).toHaveBeenLastCalledWith('payments');

    unmount();
    renderInApp(<WhereToLookFirst suspects={suspects()} inScope={mine} selected="payments" onSelect={onSelect} />);
    const selected = screen.getByRole('button', {
      name: 'Show all anomalous traces again, not only those involving payments',
    });
    expect(selected).toHaveAttribute('aria-pressed', 'true');
    await userEvent.click(selected);
    expect(onSelect).toHaveBeenLastCalledWith(undefined);
  });

  it('names a suspect outside the scope and marks it so', () => {
    renderInApp(<WhereToLookFirst suspects={suspects()} inScope={mine} onSelect={() => {}} />);

    const [ours, theirs] = screen.getAllByRole('listitem');
    expect(theirs).toHaveTextContent('ledger-db');
    expect(within(theirs!).getByText('not in your scope')).toBeInTheDocument();
    expect(within(ours!).queryByText('not in your scope')).toBeNull();
  });

  it('states plainly that there is not enough evidence, with the ranking’s reasons, and lists no suspect', () => {
    renderInApp(
      <WhereToLookFirst
        suspects={suspects({
          verdict: 'not-enough-evidence',
          suspects: [ledger],
          notes: ['the strongest change (ledger-db) shows in 2 traces; at least 3 are needed'],
        })}
        inScope={mine}
        onSelect={() => {}}
      />
    );

    expect(screen.getByText('Not enough evidence to say where to look first')).toBeInTheDocument();
    expect(
      screen.getByText('the strongest change (ledger-db) shows in 2 traces; at least 3 are needed')
    ).toBeInTheDocument();
    expect(screen.queryByRole('list', { name: 'Suspects, most evidence first' })).toBeNull();
    expect(screen.queryByRole('button', { name: /Only traces whose evidence involves/ })).toBeNull();
  });

  it('says when the baseline is thin, and what the searches could not see', () => {
    renderInApp(
      <WhereToLookFirst
        suspects={suspects({ baselineTraces: 12 }, ['Baseline: 3 traces found by the search could not be loaded.'])}
        inScope={mine}
        onSelect={() => {}}
      />
    );

    expect(screen.getByText(/with 12 traces from the hour before it/)).toHaveTextContent(
      'The baseline is thin (under 50 traces)'
    );
    expect(screen.getByText('Baseline: 3 traces found by the search could not be loaded.')).toBeInTheDocument();
  });

  it('says it waits for the baseline before there is any ranking', () => {
    renderInApp(
      <WhereToLookFirst suspects={{ ...suspects(), ranking: undefined }} inScope={mine} onSelect={() => {}} />
    );

    expect(screen.getByText('Waiting for the baseline from before the range…')).toBeInTheDocument();
  });
});
