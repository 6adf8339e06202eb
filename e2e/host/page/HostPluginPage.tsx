/**
 * Stand-in for Grafana's `PluginPage` (set with `setPluginPage`): the page title from `pageNav`, the actions and
 * the page body. Grafana's version also draws the navigation and breadcrumbs, which the host has no use for.
 */
import type { PluginPageProps } from '@grafana/runtime';
import React from 'react';

export function HostPluginPage({ pageNav, actions, subTitle, children }: PluginPageProps) {
  return (
    <div className="host-plugin-page">
      <div className="host-page-header">
        {pageNav?.text && <h1>{pageNav.text}</h1>}
        {actions && <div className="host-page-actions">{actions}</div>}
      </div>
      {subTitle && <div className="host-page-subtitle">{subTitle}</div>}
      {children}
    </div>
  );
}
