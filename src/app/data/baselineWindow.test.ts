import { baselineParam, incidentBaseline, parseBaselineParam, singleTraceBaseline } from './baselineWindow';

describe('baseline windows', () => {
  it('carries an incident range through the Trace page URL and back', () => {
    const range = { start: 1_764_000_000, end: 1_764_001_800 };
    expect(parseBaselineParam(baselineParam(range))).toEqual(range);
    expect(incidentBaseline(range)).toEqual({ end: range.end, seconds: 1800, precedingWindow: true });
  });

  it.each([null, '', '5-5', '9-1', '1-2-3', '-1-5', '1.5-9', ' 1-9', '1-9&x=1', `0-${91 * 24 * 3600}`])(
    'treats %j as no range, so the trace is judged on its own',
    (value) => expect(parseBaselineParam(value)).toBeUndefined()
  );

  it('judges a trace on its own against the hour up to its end', () => {
    expect(singleTraceBaseline({ startUnixMs: 1_000_500, durationMs: 700 })).toEqual({
      end: 1002,
      seconds: 3600,
      precedingWindow: false,
    });
  });
});
