/**
 * The signed-in user as the app needs them: login, whether they are an Admin (who may widen the
 * scope to all services), whether Grafana grants them the sampling write action, and their teams.
 * Role and permissions come from Grafana's boot data (`config.bootData.user`); teams from
 * `/api/user/teams`, because boot data does not carry them.
 */
import { lastValueFrom } from 'rxjs';
import { config, getBackendSrv } from '@grafana/runtime';

const SAMPLING_WRITE_ACTION = 'seed-tracingops-app.sampling:write';

export interface Viewer {
  login: string;
  /** Org Admin or Grafana server admin. */
  isAdmin: boolean;
  /** Grafana's RBAC grants `seed-tracingops-app.sampling:write` (the Sampling Operator role). */
  canWriteSampling: boolean;
  role: string;
}

export function currentViewer(): Viewer {
  const user = config.bootData.user;
  const role = user.orgRole || 'None';
  const permissions = user.permissions;
  return {
    login: user.login,
    isAdmin: user.isGrafanaAdmin || role === 'Admin',
    // Boot data lists the user's RBAC permissions; without them (very old set-ups) fall back to the basic-role grant.
    canWriteSampling: permissions ? permissions[SAMPLING_WRITE_ACTION] === true : role === 'Editor' || role === 'Admin',
    role,
  };
}

interface UserTeam {
  name: string;
}

/** Names of the signed-in user's teams in the current org. */
export async function fetchViewerTeams(): Promise<string[]> {
  const response = await lastValueFrom(
    getBackendSrv().fetch<UserTeam[]>({ url: '/api/user/teams', method: 'GET', showErrorAlert: false })
  );
  return response.data.map((team) => team.name);
}
