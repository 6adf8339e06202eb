import { analyzeTrace } from '../../../analysis';
import { connectionPoolWait, healthyTrace } from '../../../analysis/fixtures';
import { raiseTarget } from './raiseTarget';

describe('raiseTarget', () => {
  it('is the service of the worst finding’s evidence', () => {
    expect(raiseTarget(analyzeTrace(connectionPoolWait()), undefined)).toBe('payments');
  });

  it('is the selected span’s service when a span is selected', () => {
    const analysis = analyzeTrace(connectionPoolWait());
    const auth = analysis.trace.spans.find((s) => s.service === 'auth');
    expect(raiseTarget(analysis, auth)).toBe('auth');
  });

  it('is the entry service of a trace without findings', () => {
    expect(raiseTarget(analyzeTrace(healthyTrace()), undefined)).toBe('gateway');
  });
});
