import type { Override } from '../../../contract';
import { spikeVerdict } from './spikeVerdict';

const raisedAt = new Date('2025-06-01T10:00:00Z');
const spike: Override = {
  id: 'ovr-1',
  service: 'payments',
  samplingRate: 1,
  reason: 'INC-1',
  createdBy: 'alice',
  createdAt: raisedAt.toISOString(),
  expiresAt: new Date(raisedAt.getTime() + 900_000).toISOString(),
  active: true,
};
const settlesAt = new Date(raisedAt.getTime() + 90_000);
const later = new Date(raisedAt.getTime() + 120_000);
const secondsAfterRaise = (s: number) => new Date(raisedAt.getTime() + s * 1000);

describe('spikeVerdict', () => {
  it('gives the factor by which the rate of traces starting at the service went up', () => {
    expect(spikeVerdict({ before: 0.2, after: 4, checkedAt: later }, spike, settlesAt)).toBe(
      'Rate of traces starting at payments went up ×20: 0.2/s before, 4/s now.'
    );
  });

  it('names the operation of an operation spike', () => {
    expect(
      spikeVerdict({ before: 0.2, after: 4, checkedAt: later }, { ...spike, operation: 'POST /charge' }, settlesAt)
    ).toBe('Rate of traces starting at payments (POST /charge) went up ×20: 0.2/s before, 4/s now.');
  });

  it('says the rate went up from nothing without a factor', () => {
    expect(spikeVerdict({ after: 3, checkedAt: later }, spike, settlesAt)).toBe(
      'Rate of traces starting at payments went up: none before, 3/s now.'
    );
  });

  it('asks whether a service that never polled is polling', () => {
    expect(spikeVerdict({ before: 1, after: 1, checkedAt: later }, spike, settlesAt)).toBe(
      'No change yet (1/s before, 1/s now) — is payments polling? It has never polled the controller.'
    );
  });

  it('points upstream when the service has the new rate but its rate did not move', () => {
    const verdict = spikeVerdict(
      { before: 1, after: 1, lastPoll: secondsAfterRaise(20), checkedAt: later },
      spike,
      settlesAt
    );
    expect(verdict).toBe(
      'No change yet (1/s before, 1/s now), though payments has polled since the spike (last poll 100 s ago). ' +
        'If its traces start upstream, raise sampling there.'
    );
  });
});
