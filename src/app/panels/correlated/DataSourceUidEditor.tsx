/** Panel option editor that picks a data source of the given types and stores its uid. */
import React from 'react';
import type { StandardEditorProps } from '@grafana/data';
import { DataSourcePicker } from '@grafana/runtime';

export function DataSourceUidEditor({
  value,
  onChange,
  item,
}: StandardEditorProps<string | undefined, { types: string[] }>) {
  return (
    <DataSourcePicker
      type={item.settings?.types}
      current={value ?? null}
      noDefault
      onChange={(ds) => onChange(ds.uid)}
      onClear={() => onChange(undefined)}
    />
  );
}
