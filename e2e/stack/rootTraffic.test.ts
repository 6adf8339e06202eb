/**
 * How the real-stack tests read a sampler's decisions from Jaeger: root spans paired with the requests that caused
 * them, and the moment a sampler switched. Plain data, no stack.
 */
import { describe, expect, it } from '@jest/globals';

import { type RootRequest, type SampledRequest, firstRun, matchRootSpans } from './rootTraffic';

const request = (sentAt: number, doneAt: number): RootRequest => ({ sentAt, doneAt, status: 200 });
const outcomes = (pattern: string, everyMs = 50): SampledRequest[] =>
  [...pattern].map((c, k) => ({ ...request(k * everyMs, k * everyMs + 10), sampled: c === '+' }));

describe('matchRootSpans', () => {
  it('marks a request sampled when a root span starts between its send and its answer', () => {
    const { requests, strays } = matchRootSpans(
      [request(1000, 1040), request(1050, 1090), request(1100, 1140)],
      [1001, 1102]
    );
    expect(requests.map((r) => r.sampled)).toEqual([true, false, true]);
    expect(strays).toBe(0);
  });

  it('gives the span to the request sent just before it when a slow answer is followed at once by the next request', () => {
    // The first answer came at 1014 and the next request left at 1015; its span started at 1016, within the
    // slack after the first answer, and still belongs to the second request.
    const { requests, strays } = matchRootSpans([request(921, 1014), request(1015, 1060)], [922, 1016]);
    expect(requests.map((r) => r.sampled)).toEqual([true, true]);
    expect(strays).toBe(0);
  });

  it('counts a second span in one request, and a span outside every request, as strays', () => {
    const { requests, strays } = matchRootSpans([request(1000, 1040), request(2000, 2040)], [1001, 1020, 1500]);
    expect(requests.map((r) => r.sampled)).toEqual([true, false]);
    expect(strays).toBe(2);
  });
});

describe('firstRun', () => {
  it('finds where a run of the given length begins, ignoring shorter runs before it', () => {
    expect(firstRun(outcomes('-+-++-+++++---'), 0, Infinity, true, 5)).toBe(6 * 50);
    expect(firstRun(outcomes('++-+++--+---+-'), 0, Infinity, false, 3)).toBe(9 * 50);
  });

  it('keeps the start of a spike when one trace in it is lost on its way into Jaeger', () => {
    expect(firstRun(outcomes('--+-++++++++++++-+++++'), 0, Infinity, true, 10)).toBe(4 * 50);
  });

  it('looks only inside the window and answers undefined when no run is long enough', () => {
    expect(firstRun(outcomes('+++++-----'), 150, Infinity, true, 3)).toBeUndefined();
    expect(firstRun(outcomes('+++++-----'), 0, 200, false, 1)).toBeUndefined();
  });
});
