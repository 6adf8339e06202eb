/**
 * The span the metrics and logs narrow to, picked from a searchable list next to the waterfall.
 * Grafana's embedded trace view does not report clicks on its rows to the panel that renders it,
 * so selection lives here and flows one way: into the waterfall (`focusedSpanId`), the PromQL and
 * the LogQL.
 */
import React, { useId, useMemo } from 'react';
import { Combobox, type ComboboxOption, Field } from '@grafana/ui';

import type { Span, Trace } from '../../../analysis';

/** One option per span in start order; evidence and failed spans say so, so they can be found by typing. */
function spanOptions(trace: Trace, evidence: ReadonlySet<string>): Array<ComboboxOption<string>> {
  const byStart = [...trace.spans].sort((a, b) => a.startMs - b.startMs || a.depth - b.depth);
  return byStart.map((span: Span) => {
    const notes = [
      `${Math.round(span.durationMs * 10) / 10} ms`,
      ...(span.status === 'error' ? ['error'] : []),
      ...(evidence.has(span.id) ? ['evidence'] : []),
    ];
    return { value: span.id, label: `${span.service} · ${span.name}`, description: notes.join(' · ') };
  });
}

interface Props {
  trace: Trace;
  selectedSpanId: string | undefined;
  onSelect: (spanId: string | undefined) => void;
  evidence: ReadonlySet<string>;
}

export function SpanPicker({ trace, selectedSpanId, onSelect, evidence }: Props) {
  const id = useId();
  const options = useMemo(() => spanOptions(trace, evidence), [trace, evidence]);
  return (
    <Field
      label="Span"
      description="Narrows the metrics to its service and operation and the logs to its span ID"
      noMargin
    >
      <Combobox
        id={id}
        options={options}
        value={selectedSpanId ?? null}
        placeholder="Whole trace"
        isClearable
        onChange={(option) => onSelect(option?.value)}
      />
    </Field>
  );
}
