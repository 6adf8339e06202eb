import { describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { goldenRecord } from './fixtures/golden';

const GOLDEN = join(__dirname, 'fixtures', 'findings.golden.jsonl');

describe('the analysis’ conclusions', () => {
  it('stay byte-identical to the golden record for every pattern, benchmark corpus and damaged trace', () => {
    const actual = goldenRecord();
    if (process.env.UPDATE_GOLDEN === '1') {
      writeFileSync(GOLDEN, actual);
    }
    const expected = readFileSync(GOLDEN, 'utf8');
    // Compared per case so a difference names the trace it is in.
    const actualLines = actual.split('\n');
    expected.split('\n').forEach((line, i) => expect(actualLines[i]).toBe(line));
    expect(actualLines).toHaveLength(expected.split('\n').length);
  });
});
