/** For the component tests of "Why these traces?": the incident page rendered, and the view opened from its button. */
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React from 'react';

import { type appMeta, renderInApp } from '../../testing/renderInApp';
import { IncidentPage } from './IncidentPage';

/** Loading, analysing and comparing dozens of traces in jsdom takes a while on a busy machine. */
export const LOADED = { timeout: 15_000 };

export async function openComparison(meta: ReturnType<typeof appMeta>, url: string): Promise<HTMLElement> {
  renderInApp(React.createElement(IncidentPage), { url, meta });
  await userEvent.click(await screen.findByRole('button', { name: 'Why these traces?' }, LOADED));
  return screen.findByRole('region', { name: 'Why these traces?' }, LOADED);
}
