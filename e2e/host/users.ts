/**
 * The people who sign in to the preview host, and the RBAC permissions Grafana would give them: every basic role
 * inherits the ones below it (Admin ⊇ Editor ⊇ Viewer), a plugin role's permissions go to the basic roles in its
 * `grants`, and every org member may open an app (`plugins.app:access`).
 */
export interface HostUser {
  /** What the sign-in switch (`/host/sign-in?as=`) calls them. */
  key: string;
  login: string;
  name: string;
  userId: number;
  role: 'Viewer' | 'Editor' | 'Admin';
  isGrafanaAdmin: boolean;
  teams: string[];
}

interface PluginRole {
  role: { permissions: Array<{ action: string }> };
  grants: string[];
}

const inherited: Record<HostUser['role'], string[]> = {
  Viewer: ['Viewer'],
  Editor: ['Viewer', 'Editor'],
  Admin: ['Viewer', 'Editor', 'Admin'],
};

export function permissionsFor(user: HostUser, roles: PluginRole[]): Record<string, boolean> {
  const basic = user.isGrafanaAdmin ? [...inherited.Admin, 'Grafana Admin'] : inherited[user.role];
  const permissions: Record<string, boolean> = { 'plugins.app:access': true };
  for (const { role, grants } of roles) {
    if (grants.some((grant) => basic.includes(grant))) {
      for (const { action } of role.permissions) {
        permissions[action] = true;
      }
    }
  }
  return permissions;
}

/** The demo's people: a payments Viewer, a payments Editor, an identity Editor and an org Admin. */
export const DEMO_USERS: HostUser[] = [
  {
    key: 'editor',
    login: 'alice',
    name: 'Alice (payments)',
    userId: 11,
    role: 'Editor',
    isGrafanaAdmin: false,
    teams: ['payments'],
  },
  {
    key: 'viewer',
    login: 'vera',
    name: 'Vera (payments)',
    userId: 12,
    role: 'Viewer',
    isGrafanaAdmin: false,
    teams: ['payments'],
  },
  {
    key: 'other-editor',
    login: 'ian',
    name: 'Ian (identity)',
    userId: 13,
    role: 'Editor',
    isGrafanaAdmin: false,
    teams: ['identity'],
  },
  {
    key: 'admin',
    login: 'root',
    name: 'Root (org admin)',
    userId: 14,
    role: 'Admin',
    isGrafanaAdmin: false,
    teams: [],
  },
];

/** Team name → member logins, in the shape the simulated Grafana takes (its ids follow this order). */
export function teamMembers(users: HostUser[]): Record<string, string[]> {
  const teams: Record<string, string[]> = {};
  for (const user of users) {
    for (const team of user.teams) {
      (teams[team] ??= []).push(user.login);
    }
  }
  return teams;
}

/** `/api/user/teams`: the user's teams as Grafana lists them, numbered by their place in `teams` (ids from 1). */
export function teamsOf(user: HostUser, users: HostUser[], teams: string[]) {
  return user.teams.map((name) => ({
    id: teams.indexOf(name) + 1,
    uid: `team-${teams.indexOf(name) + 1}`,
    orgId: 1,
    name,
    email: '',
    avatarUrl: '',
    memberCount: users.filter((u) => u.teams.includes(name)).length,
    permission: 0,
  }));
}
