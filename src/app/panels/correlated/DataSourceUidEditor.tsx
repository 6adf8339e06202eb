/** Panel option editor that picks a data source of one type and stores its uid. */
import React from 'react';
import type { StandardEditorProps } from '@grafana/data';
import { DataSourcePicker } from '@grafana/runtime';

export function DataSourceUidEditor({
  value,
  onChange,
  item,
}: StandardEditorProps<string | undefined, { pluginId: string }>) {
  return (
    <DataSourcePicker
      pluginId={item.settings?.pluginId}
      current={value ?? null}
      noDefault
      onChange={(ds) => onChange(ds.uid)}
      onClear={() => onChange(undefined)}
    />
  );
}
