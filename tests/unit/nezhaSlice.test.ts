/**
 * The regression slice of the Nezha evaluation (eval/fixtures/nezha-slice, docs/evaluation.md): six faults of the
 * four types that the suspect ranking puts first today. It runs the same code as `npm run eval`. tt-06 is first only
 * since log patterns are read (the ranking before them fails here).
 */
import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { evaluateFault } from '../../eval/evaluateFault';
import { RowCounts, readFaults } from '../../eval/nezhaData';

const dir = join(__dirname, '../../eval/fixtures/nezha-slice/trainticket');
const { faults } = readFaults(dir);

describe('suspects on the Nezha regression slice', () => {
  const results = faults.map((fault) =>
    evaluateFault({ dir, fault, window: 'before', faultFreeMinute: undefined, counts: new RowCounts() })
  );

  it.each(faults.map((f, i) => [`${f.id} (${f.inject_type} in ${f.service})`, i] as const))(
    'ranks the injected service first for %s',
    (_label, i) => {
      const result = results[i]!;
      expect(result.ranking?.verdict).toBe('ranked');
      expect(result.ranking?.suspects[0]?.service).toBe(result.fault.service);
    }
  );

  it('covers every fault type and localises faults that ranking services by their findings does not', () => {
    expect(new Set(faults.map((f) => f.inject_type)).size).toBe(4);
    const missedByFindings = results.filter((r) => r.findingsRank !== 1).map((r) => r.fault.id);
    expect(missedByFindings.length).toBeGreaterThan(0);
  });
});
