/**
 * Team membership from Grafana's HTTP API, with the controller's service-account token.
 * Only teams named in the ownership map matter, so the controller asks per team rather than per user:
 * `GET /api/teams/search?name=<team>` (permission `teams:read`) then `GET /api/teams/:id/members`
 * (`teams.permissions:read`). Both are in the org Admin basic role, which a service account can hold on Grafana OSS;
 * `GET /api/users/:id/teams` would need `users:read`, a server-admin permission no service account has on OSS.
 * Members are cached per team for `teamCacheSeconds`; failures are not cached and fail the write closed.
 */
import type { Clock } from './clock';

export interface TeamDirectory {
  /** The teams among `candidates` that `login` belongs to. */
  teamsOf(login: string, candidates: string[]): Promise<string[]>;
}

export class TeamLookupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TeamLookupError';
  }
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
    private readonly config: { url: string; serviceAccountToken: string; teamCacheSeconds: number },
    private readonly clock: Clock,
    private readonly fetchImpl: typeof fetch = fetch
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
    if (cached && this.clock.now() - cached.fetchedAt < this.config.teamCacheSeconds * 1000) {
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

  private async get<T>(path: string): Promise<T> {
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.config.url}${path}`, {
        headers: { Authorization: `Bearer ${this.config.serviceAccountToken}`, Accept: 'application/json' },
        signal: AbortSignal.timeout(5000),
      });
    } catch (err) {
      throw new TeamLookupError(
        `cannot reach Grafana at ${this.config.url} to look up teams: ${(err as Error).message}`
      );
    }
    if (!res.ok) {
      const hint =
        res.status === 401 || res.status === 403
          ? ' (the service account needs teams:read and teams.permissions:read, e.g. the org Admin role)'
          : '';
      throw new TeamLookupError(`Grafana answered ${res.status} to ${path.split('?')[0]}${hint}`);
    }
    return (await res.json()) as T;
  }
}
