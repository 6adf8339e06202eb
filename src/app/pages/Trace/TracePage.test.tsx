import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React from 'react';

import { renderInApp } from '../../testing/renderInApp';
import { TracePage } from './TracePage';

describe('TracePage', () => {
  it('opens the trace named in the URL', () => {
    renderInApp(<TracePage />, { url: '/trace?traceId=4bf92f3577b34da6a3ce929d0e0e4736' });

    expect(screen.getByText('Trace 4bf92f3577b34da6a3ce929d0e0e4736')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'incident page' })).toHaveAttribute('href', '/a/seed-tracingops-app/incident');
  });

  it('opens a pasted trace id, normalised to lower case', async () => {
    renderInApp(<TracePage />, { url: '/trace' });
    expect(screen.getByText('No trace selected')).toBeInTheDocument();

    await userEvent.type(screen.getByRole('textbox', { name: 'Trace ID' }), ' 4BF92F3577B34DA6A3CE929D0E0E4736 ');
    await userEvent.click(screen.getByRole('button', { name: 'Open trace' }));

    expect(screen.getByText('Trace 4bf92f3577b34da6a3ce929d0e0e4736')).toBeInTheDocument();
  });

  it('refuses input that is not a trace id and says what one looks like', async () => {
    renderInApp(<TracePage />, { url: '/trace' });

    await userEvent.type(screen.getByRole('textbox', { name: 'Trace ID' }), 'not-a-trace');
    await userEvent.click(screen.getByRole('button', { name: 'Open trace' }));

    expect(screen.getByText('A trace ID is 32 (or 16) hexadecimal characters')).toBeInTheDocument();
    expect(screen.getByText('No trace selected')).toBeInTheDocument();
  });
});
