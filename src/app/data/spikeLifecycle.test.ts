import type { Override } from '../../contract';
import { describeEnding, spikeState, spikesDuring } from './spikeLifecycle';

const NOW = new Date('2026-12-07T12:00:00Z');
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString();

function spike(overrides: Partial<Override> = {}): Override {
  return {
    id: 'ovr-1',
    service: 'fraud',
    samplingRate: 0.5,
    reason: 'INC-1',
    createdBy: 'alice',
    createdAt: at(-10),
    expiresAt: at(5),
    active: true,
    ...overrides,
  };
}

describe('spikeState', () => {
  it('runs until it expires', () => {
    expect(spikeState(spike(), NOW)).toEqual({ kind: 'active', endsAt: new Date(at(5)) });
    expect(spikeState(spike({ expiresAt: at(-1), active: false }), NOW)).toEqual({
      kind: 'expired',
      at: new Date(at(-1)),
    });
  });

  it('names who reverted it, and says an alert resolved when Alertmanager ended its own spike', () => {
    const reverted = spike({ revokedAt: at(-2), revokedBy: 'bob', revokeReason: 'done', active: false });
    expect(describeEnding(spikeState(reverted, NOW))).toBe('reverted by bob');
    const alert = { name: 'HighErrorRate', fingerprint: 'f', startsAt: at(-20) };
    const resolved = spike({ alert, createdBy: 'alertmanager', revokedAt: at(-2), revokedBy: 'alertmanager' });
    expect(describeEnding(spikeState(resolved, NOW))).toBe('alert HighErrorRate resolved');
    // A person reverting an alert's spike is a revert, not a resolution.
    expect(describeEnding(spikeState({ ...resolved, revokedBy: 'carol' }, NOW))).toBe('reverted by carol');
  });

  it('says the goal ended it, with the count, even though the controller also set revokedAt', () => {
    const reached = spike({
      revokedAt: at(-3),
      revokedBy: 'controller',
      goal: { stopAfterTraces: 100, traces: 103, reachedAt: at(-3) },
    });
    expect(spikeState(reached, NOW)).toEqual({ kind: 'goal-reached', at: new Date(at(-3)), traces: 103, goal: 100 });
    expect(describeEnding(spikeState(reached, NOW))).toBe('goal reached: 103 traces (goal 100)');
  });
});

describe('spikesDuring', () => {
  it('keeps the spikes that applied at some moment of the range, oldest first', () => {
    const before = spike({ id: 'before', createdAt: at(-60), expiresAt: at(-40) });
    const overlapping = spike({ id: 'overlapping', createdAt: at(-40), expiresAt: at(-25) });
    const running = spike({ id: 'running', createdAt: at(-5) });
    const revertedEarly = spike({ id: 'reverted', createdAt: at(-40), revokedAt: at(-35), expiresAt: at(60) });
    const fromMs = NOW.getTime() - 30 * 60_000;
    expect(
      spikesDuring([running, before, overlapping, revertedEarly], fromMs, NOW.getTime(), NOW).map((s) => s.id)
    ).toEqual(['overlapping', 'running']);
  });
});
