/** The look of the app's plain HTML tables: Grafana's spacing and weak row borders, theme-aware. */
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';

export const tableStyle = (theme: GrafanaTheme2) =>
  css({
    width: '100%',
    'th, td': {
      padding: theme.spacing(0.5, 1),
      textAlign: 'left',
      borderBottom: `1px solid ${theme.colors.border.weak}`,
    },
  });
