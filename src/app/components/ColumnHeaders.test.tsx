import { render, screen } from '@testing-library/react';
import React from 'react';

import { ColumnHeaders } from './ColumnHeaders';

function renderTable(actions: boolean) {
  render(
    <table aria-label="Spikes">
      <ColumnHeaders names={['Service', 'Rate']} actions={actions} />
    </table>
  );
  return screen.getAllByRole('columnheader').map((header) => header.textContent);
}

describe('ColumnHeaders', () => {
  it('names every column, and the button column for screen readers', () => {
    expect(renderTable(true)).toEqual(['Service', 'Rate', 'Actions']);
  });

  it('adds no button column to a table without one', () => {
    expect(renderTable(false)).toEqual(['Service', 'Rate']);
  });
});
