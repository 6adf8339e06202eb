import { DEFAULT_REDACTION_SETTINGS, analyzeTrace, compileRedaction, redactTrace } from '../../../analysis';
import { connectionPoolWait, healthyTrace } from '../../../analysis/fixtures';
import { raiseTarget } from './raiseTarget';

describe('raiseTarget', () => {
  it('is the root service and operation, where the sampling decision for the whole trace is made', () => {
    // The bottleneck is in payments; the trace starts at gateway, whose decision payments follows.
    expect(raiseTarget(analyzeTrace(connectionPoolWait()))).toEqual({
      service: 'gateway',
      operation: 'GET /checkout',
      troubleIn: 'payments',
    });
  });

  it('names no other service for a trace without findings', () => {
    expect(raiseTarget(analyzeTrace(healthyTrace()))).toEqual({ service: 'gateway', operation: 'GET /checkout' });
  });

  it('leaves the operation out when redaction changed the root span name', () => {
    const analysis = analyzeTrace(connectionPoolWait());
    const redactor = compileRedaction({ ...DEFAULT_REDACTION_SETTINGS, valuePatterns: ['checkout'] });
    const target = raiseTarget({ ...analysis, trace: redactTrace(analysis.trace, redactor) });
    expect(target).toEqual({ service: 'gateway', troubleIn: 'payments' });
  });
});
