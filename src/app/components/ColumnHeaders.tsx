/**
 * The header row of the app's plain tables: one column header per name and, for tables with a column of buttons,
 * an "Actions" header that only screen readers announce (the buttons carry their own names on screen).
 */
import { css } from '@emotion/css';
import React from 'react';
import { useStyles2 } from '@grafana/ui';

export function ColumnHeaders({ names, actions = false }: { names: readonly string[]; actions?: boolean }) {
  const styles = useStyles2(getStyles);
  return (
    <thead>
      <tr>
        {names.map((name) => (
          <th scope="col" key={name}>
            {name}
          </th>
        ))}
        {actions && (
          <th scope="col">
            <span className={styles.visuallyHidden}>Actions</span>
          </th>
        )}
      </tr>
    </thead>
  );
}

const getStyles = () => ({
  visuallyHidden: css({ position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)' }),
});
