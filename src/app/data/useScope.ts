/**
 * The viewer's scope for the incident page: resolves their teams once, then turns the scope choice
 * and service filter from the URL into the `Scope` every query is built with.
 */
import { useMemo } from 'react';

import { type ResolvedScope, type ScopeChoice, resolveScope, selectableTeams } from '../scope/scope';
import { type Viewer, currentViewer, fetchViewerTeams } from '../scope/viewer';
import type { TeamOwnership } from '../../contract';
import { type Load, useLoad } from './useLoad';

export interface ViewerScope {
  viewer: Viewer;
  teams: string[];
  /** What the scope selector offers besides "My teams" (and "All services" for Admins). */
  selectableTeams: string[];
  resolved: ResolvedScope;
}

export function useScope(
  choice: ScopeChoice,
  service: string | undefined,
  ownership: readonly TeamOwnership[]
): Load<ViewerScope> {
  const { load: teams } = useLoad(() => fetchViewerTeams(), 'teams');
  return useMemo((): Load<ViewerScope> => {
    if (teams.status !== 'done') {
      return teams.status === 'failed'
        ? { status: 'failed', error: new Error(`Grafana did not list your teams (${teams.error.message})`) }
        : teams;
    }
    const viewer = currentViewer();
    return {
      status: 'done',
      value: {
        viewer,
        teams: teams.value,
        selectableTeams: selectableTeams(teams.value, viewer.isAdmin, ownership),
        resolved: resolveScope({ choice, service, teams: teams.value, isAdmin: viewer.isAdmin, ownership }),
      },
    };
  }, [teams, choice, service, ownership]);
}
