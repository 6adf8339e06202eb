/** The app's router: one route per page declared in plugin.json; anything else lands on the incident page. */
import React from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import { AppRootProps } from '@grafana/data';

import { IncidentPage } from './pages/Incident/IncidentPage';
import { TracePage } from './pages/Trace/TracePage';
import { AppPage } from './routes';

export function App(_props: AppRootProps) {
  return (
    <Routes>
      <Route path={AppPage.Incident} element={<IncidentPage />} />
      <Route path={AppPage.Trace} element={<TracePage />} />
      <Route path="*" element={<Navigate to={AppPage.Incident} replace />} />
    </Routes>
  );
}
