/**
 * Team membership from Grafana's HTTP API, with the controller's service-account token.
 * Only teams named in the ownership map matter, so the controller asks per team rather than per user:
 * `GET /api/teams/search?name=<team>` (permission `teams:read`) then `GET /api/teams/:id/members`
 * (`teams.permissions:read`). Both are in the org Admin basic role, which a service account can hold on Grafana OSS;
 * `GET /api/users/:id/teams` would need `users:read`, a server-admin permission no service account has on OSS.
 * Members are cached per team for `teamCacheSeconds`; failures are not cached and fail the write closed.
 */
import type { Clock } from './clock';
import type { GrafanaApi } from './grafanaApi';

export interface TeamDirectory {
  /** The teams among `candidates` that `login` belongs to. */
  teamsOf(login: string, candidates: string[]): Promise<string[]>;
}

interface TeamSearchResponse {
  teams?: Array<{ id: number; name: string }>;
}

interface TeamMember {
  login?: string;
}

export class GrafanaTeams implements TeamDirectory {
  private readonly cache = new Map<string, { logins: Set<string>; fetchedAt: number }>();

  constructor(
    private readonly grafana: GrafanaApi,
    private readonly cacheSeconds: number,
    private readonly clock: Clock
  ) {}

  async teamsOf(login: string, candidates: string[]): Promise<string[]> {
    const wanted = login.toLowerCase();
    const memberships = await Promise.all(
      candidates.map(async (team) => ((await this.members(team)).has(wanted) ? team : undefined))
    );
    return memberships.filter((t): t is string => t !== undefined);
  }

  private async members(team: string): Promise<Set<string>> {
    const cached = this.cache.get(team);
    if (cached && this.clock.now() - cached.fetchedAt < this.cacheSeconds * 1000) {
      return cached.logins;
    }
    const search = await this.get<TeamSearchResponse>(`/api/teams/search?name=${encodeURIComponent(team)}&perpage=10`);
    const found = search.teams?.find((t) => t.name === team);
    // A team named in the ownership map but missing in Grafana has no members; that is a config problem, not an outage.
    const members = found ? await this.get<TeamMember[]>(`/api/teams/${found.id}/members`) : [];
    const logins = new Set(members.map((m) => m.login?.toLowerCase()).filter((l): l is string => Boolean(l)));
    this.cache.set(team, { logins, fetchedAt: this.clock.now() });
    return logins;
  }

  private get<T>(path: string): Promise<T> {
    return this.grafana.get<T>(path, 'look up teams', 'teams:read and teams.permissions:read, e.g. the org Admin role');
  }
}
