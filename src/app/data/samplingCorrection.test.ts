import type { SamplingSegment } from '../../contract';
import { correctedRates, meanSamplingRate } from './samplingCorrection';

const T0 = Date.parse('2026-12-07T12:00:00Z');
const iso = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const base: SamplingSegment['source'] = { kind: 'base-default' };
const spike: SamplingSegment['source'] = { kind: 'override', overrideId: 'ovr-1' };

/** 10 % until 300 s, a spike to 100 % until 420 s, 10 % again until 900 s. */
const history: SamplingSegment[] = [
  { from: iso(0), to: iso(300), samplingRate: 0.1, source: base },
  { from: iso(300), to: iso(420), samplingRate: 1, source: spike },
  { from: iso(420), to: iso(900), samplingRate: 0.1, source: base },
];

describe('meanSamplingRate', () => {
  it('weighs each piece by how much of the window it covers', () => {
    expect(meanSamplingRate(history, T0, T0 + 300_000)).toBeCloseTo(0.1);
    // 60 s at 10 %, 60 s at 100 %.
    expect(meanSamplingRate(history, T0 + 240_000, T0 + 360_000)).toBeCloseTo(0.55);
  });

  it('knows nothing before the history starts, nor while the service is rate limited', () => {
    expect(meanSamplingRate(history, T0 - 60_000, T0 + 60_000)).toBeUndefined();
    const limited: SamplingSegment[] = [{ from: iso(0), to: iso(900), maxTracesPerSecond: 5, source: base }];
    expect(meanSamplingRate(limited, T0, T0 + 60_000)).toBeUndefined();
  });
});

describe('correctedRates', () => {
  it('turns sampled spans into the same request rate before, during and after a spike', () => {
    // 4 requests/s throughout: sampled spans/s are 0.4 at 10 % and 4 at 100 %, mixed where the window straddles.
    const timestamps = [240, 360, 420, 480, 600].map((s) => T0 / 1000 + s);
    const sampled = [0.4, 0.4 * 0.5 + 4 * 0.5, 4, 4 * 0.5 + 0.4 * 0.5, 0.4];
    const corrected = correctedRates(sampled, timestamps, 120, history);
    for (const value of corrected) {
      expect(value).toBeCloseTo(4);
    }
    expect(correctedRates([null, 1], [T0 / 1000 + 240, T0 / 1000 + 60], 120, history)).toEqual([null, null]);
  });
});
