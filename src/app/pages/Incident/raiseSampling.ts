/**
 * The Raise sampling form: a draft as typed (percent and minutes, the units a responder thinks in),
 * its validation against the contract and the controller's guardrails, and the exact request body.
 */
import { type CreateOverrideBody, CreateOverrideBodySchema, type Guardrails } from '../../../contract';

export interface RaiseDraft {
  service: string;
  operation: string;
  ratePercent: string;
  durationMinutes: string;
  /** Optional: end once this many traces were recorded (needs the controller to reach Prometheus). */
  stopAfterTraces: string;
  reason: string;
}

/** What a suggestion fills in; the rest comes from the guardrails. */
export interface RaisePrefill {
  samplingRate: number;
  durationSeconds: number;
  stopAfterTraces?: number;
  reason: string;
}

export type RaiseProblems = Partial<Record<keyof RaiseDraft, string>>;

export function initialDraft(
  service: string,
  guardrails: Guardrails,
  prefill?: RaisePrefill,
  operation = ''
): RaiseDraft {
  const minutes = Math.min(15, Math.floor(guardrails.maxDurationSeconds / 60));
  if (prefill) {
    return {
      service,
      operation,
      ratePercent: String(Number((prefill.samplingRate * 100).toPrecision(6))),
      durationMinutes: String(Math.max(1, Math.round(prefill.durationSeconds / 60))),
      stopAfterTraces: prefill.stopAfterTraces === undefined ? '' : String(prefill.stopAfterTraces),
      reason: prefill.reason,
    };
  }
  return {
    service,
    operation,
    ratePercent: String(Math.min(100, guardrails.maxSamplingRate * 100)),
    durationMinutes: String(Math.max(1, minutes)),
    stopAfterTraces: '',
    reason: '',
  };
}

export function validateRaise(
  draft: RaiseDraft,
  guardrails: Guardrails
): { body: CreateOverrideBody; problems?: undefined } | { body?: undefined; problems: RaiseProblems } {
  const problems: RaiseProblems = {};
  const rate = Number(draft.ratePercent);
  const minutes = Number(draft.durationMinutes);
  const maxPercent = guardrails.maxSamplingRate * 100;
  const maxMinutes = guardrails.maxDurationSeconds / 60;
  if (!draft.ratePercent.trim() || !Number.isFinite(rate) || rate <= 0 || rate > maxPercent) {
    problems.ratePercent = `Enter a rate above 0% and at most ${maxPercent}%`;
  }
  if (!draft.durationMinutes.trim() || !Number.isInteger(minutes) || minutes < 1 || minutes > maxMinutes) {
    problems.durationMinutes = `Enter whole minutes from 1 to ${Math.floor(maxMinutes)} (the controller's limit)`;
  }
  const goal = draft.stopAfterTraces.trim();
  if (goal && !/^\d+$/.test(goal)) {
    problems.stopAfterTraces = 'Enter a whole number of traces, or leave it empty to run for the whole duration';
  }
  if (!draft.reason.trim()) {
    problems.reason = 'Say why: the reason is shown to other responders and kept in the audit log';
  }
  const candidate = {
    service: draft.service.trim(),
    ...(draft.operation.trim() ? { operation: draft.operation.trim() } : {}),
    samplingRate: rate / 100,
    durationSeconds: minutes * 60,
    ...(goal ? { stopAfterTraces: Number(goal) } : {}),
    reason: draft.reason.trim(),
  };
  const parsed = CreateOverrideBodySchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = {
        service: 'service',
        operation: 'operation',
        stopAfterTraces: 'stopAfterTraces',
        reason: 'reason',
      }[String(issue.path[0])] as keyof RaiseDraft | undefined;
      if (field && !problems[field]) {
        problems[field] = issue.message;
      }
    }
  }
  return Object.keys(problems).length > 0 ? { problems } : { body: candidate };
}
