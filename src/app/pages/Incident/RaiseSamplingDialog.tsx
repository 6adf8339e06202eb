/**
 * The Raise sampling dialog: service, optional operation, rate, duration within the guardrails, and a
 * required reason; plus what a spike can change, because the services' samplers are parent-based, why this service
 * when the trouble is in another, and what to expect: the rate now and the traces per second at the new rate.
 */
import React, { useState } from 'react';
import { Alert, Button, Field, Input, Modal, Stack } from '@grafana/ui';

import type { CreateOverrideBody, Guardrails } from '../../../contract';
import type { SourcedRate } from '../../data/rateSource';
import { type RaiseDraft, type RaisePrefill, type RaiseProblems, initialDraft, validateRaise } from './raiseSampling';
import { RaiseExpectation } from './RaiseExpectation';
import type { RaiseLink } from './urlState';

export interface RaiseSamplingDialogProps {
  target: RaiseLink;
  guardrails: Guardrails;
  /** From a suggested spike: rate, duration, goal and reason filled in. */
  prefill?: RaisePrefill;
  /** Why the viewer may not change a service's sampling (the controller refuses it too); undefined when they may. */
  blockedReason: (service: string) => string | undefined;
  /** The service's sampling rate now (service-wide), if the controller knows it. */
  samplingRateOf: (service: string) => number | undefined;
  /** The requests the service receives, if the overview has them. */
  requestRateOf: (service: string) => SourcedRate | undefined;
  onSubmit: (body: CreateOverrideBody) => void;
  onDismiss: () => void;
  busy: boolean;
  /** The controller's answer to the last attempt; shown here because the modal hides the page behind it. */
  error?: string;
}

export function RaiseSamplingDialog({
  target,
  guardrails,
  prefill,
  blockedReason,
  samplingRateOf,
  requestRateOf,
  onSubmit,
  onDismiss,
  busy,
  error,
}: RaiseSamplingDialogProps) {
  const [draft, setDraft] = useState<RaiseDraft>(() =>
    initialDraft(target.service, guardrails, prefill, target.operation)
  );
  const service = draft.service.trim();
  const [problems, setProblems] = useState<RaiseProblems>({});
  // A link can name any service, and the Service field can be edited: say up front what the controller would refuse.
  const blocked = service ? blockedReason(service) : undefined;
  const field = (key: keyof RaiseDraft) => ({
    invalid: Boolean(problems[key]),
    error: problems[key],
  });
  const input = (key: keyof RaiseDraft) => ({
    id: `raise-${key}`,
    value: draft[key],
    onChange: (event: React.ChangeEvent<HTMLInputElement>) => setDraft({ ...draft, [key]: event.currentTarget.value }),
  });

  const submit = (event: React.SyntheticEvent) => {
    event.preventDefault();
    const result = validateRaise(draft, guardrails);
    if (result.problems) {
      setProblems(result.problems);
      return;
    }
    setProblems({});
    onSubmit(result.body);
  };

  return (
    <Modal title="Raise sampling" isOpen onDismiss={onDismiss}>
      <form onSubmit={submit} aria-label="Raise sampling">
        {/* The samplers follow the caller's decision (ParentBased), so a responder who raises a downstream
            service and sees no new traces should know where to raise instead. */}
        <Alert severity="info" role="note" title={`Only traces that start at ${service || 'this service'}`}>
          The OpenTelemetry samplers are parent-based: calls arriving from upstream keep the upstream service&apos;s
          decision. To catch those traces, raise sampling where they start.
          {target.troubleIn && service === target.service && (
            <>
              {' '}
              The trouble is in {target.troubleIn}, but these traces start at {target.service}
              {target.operation ? ` (${target.operation})` : ''}: raising {target.troubleIn} would keep none of them.
            </>
          )}
        </Alert>
        <Field label="Service" invalid={Boolean(problems.service ?? blocked)} error={problems.service ?? blocked}>
          <Input {...input('service')} />
        </Field>
        <Field
          label="Operation"
          description="Optional: applies to root spans of this operation, the traces that start with it; leave empty for the whole service"
          {...field('operation')}
        >
          <Input {...input('operation')} placeholder="e.g. POST /charge" />
        </Field>
        {/* Side by side, so the reason and the buttons stay in view in a laptop-sized window. */}
        <Stack direction="row" gap={2} alignItems="flex-start">
          <Field
            label="Rate"
            description={`Share of traces to keep, at most ${guardrails.maxSamplingRate * 100}%`}
            {...field('ratePercent')}
          >
            <Input {...input('ratePercent')} inputMode="decimal" suffix="%" width={16} />
          </Field>
          <Field
            label="Duration"
            description={`Ends by itself; at most ${Math.floor(guardrails.maxDurationSeconds / 60)} min`}
            {...field('durationMinutes')}
          >
            <Input {...input('durationMinutes')} inputMode="numeric" suffix="min" width={16} />
          </Field>
          <Field
            label="Stop after traces"
            description={
              guardrails.traceGoals
                ? 'Optional: ends earlier, once this many traces of the service (and operation) were recorded'
                : 'The controller cannot count traces (no PROMETHEUS_URL): the spike would run for the whole duration'
            }
            {...field('stopAfterTraces')}
          >
            <Input
              {...input('stopAfterTraces')}
              inputMode="numeric"
              suffix="traces"
              width={20}
              placeholder="e.g. 200"
            />
          </Field>
        </Stack>
        <Field
          label="Reason"
          required
          description="Shown to other responders and kept in the audit log"
          {...field('reason')}
        >
          <Input {...input('reason')} aria-required placeholder="e.g. INC-123: checkout 5xx, need full traces" />
        </Field>
        {service && (
          <RaiseExpectation
            service={service}
            operation={draft.operation.trim() || undefined}
            currentRate={samplingRateOf(service)}
            newRatePercent={draft.ratePercent}
            requests={requestRateOf(service)}
          />
        )}
        {error && (
          <Alert severity="error" title="The controller refused">
            {error}
          </Alert>
        )}
        <Modal.ButtonRow>
          <Button variant="secondary" fill="outline" onClick={onDismiss}>
            Cancel
          </Button>
          <Button type="submit" disabled={busy || Boolean(blocked)}>
            {busy ? 'Raising…' : 'Raise sampling'}
          </Button>
        </Modal.ButtonRow>
      </form>
    </Modal>
  );
}
