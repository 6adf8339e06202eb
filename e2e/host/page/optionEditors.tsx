/**
 * The option editors Grafana core registers at start-up in `standardEditorsRegistry` (its
 * `public/app/core/components/OptionsUI/registry.tsx`). A panel's `setPanelOptions` builder looks its editors up
 * there by id, so without them reading the panel's defaults throws. The host edits no panel options: every id the
 * builders of `@grafana/data` ask for gets a placeholder editor.
 */
import React from 'react';
import { standardEditorsRegistry } from '@grafana/data';

const BUILDER_EDITOR_IDS = [
  'boolean',
  'color',
  'dashboard-uid',
  'field-name',
  'multi-select',
  'number',
  'radio',
  'select',
  'slider',
  'strings',
  'text',
  'timezone',
  'unit',
];

function NotInHost() {
  return <em>Panel options are edited in Grafana, not in the preview host.</em>;
}

export function registerOptionEditors(): void {
  standardEditorsRegistry.setInit(() =>
    BUILDER_EDITOR_IDS.map((id) => ({ id, name: id, description: '', editor: NotInHost }))
  );
}
