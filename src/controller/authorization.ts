/**
 * Authorization for the admin API: the bearer token (compared in constant time) gates everything; writes also need
 * a Grafana user with role Editor or higher whose team owns the service. Grafana server admins and org Admins may
 * change any service. Grafana's plugin RBAC (`reqAction` on the proxy route) is the first lock; this is the second.
 */
import { BearerToken } from './bearerToken';
import { ApiError } from './errors';
import type { Ownership } from '../contract';
import { GrafanaLookupError } from './grafanaApi';
import type { Identity } from './identity';
import type { OwnershipSource } from './ownership';
import type { TeamDirectory } from './teams';

export interface WriteAccess {
  allowed: boolean;
  /** The table the verdict was reached with, so one request never mixes two versions of it. */
  ownership?: Ownership;
  allServices: boolean;
  teams: string[];
  servicePatterns: string[];
  reason?: string;
}

export class Authorizer {
  private readonly token: BearerToken;

  constructor(
    token: string,
    private readonly ownership: OwnershipSource,
    private readonly teams: TeamDirectory | undefined
  ) {
    this.token = new BearerToken(token);
  }

  tokenMatches(authorization: string | undefined): boolean {
    return this.token.matches(authorization);
  }

  async writeAccess(identity: Identity): Promise<WriteAccess> {
    const none = (reason: string): WriteAccess => ({
      allowed: false,
      allServices: false,
      teams: [],
      servicePatterns: [],
      reason,
    });
    if (identity.login === undefined) {
      return none(
        identity.writeBlockedReason ??
          'no Grafana user on this request; changes must come through the Tracing Ops app in Grafana'
      );
    }
    if (identity.writeBlockedReason) {
      return none(identity.writeBlockedReason);
    }
    if (identity.isGrafanaAdmin || identity.role === 'Admin') {
      return { allowed: true, allServices: true, teams: [], servicePatterns: ['*'] };
    }
    if (identity.role !== 'Editor') {
      return none(`your Grafana role is ${identity.role}; changing sampling needs Editor or higher`);
    }
    if (!this.teams) {
      return none(
        'the controller has no Grafana service-account token (GRAFANA_URL, GRAFANA_SA_TOKEN), so it cannot check team ownership'
      );
    }
    let ownership: Ownership;
    let teams: string[];
    try {
      ownership = await this.ownership.current();
      teams = await this.teams.teamsOf(identity.login, ownership.teams);
    } catch (err) {
      if (err instanceof GrafanaLookupError) {
        throw new ApiError(503, 'unavailable', `cannot check team ownership right now: ${err.message}`);
      }
      throw err;
    }
    const servicePatterns = ownership.globsOf(teams);
    if (servicePatterns.length === 0) {
      return { ...none("none of your teams owns a service in the app's ownership table"), teams, ownership };
    }
    return { allowed: true, allServices: false, teams, servicePatterns, ownership };
  }

  canWriteService(access: WriteAccess, service: string): boolean {
    return access.allowed && (access.allServices || Boolean(access.ownership?.owns(access.teams, service)));
  }

  /** Throws 403 with the reason the UI should show. */
  async authorizeWrite(identity: Identity, service: string): Promise<void> {
    const access = await this.writeAccess(identity);
    if (!access.allowed) {
      throw new ApiError(403, 'forbidden', `not allowed to change sampling: ${access.reason ?? 'no write access'}`);
    }
    if (!this.canWriteService(access, service)) {
      const owners = access.ownership?.owners(service) ?? [];
      throw new ApiError(
        403,
        'forbidden',
        `service "${service}" is ${owners.length ? `owned by ${owners.join(', ')}` : "not owned by any team in the app's ownership table"}, not by your teams (${access.teams.join(', ')})`,
        { owners, yourTeams: access.teams }
      );
    }
  }
}
