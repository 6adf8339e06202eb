/** The Trace page: one trace with its services' metrics and its logs side by side, opened by trace id. */
import React, { SyntheticEvent, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { PluginPage } from '@grafana/runtime';
import { Button, Card, Field, Input, Stack, Text, TextLink } from '@grafana/ui';

import { AppPage, SETTINGS_URL, appUrl } from '../../routes';
import { parseTraceId } from './traceId';

export function TracePage() {
  const [searchParams, setSearchParams] = useSearchParams();
  const traceId = searchParams.get('traceId') ?? '';
  const [draft, setDraft] = useState(traceId);
  const [invalid, setInvalid] = useState(false);

  const open = (event: SyntheticEvent) => {
    event.preventDefault();
    const parsed = parseTraceId(draft);
    setInvalid(parsed === undefined);
    if (parsed) {
      setSearchParams({ traceId: parsed });
    }
  };

  return (
    <PluginPage>
      <Stack direction="column" gap={2}>
        <form onSubmit={open}>
          <Stack alignItems="flex-end">
            <Field
              label="Trace ID"
              invalid={invalid}
              error={invalid ? 'A trace ID is 32 (or 16) hexadecimal characters' : undefined}
            >
              <Input
                width={48}
                value={draft}
                placeholder="e.g. 4bf92f3577b34da6a3ce929d0e0e4736"
                onChange={(event) => setDraft(event.currentTarget.value)}
              />
            </Field>
            <Button type="submit">Open trace</Button>
          </Stack>
        </form>
        <Card>
          <Card.Heading>{traceId ? `Trace ${traceId}` : 'No trace selected'}</Card.Heading>
          <Card.Description>
            The waterfall of the trace, the request rate, errors and latency of every service it touches around the
            time it ran, and the logs that carry its trace ID — pick a span to narrow metrics and logs to it. The
            analysis lists why the trace was flagged and highlights the evidence spans.
          </Card.Description>
        </Card>
        <Text color="secondary">
          Find traces worth opening on the <TextLink href={appUrl(AppPage.Incident)}>incident page</TextLink>; choose
          the data sources in the <TextLink href={SETTINGS_URL}>settings</TextLink>.
        </Text>
      </Stack>
    </PluginPage>
  );
}
