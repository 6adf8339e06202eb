import { describe, expect, it } from '@jest/globals';

import type { RuleId, Severity } from '../../analysis';
import type { AnomalousTrace } from './candidateAnalysis';
import { MIN_QUIET_MS, groupAnomalousTraces, quietWindowMs } from './traceGroups';

const END_S = 1_765_000_000;
const HOUR = { start: END_S - 3600, end: END_S };

let next = 0;
function row(
  over: Partial<AnomalousTrace> & { rule?: RuleId; severity?: Severity; cause?: AnomalousTrace['cause'] } = {}
): AnomalousTrace {
  const { rule = 'swallowed-error', severity = 'warning', ...rest } = over;
  next += 1;
  return {
    traceId: `t${String(next).padStart(4, '0')}`,
    rootService: 'gateway',
    rootOperation: 'POST /checkout',
    startUnixMs: END_S * 1000 - 30_000,
    durationMs: 40,
    score: 10,
    rules: [{ rule, severity }],
    worst: {
      rule,
      severity,
      spanIds: ['a'],
      measured: 1,
      threshold: 1,
      unit: 'spans',
      explanation: '`payments POST /charge` swallowed an error',
    },
    cause: { service: 'payments', operation: 'POST /charge' },
    evidenceServices: ['payments'],
    ...rest,
  };
}

describe('groupAnomalousTraces', () => {
  it('makes one group with its count of traces sharing root operation, rule and cause', () => {
    const swallowed = Array.from({ length: 18 }, (_, i) => row({ startUnixMs: END_S * 1000 - (i + 1) * 60_000 }));
    const groups = groupAnomalousTraces(
      [...swallowed, row({ rule: 'slow', cause: { service: 'ledger', operation: 'SELECT ledger_entries' } })],
      HOUR
    );
    expect(groups.map((g) => [g.rule, g.traces.length])).toEqual([
      ['swallowed-error', 18],
      ['slow', 1],
    ]);
    expect(groups[0]).toMatchObject({
      rootService: 'gateway',
      rootOperation: 'POST /checkout',
      cause: { service: 'payments', operation: 'POST /charge' },
      firstSeenMs: END_S * 1000 - 18 * 60_000,
      lastSeenMs: END_S * 1000 - 60_000,
    });
  });

  it('keeps traces apart whose root operation, rule or cause differ', () => {
    const groups = groupAnomalousTraces(
      [
        row(),
        row({ rootOperation: 'GET /cart' }),
        row({ rule: 'error', severity: 'critical' }),
        row({ cause: { service: 'payments', operation: 'POST /refund' } }),
        row({ cause: { service: 'fraud', operation: 'POST /charge' } }),
      ],
      HOUR
    );
    expect(groups).toHaveLength(5);
  });

  it('puts the worst trace first in its group and uses it as the example', () => {
    const mild = row({ score: 10 });
    const worse = row({ score: 30 });
    const [group] = groupAnomalousTraces([mild, worse], HOUR);
    expect(group?.traces.map((t) => t.traceId)).toEqual([worse.traceId, mild.traceId]);
  });

  it('ranks groups by their worst trace’s severity and score, then by count', () => {
    const big = Array.from({ length: 5 }, () => row({ score: 10 }));
    const small = [row({ score: 10, rootOperation: 'GET /cart' })];
    const critical = [row({ rule: 'error', severity: 'critical', score: 100, rootOperation: 'GET /a' })];
    const higher = [row({ score: 20, rootOperation: 'GET /b' })];
    const groups = groupAnomalousTraces([...small, ...big, ...higher, ...critical], HOUR);
    expect(groups.map((g) => [g.rootOperation, g.traces.length])).toEqual([
      ['GET /a', 1],
      ['GET /b', 1],
      ['POST /checkout', 5],
      ['GET /cart', 1],
    ]);
  });

  it('calls a group ongoing while it had a trace in the last tenth of the range, ended otherwise', () => {
    const quiet = quietWindowMs(HOUR);
    expect(quiet).toBe(360_000);
    const recent = row({ startUnixMs: END_S * 1000 - quiet + 1000 });
    const old = row({ rootOperation: 'GET /cart', startUnixMs: END_S * 1000 - quiet - 1000 });
    const groups = groupAnomalousTraces([recent, old], HOUR);
    expect(groups.map((g) => [g.rootOperation, g.ongoing])).toEqual([
      ['POST /checkout', true],
      ['GET /cart', false],
    ]);
  });

  it('waits at least a minute before calling a group ended in a short range', () => {
    expect(quietWindowMs({ start: END_S - 300, end: END_S })).toBe(MIN_QUIET_MS);
    const [group] = groupAnomalousTraces([row({ startUnixMs: END_S * 1000 - 50_000 })], {
      start: END_S - 300,
      end: END_S,
    });
    expect(group?.ongoing).toBe(true);
  });
});
